"""The endpoint form's "Test connection" against the loopback fake server, said in words;
a verdict goes as soon as what it tested is edited."""

from __future__ import annotations

import asyncio
import socket

from kimi_desktop.ui.icons import Status
from tests.loop_support import run_until
from tests.ui.settings.driving import (
    KEY,
    point_at,
    run_connection_test,
    type_into,
)


def test_connection_with_a_good_key(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    assert dialog.test_result.isHidden()  # no verdict yet: no empty line above Prices
    point_at(dialog, qtbot, server.base_url, KEY)
    text = run_connection_test(dialog, qloop)
    assert text.startswith("Connected in ")
    assert dialog.test_result.status is Status.OK
    assert not dialog.test_result.isHidden()
    assert " ms. Key accepted. 3 models available." in text
    assert server.requests[-1].headers["authorization"] == f"Bearer {KEY}"


def test_connection_with_a_bad_key(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    wrong = "sk-not-the-right-key-42424242"
    point_at(dialog, qtbot, server.base_url, wrong)
    text = run_connection_test(dialog, qloop)
    assert text.startswith("Reachable in ")
    assert dialog.test_result.status is Status.ERROR
    assert "but the key was rejected (401)" in text
    assert wrong not in text


def test_connection_to_a_closed_port(open_dialog, qtbot, qloop) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = open_dialog()
    point_at(dialog, qtbot, f"http://127.0.0.1:{port}/v1", KEY)
    text = run_connection_test(dialog, qloop)
    assert text.startswith(f"Not reachable: Could not connect to 127.0.0.1:{port}.")
    assert dialog.test_result.status is Status.ERROR


def test_connection_suggests_the_missing_v1(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    point_at(dialog, qtbot, server.url, KEY)
    text = run_connection_test(dialog, qloop)
    assert "has no models list at this address" in text
    assert f"Did you mean {server.base_url} ?" in text
    assert dialog.form.url_field.suggest_button.text() == f"Use {server.base_url}"
    assert dialog.test_result.status is Status.ERROR
    dialog.form.url_field.suggest_button.click()
    text = run_connection_test(dialog, qloop)
    assert text.startswith("Connected in ")
    assert dialog.test_result.status is Status.OK


def test_editing_what_the_test_depends_on_clears_its_verdict(
    open_dialog, server, qtbot, qloop
) -> None:
    dialog = open_dialog()
    point_at(dialog, qtbot, server.base_url, KEY)

    def edits():
        yield lambda: type_into(qtbot, dialog.url_edit, server.base_url + "/")
        yield lambda: type_into(qtbot, dialog.key_edit, KEY + "x")
        yield lambda: type_into(qtbot, dialog.form.proxy_edit, "http://127.0.0.1:9")
        yield lambda: type_into(qtbot, dialog.form.proxy_edit, "")

        def protocol() -> None:
            dialog.form.protocol_combo.setCurrentIndex(1)
            dialog.form.protocol_combo.activated.emit(1)

        yield protocol
        yield lambda: dialog.key_required.setChecked(False)
        yield dialog.form.key_field.remove_button.click

    for edit in edits():
        assert run_connection_test(dialog, qloop) != ""
        edit()
        assert dialog.test_result.text() == ""
        assert dialog.test_result.status is None
        assert dialog.test_result.isHidden()

    assert run_connection_test(dialog, qloop) != ""
    type_into(qtbot, dialog.name_edit, "Renamed")  # the name does not change what was tested
    assert dialog.test_result.text() != ""


def test_an_edit_during_a_test_cancels_it(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    point_at(dialog, qtbot, server.base_url, KEY)
    dialog.test_button.click()
    type_into(qtbot, dialog.key_edit, "sk-changed-while-testing")
    qloop.run_until_complete(asyncio.sleep(0.3))
    assert dialog.test_result.text() == ""  # no verdict about the old key
    assert dialog.test_button.isEnabled()


def test_the_focus_stays_on_test_connection(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    point_at(dialog, qtbot, server.base_url, KEY)
    dialog.test_button.setFocus()
    assert dialog.test_button.hasFocus()
    run_connection_test(dialog, qloop)
    assert dialog.test_button.hasFocus()  # not moved on to the price fields

    dialog.test_button.click()
    dialog.url_edit.setFocus()  # the user goes on while it runs: the focus stays there
    run_until(qloop, lambda: dialog.test_result.text() not in ("", "Testing…"))
    assert dialog.url_edit.hasFocus()
