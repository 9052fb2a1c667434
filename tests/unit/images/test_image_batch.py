"""Limits on a message's images taken together."""

from __future__ import annotations

import pytest

from kimi_desktop.images import (
    ImageRejected,
    RejectReason,
    check_budget,
    image_room,
    too_many_images,
)
from kimi_desktop.images.limits import MAX_IMAGES_PER_MESSAGE, MAX_REQUEST_IMAGE_BYTES, MB


@pytest.mark.parametrize(("existing", "room"), [(0, 8), (5, 3), (8, 0), (11, 0)])
def test_room_left_for_images(existing, room):
    assert MAX_IMAGES_PER_MESSAGE == 8
    assert image_room(existing) == room


def test_too_many_images_says_how_many_the_message_has():
    error = too_many_images(8)
    assert error.reason is RejectReason.TOO_MANY_IMAGES
    assert str(error) == "A message can carry up to 8 images, and this one already has 8."


def test_negative_counts_are_a_programming_error():
    with pytest.raises(ValueError, match="negative"):
        image_room(-1)


def test_budget_allows_exactly_the_limit():
    check_budget([MAX_REQUEST_IMAGE_BYTES // 2, MAX_REQUEST_IMAGE_BYTES // 2])
    check_budget([])


def test_over_budget_names_the_total_and_the_limit():
    with pytest.raises(ImageRejected) as caught:
        check_budget([MB, MB, MB // 2])
    assert caught.value.reason is RejectReason.OVER_BUDGET
    assert str(caught.value) == (
        "Together the images come to 2.5 MB; one message can carry 2 MB of images. "
        "Remove one or attach smaller images."
    )


def test_barely_over_budget_does_not_claim_equal_sizes():
    with pytest.raises(ImageRejected, match=r"come to over 2 MB; one message can carry 2 MB"):
        check_budget([MAX_REQUEST_IMAGE_BYTES + 1])
