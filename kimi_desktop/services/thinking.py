"""What a request says about reasoning: the model's mode, the endpoint's switch, the pick.

One pure function, so every request (a reply, a regeneration, a connection
test) follows the same rules and no request can ask an always-thinking model to
stop: Moonshot answers that with a 400 ("only type=enabled is allowed").
"""

from __future__ import annotations

from kimi_desktop.domain import REASONING_EFFORTS, ThinkingFields, ThinkingMode, ThinkingSwitch
from kimi_desktop.services.choices import ModelChoice

__all__ = ["EFFORT_WHEN_OFF", "EFFORT_WHEN_ON", "thinking_fields"]

EFFORT_WHEN_ON = "high"
"""``reasoning_effort`` for "thinking on" where the endpoint switches with it."""

EFFORT_WHEN_OFF = "none"
"""``reasoning_effort`` for "thinking off": vLLM's "none" "disables reasoning entirely"
(vllm/entrypoints/openai/reasoning_effort.py), and OpenAI's API takes "none" too."""


def thinking_fields(
    mode: ThinkingMode, switch: ThinkingSwitch, choice: ModelChoice
) -> ThinkingFields:
    """The reasoning fields for a request for ``choice``.

    ``mode`` is how the model reasons (:func:`kimi_desktop.settings.thinking_mode`),
    ``switch`` how the endpoint takes the switch (its profile's ``thinking_switch``).
    A ``None`` anywhere in the result means "not sent: the server's default".
    """
    if switch == "none" or mode in (ThinkingMode.NONE, ThinkingMode.UNKNOWN):
        # Nothing to switch, or no known way to: a guessed field could be refused.
        return ThinkingFields(switch=switch)
    if mode is ThinkingMode.SWITCHABLE:
        return _switched(switch, choice.thinking)
    if mode is ThinkingMode.ALWAYS:
        return _always_on(switch)
    # ThinkingMode.EFFORT: the model takes reasoning_effort itself and no thinking field.
    effort = choice.effort if choice.effort in REASONING_EFFORTS else None
    return ThinkingFields(switch=switch, effort=effort)


def _switched(switch: ThinkingSwitch, thinking: bool | None) -> ThinkingFields:
    if thinking is None:
        return ThinkingFields(switch=switch)
    if switch == "reasoning_effort":
        effort = EFFORT_WHEN_ON if thinking else EFFORT_WHEN_OFF
        return ThinkingFields(switch=switch, effort=effort)
    return ThinkingFields(thinking=thinking, switch=switch)


def _always_on(switch: ThinkingSwitch) -> ThinkingFields:
    """Never "off". Moonshot's ``thinking`` already defaults to on for these models
    and its guide says not to send it (platform.kimi.ai/docs/guide/use-kimi-k2-thinking-
    model); a chat template (vLLM / SGLang) thinks by default too. Only an endpoint
    that switches with ``reasoning_effort`` may need to be told, so it is told "on".
    """
    if switch == "reasoning_effort":
        return ThinkingFields(switch=switch, effort=EFFORT_WHEN_ON)
    return ThinkingFields(switch=switch)
