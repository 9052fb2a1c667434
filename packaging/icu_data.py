"""A smaller ICU data library for the bundle: English and Chinese instead of every language.

Qt links ICU, and PySide6's wheels carry ICU's complete data as
``libicudata.so.<version>`` (32 MB, a fifth of the bundle): locale data for
about 800 locales, collation for every language, 230 legacy code pages,
dictionaries for Thai, Lao, Khmer and Burmese word breaks. Qt reaches ICU for
collation, time zones, case mapping and legacy text codecs; the app formats
its numbers and dates with ``QLocale`` (whose data is built into QtCore) and
speaks English and Simplified Chinese. So the bundle keeps:

- every item that is not a locale's own data (normalisation, properties, time
  zones, likely subtags, plurals, units, the break rules, the collation root);
- the locale data (``*.res`` in every tree) of ``root``, ``en*`` and ``zh*``, and
  each tree's ``pool.res`` and ``res_index.res``;
- the code pages for Chinese and the common Western ones (GB 18030, GBK,
  GB 2312, ISO 8859, Windows 125x);

and leaves out the rest (word-break dictionaries, transliteration, the other
languages), about 26 MB. A locale that is left out falls back to
``root`` as ICU always does for a locale it does not know.

The library is rebuilt with ICU's own tools, ``icupkg`` and ``genccode`` (Debian:
``icu-devtools``), and a C compiler; they only move bytes around, so their ICU
version need not match. Without them the bundle keeps the full data and the
build says so. :func:`items_to_keep` is pure and tested on its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

#: Languages whose locale data stays (the app's English and Simplified Chinese).
KEPT_LANGUAGES = ("en", "zh")
#: Code pages kept, by ICU file name (the rest are legacy IBM, EBCDIC, Japanese...).
KEPT_CONVERTERS = re.compile(
    r"^(gb18030|windows-936-2000|ibm-1383_.*|ibm-1386_.*"  # GB 18030, GBK, GB 2312
    r"|ibm-(813|819|91[2-6]|92[0-3]|1089|5012|9005)_.*"  # ISO 8859
    r"|ibm-(125[0-8]|534[6-9]|535[0-4])_.*)\.cnv$"  # Windows 125x
)
#: Word-break dictionaries kept: none. Qt finds word and line breaks with its own
#: tables, never ICU's break iterators; were one used, ICU breaks by rule alone
#: where a dictionary is missing.
KEPT_DICTIONARIES: frozenset[str] = frozenset()
#: Trees left out whole: transliteration, which Qt never asks ICU for.
DROPPED_TREES = ("translit/",)
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")
_SHARED = frozenset({"root.res", "pool.res", "res_index.res"})
_DATA_LIBRARY = re.compile(r"^libicudata\.so\.(\d+)$")
_MISSING = re.compile(r"depends on missing item (\S+)")


def items_to_keep(items: Iterable[str]) -> list[str]:
    """The items of an ICU data package (``coll/zh.res``, ``gb18030.cnv``...) to keep."""
    return [item for item in items if _keep(item)]


def _keep(item: str) -> bool:
    if item.startswith(DROPPED_TREES):
        return False
    name = item.rsplit("/", 1)[-1]
    if name in _SHARED:
        return True
    if name.endswith(".cnv"):
        return KEPT_CONVERTERS.match(name) is not None
    if name.endswith(".dict"):
        return name in KEPT_DICTIONARIES
    if _LOCALE.match(name):
        language = name.split("_", 1)[0].removesuffix(".res")
        return language in KEPT_LANGUAGES
    return True


def tools_missing() -> list[str]:
    """The programs :func:`trim` needs that are not on ``PATH``."""
    return [tool for tool in ("icupkg", "genccode", "cc", "objcopy") if shutil.which(tool) is None]


def trim(library: Path, workdir: Path) -> Path | None:
    """Build a trimmed copy of ``library`` (``libicudata.so.N``) in ``workdir``.

    Returns its path, or ``None`` when ``library`` is not an ICU data library or
    the tools are missing (then the bundle keeps the original).
    """
    match = _DATA_LIBRARY.match(library.name)
    if match is None or tools_missing():
        return None
    version = match.group(1)
    entry = f"icudt{version}"
    workdir.mkdir(parents=True, exist_ok=True)
    package = workdir / f"{entry}l.dat"
    # The data is the library's whole read-only section: the symbol icudtNN_dat.
    _run("objcopy", "-O", "binary", "--only-section=.rodata", str(library), str(package))
    listed = _run("icupkg", "--list", str(package)).split()
    kept = set(items_to_keep(listed))
    removed = workdir / "removed.txt"
    (workdir / "trimmed").mkdir(exist_ok=True)
    trimmed = workdir / "trimmed" / package.name
    for _attempt in range(10):
        removed.write_text("\n".join(item for item in listed if item not in kept) + "\n")
        done = subprocess.run(
            ["icupkg", "--remove", str(removed), str(package), str(trimmed)],
            capture_output=True,
            text=True,
            check=False,
        )
        # A kept item may rest on one removed (zh_Hant_HK on yue): keep that too, retry.
        needed = set(_MISSING.findall(done.stderr + done.stdout))
        if done.returncode == 0 and not needed:
            break
        if needed and all(item.endswith(".dict") for item in needed):
            # Only dictionaries are missing: ICU copes (see KEPT_DICTIONARIES).
            _run("icupkg", "--ignore-deps", "--remove", str(removed), str(package), str(trimmed))
            break
        if not needed - kept:
            raise RuntimeError(f"icupkg failed: {done.stderr.strip()[-500:]}")
        kept |= {item for item in needed if not item.endswith(".dict")}
    else:
        raise RuntimeError("icupkg: the items' dependencies did not settle")
    # genccode writes the package as an assembly file defining icudtNN_dat.
    _run("genccode", "--entrypoint", entry, "--assembly", "gcc", "-d", str(workdir), str(trimmed))
    assembly = workdir / f"{package.stem}_dat.S"
    output = workdir / library.name
    _run(
        "cc",
        "-shared",
        "-nostdlib",
        f"-Wl,-soname,{library.name}",
        "-o",
        str(output),
        str(assembly),
    )
    return output


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout
