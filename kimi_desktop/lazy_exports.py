"""A package's public names, each loaded from its module on first use (PEP 562).

A package that re-exports its modules' names imports all of them with itself;
where the window needs one cheap name at start (an image format's sniffing, a
document's kind) and the rest only once something is attached, the package
hands out its names through :func:`lazy_exports` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, whose public names
    are ``homes`` (name → the submodule defining it) and whose globals are
    ``namespace``. A name, once loaded, is stored there and found directly."""

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        # An import statement's machinery, so ``-X importtime`` shows what this loads.
        module = __import__(f"{package}.{home}", fromlist=[name])
        value = getattr(module, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
