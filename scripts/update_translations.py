"""Extract the app's marked strings, update every catalog, and compile them.

    .venv/bin/python scripts/update_translations.py          # update .po files and .mo files
    .venv/bin/python scripts/update_translations.py --check  # exit 1 if anything is out of date

Strings are found where the source marks them: ``_("…")``, ``N_("…")`` and
``ngettext("…", "…", n)`` (see ``kimi_desktop/i18n.py``). New strings arrive in
each ``.po`` untranslated; strings no longer in the source are dropped, so a
catalog never carries stale entries. The compiled ``.mo`` files are committed,
so a fresh clone shows every language without a build step; ``--check`` (run by
the tests) fails when the committed files do not match the source.

Needs Babel, which the test extras install.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kimi_desktop"
LOCALE = PACKAGE / "locale"
DOMAIN = "kimi_desktop"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LANGUAGES = ("zh_CN",)
STABLE_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
HEADER = """\
# Kimi Desktop's interface in {language}.
# Updated by scripts/update_translations.py; translate the empty msgstr entries.
#"""


def template() -> Catalog:
    """Every marked string of the package, with where it is used."""
    catalog = Catalog(project="Kimi Desktop", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
    ):
        catalog.add(
            message,
            locations=[(f"kimi_desktop/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(language: str, source: Catalog) -> Catalog:
    """The language's catalog with the source's strings: translations kept, new
    strings empty, removed strings dropped (no fuzzy guesses: a wrong guess reads
    as a right translation)."""
    path = po_path(language)
    if path.exists():
        with path.open("rb") as fp:
            catalog = read_po(fp, locale=language, domain=DOMAIN)
    else:
        catalog = Catalog(
            locale=language,
            domain=DOMAIN,
            project="Kimi Desktop",
            copyright_holder="Kimi Desktop developers",
            header_comment=HEADER.format(language=language),
            last_translator="Kimi Desktop developers",
            language_team=language,
        )
    catalog.update(source, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    # A fuzzy header is left out of the .mo, and with it the plural rule.
    catalog.fuzzy = False
    # A fixed date, so the same source always gives the same files.
    catalog.creation_date = STABLE_DATE
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False, no_location=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    source = template()
    stale: list[str] = []
    for language in LANGUAGES:
        catalog = updated(language, source)
        po, mo = po_path(language), po_path(language).with_suffix(".mo")
        for path, data in ((po, po_bytes(catalog)), (mo, mo_bytes(catalog))):
            if path.exists() and path.read_bytes() == data:
                continue
            stale.append(str(path.relative_to(ROOT)))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{language}: {len(source)} strings, {missing} untranslated")
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        print("run: .venv/bin/python scripts/update_translations.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
