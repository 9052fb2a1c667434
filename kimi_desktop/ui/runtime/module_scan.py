"""Make PySide6's check of every imported module cheap; importing this module does it.

PySide6 replaces ``__import__`` with a hook that asks, for each module imported
after Qt, whether its source mentions "PySide6" (its ``__feature__`` switches
apply only to such modules). It asks through ``inspect.getsource``, which reads
the file through :mod:`linecache` and keeps every line of it in memory for the
rest of the run: some 250 modules at start-up, about 8 MB held and some 50 ms
of CPU. Reading the file's bytes answers the same question
and keeps nothing. A bundle without source files is not affected (both answer
"no source").

:mod:`kimi_desktop.app` imports this right after Qt and before its own modules.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads the hook this adjusts)

#: The hook's module; the private function replaced is ``_mod_uses_pyside``
#: (PySide6 6.4+, ``shibokensupport/feature.py``, added for PYSIDE-2029).
_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def quick_check(fallback: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """PySide6's question, answered from the module file's bytes; anything that is
    not a plain ``.py`` file is left to ``fallback``, PySide6's own check."""

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return fallback(module)

    uses_pyside.quick = True  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Replace PySide6's check, once; ``False`` when this PySide6 has none to replace.

    WORKAROUND: PySide6's import hook reads every module's source through
    ``inspect.getsource`` (``shibokensupport/feature.py``, ``_mod_uses_pyside``).
    """
    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if check is None or not callable(check):
        return False
    if not getattr(check, "quick", False):
        setattr(feature, _CHECK, quick_check(check))
    return True


install()
