"""Print a built bundle's unpacked size against its budget, and its biggest parts.

    python packaging/bundle_size.py [dist/kimi-desktop] [--top 25]

The size is the sum of the files' sizes (symlinks counted as links), in MiB, as
``tests/packaging/test_bundle.py`` counts it. The parts are the biggest files,
then the top folders of ``_internal`` with everything under them. Exit status
1 when the bundle is over :data:`BUDGET_MIB`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

#: The unpacked bundle's budget, the CJK fallback font included.
BUDGET_MIB = 120
MIB = 2**20


def sizes(bundle: Path) -> dict[Path, int]:
    """Every file (and symlink) under ``bundle`` with its size in bytes."""
    return {p.relative_to(bundle): p.lstat().st_size for p in bundle.rglob("*") if not p.is_dir()}


def by_folder(files: dict[Path, int]) -> Counter[str]:
    """Bytes per top folder of ``_internal`` (``PySide6/Qt/lib``-deep for Qt)."""
    totals: Counter[str] = Counter()
    for path, size in files.items():
        parts = path.parts[1:] if path.parts[0] == "_internal" else path.parts
        depth = 3 if parts[:2] == ("PySide6", "Qt") else 1
        totals["/".join(parts[: min(depth, len(parts) - 1)] or parts[:1])] += size
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=Path("dist/kimi-desktop"))
    parser.add_argument("--top", type=int, default=25, help="how many files and folders")
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        parser.error(f"{args.bundle} is not a built bundle (make package builds one)")
    files = sizes(args.bundle)
    total = sum(files.values())
    verdict = "pass" if total <= BUDGET_MIB * MIB else "FAIL"
    print(f"{args.bundle}: {total / MIB:.1f} MiB in {len(files)} files,", end=" ")
    print(f"budget {BUDGET_MIB} MiB: {verdict}")
    print("\nbiggest files:")
    for path, size in sorted(files.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {size / MIB:7.2f} MiB  {path}")
    print("\nby folder:")
    for folder, size in by_folder(files).most_common(args.top):
        print(f"  {size / MIB:7.2f} MiB  {folder}")
    return 0 if verdict == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
