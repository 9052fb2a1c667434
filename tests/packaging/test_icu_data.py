"""Which of ICU's data items the bundle keeps: English, Chinese and what every locale shares."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))

import icu_data

ITEMS = [
    "root.res",
    "pool.res",
    "res_index.res",
    "en.res",
    "en_GB.res",
    "zh.res",
    "zh_Hant_TW.res",
    "de.res",
    "fil_PH.res",
    "coll/zh.res",
    "coll/de.res",
    "coll/ucadata.icu",
    "curr/pool.res",
    "zone/en_001.res",
    "zone/ja.res",
    "metaZones.res",
    "zoneinfo64.res",
    "plurals.res",
    "nfkc.nrm",
    "unames.icu",
    "brkitr/line.brk",
    "brkitr/cjdict.dict",
    "brkitr/thaidict.dict",
    "translit/root.res",
    "gb18030.cnv",
    "ibm-5348_P100-1997.cnv",
    "ibm-943_P15A-2003.cnv",
    "cnvalias.icu",
]


def test_keeps_english_chinese_and_the_shared_data() -> None:
    kept = set(icu_data.items_to_keep(ITEMS))
    assert kept == {
        "root.res",
        "pool.res",
        "res_index.res",
        "en.res",
        "en_GB.res",
        "zh.res",
        "zh_Hant_TW.res",
        "coll/zh.res",
        "coll/ucadata.icu",
        "curr/pool.res",
        "zone/en_001.res",
        "metaZones.res",
        "zoneinfo64.res",
        "plurals.res",
        "nfkc.nrm",
        "unames.icu",
        "brkitr/line.brk",
        "gb18030.cnv",
        "ibm-5348_P100-1997.cnv",  # windows-1252
        "cnvalias.icu",
    }


def test_only_a_data_library_is_trimmed(tmp_path: Path) -> None:
    assert icu_data.trim(tmp_path / "libicuuc.so.73", tmp_path) is None
