"""The desktop entry and the AppStream metainfo: valid, and consistent with the app."""

from __future__ import annotations

import configparser
import shutil
import xml.etree.ElementTree as ET

import pytest

from kimi_desktop import __version__
from tests.packaging.conftest import APP, RESOURCES, run

DESKTOP_FILE = RESOURCES / f"{APP}.desktop"
METAINFO_FILE = RESOURCES / "io.github.kimi_desktop.KimiDesktop.metainfo.xml"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_entry_validates() -> None:
    result = run(["desktop-file-validate", DESKTOP_FILE])
    # Hints are fine (several main categories is one); errors and warnings are not.
    assert ": error:" not in result.stdout
    assert ": warning:" not in result.stdout


def test_desktop_entry_opens_images_and_matches_the_window() -> None:
    entry = desktop_entry()
    assert entry["Exec"] == f"{APP} %F"
    assert entry["Icon"] == APP
    assert entry["Terminal"] == "false"
    # Qt's QGuiApplication.setDesktopFileName("kimi-desktop") sets the window class the
    # shell matches against: same name as this file.
    assert entry["StartupWMClass"] == DESKTOP_FILE.stem == APP
    assert set(entry["MimeType"].rstrip(";").split(";")) == {
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/gif",
    }
    assert {"Network", "Chat", "Qt"} <= set(entry["Categories"].rstrip(";").split(";"))


def test_metainfo_points_at_the_desktop_entry_and_this_version() -> None:
    component = ET.parse(METAINFO_FILE).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == APP
    releases = [release.get("version") for release in component.iterfind("releases/release")]
    assert releases[0] == __version__, "add a <release> for the new version"


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream absent")
def test_metainfo_validates() -> None:
    run(["appstreamcli", "validate", "--no-net", METAINFO_FILE])
