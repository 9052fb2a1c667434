"""No garbage collection while the app's modules load; importing this module starts the hold.

Loading the app's modules makes some 40,000 objects (modules, classes,
functions, Qt's enums), nearly all of them alive for the whole run. Python's
collector walks them again and again as they appear: about 90 young and 8
middle-aged collections, some 20 ms of CPU before the window can paint
(measured on a 2-core machine), for almost nothing found. :mod:`kimi_desktop.app`
imports this module before any other and calls :func:`release` once its
imports are done.

:func:`release` freezes what the imports made instead of collecting it:
a collection at that point walks all of it once more (20–35 ms) to find some
600 objects of import-time garbage (a few kilobytes), which are therefore
kept for good. Everything made afterwards is collected as usual.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Stop automatic collections, unless they are off already (then nothing changes)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what was made while held and collect as usual again; nothing if not held."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


hold()
