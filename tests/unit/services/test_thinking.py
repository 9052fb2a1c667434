"""thinking_fields: every thinking mode under every way an endpoint takes the switch."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import THINKING_SWITCHES, ThinkingFields, ThinkingMode
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.services.thinking import thinking_fields

ON = ModelChoice("m", thinking=True)
OFF = ModelChoice("m", thinking=False)
DEFAULT = ModelChoice("m")

# (mode, switch, choice) -> (thinking, effort) the request carries.
CASES = [
    # A switch: written the endpoint's way; a reasoning_effort endpoint gets high / none.
    (ThinkingMode.SWITCHABLE, "thinking", ON, (True, None)),
    (ThinkingMode.SWITCHABLE, "thinking", OFF, (False, None)),
    (ThinkingMode.SWITCHABLE, "thinking", DEFAULT, (None, None)),
    (ThinkingMode.SWITCHABLE, "chat_template_kwargs", ON, (True, None)),
    (ThinkingMode.SWITCHABLE, "chat_template_kwargs", OFF, (False, None)),
    (ThinkingMode.SWITCHABLE, "chat_template_kwargs", DEFAULT, (None, None)),
    (ThinkingMode.SWITCHABLE, "reasoning_effort", ON, (None, "high")),
    (ThinkingMode.SWITCHABLE, "reasoning_effort", OFF, (None, "none")),
    (ThinkingMode.SWITCHABLE, "reasoning_effort", DEFAULT, (None, None)),
    (ThinkingMode.SWITCHABLE, "none", ON, (None, None)),
    (ThinkingMode.SWITCHABLE, "none", OFF, (None, None)),
    # Always on: never "off", whatever was picked; only an effort endpoint is told "on".
    (ThinkingMode.ALWAYS, "thinking", OFF, (None, None)),
    (ThinkingMode.ALWAYS, "thinking", ON, (None, None)),
    (ThinkingMode.ALWAYS, "chat_template_kwargs", OFF, (None, None)),
    (ThinkingMode.ALWAYS, "reasoning_effort", OFF, (None, "high")),
    (ThinkingMode.ALWAYS, "none", OFF, (None, None)),
    # An effort model: its effort, no thinking field; a switch left on is ignored.
    (ThinkingMode.EFFORT, "thinking", ModelChoice("k3", True, "max"), (None, "max")),
    (ThinkingMode.EFFORT, "thinking", ModelChoice("k3", False, "low"), (None, "low")),
    (ThinkingMode.EFFORT, "chat_template_kwargs", ModelChoice("k3", None, "high"), (None, "high")),
    (ThinkingMode.EFFORT, "reasoning_effort", ModelChoice("k3", None, "low"), (None, "low")),
    (ThinkingMode.EFFORT, "thinking", ModelChoice("k3", True, None), (None, None)),
    (ThinkingMode.EFFORT, "thinking", ModelChoice("k3", True, "medium"), (None, None)),
    (ThinkingMode.EFFORT, "none", ModelChoice("k3", True, "max"), (None, None)),
]


@pytest.mark.parametrize(("mode", "switch", "choice", "expected"), CASES)
def test_fields(mode, switch, choice, expected) -> None:
    fields = thinking_fields(mode, switch, choice)

    assert (fields.thinking, fields.effort) == expected
    assert fields.switch == switch


@pytest.mark.parametrize("switch", THINKING_SWITCHES)
@pytest.mark.parametrize("mode", [ThinkingMode.NONE, ThinkingMode.UNKNOWN])
@pytest.mark.parametrize("choice", [ON, OFF, ModelChoice("m", True, "max")])
def test_nothing_for_a_model_without_a_known_switch(mode, switch, choice) -> None:
    assert thinking_fields(mode, switch, choice) == ThinkingFields(switch=switch)


@pytest.mark.parametrize("switch", THINKING_SWITCHES)
@pytest.mark.parametrize("choice", [ON, OFF, DEFAULT, ModelChoice("m", False, "low")])
def test_an_always_thinking_model_is_never_asked_to_stop(switch, choice) -> None:
    fields = thinking_fields(ThinkingMode.ALWAYS, switch, choice)

    assert fields.thinking is not False
    assert fields.effort not in ("none", "low")
