"""Fixtures for the packaging tests: rendered icons, a fake bundle, a built bundle."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
#: The icon master lives in the package: it is the window icon too.
ICON_MASTER = ROOT / "kimi_desktop" / "resources" / "kimi-desktop.svg"
APP = "kimi-desktop"


def load_script(path: Path) -> ModuleType:
    """Import a script from packaging/ (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(f"_packaging_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run(
    args: list[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a command, failing the test with its output when it fails."""
    result = subprocess.run(
        [str(a) for a in args],
        env=env,
        cwd=cwd,
        timeout=timeout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def icons_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of packaging/build_icons.py."""
    out = tmp_path_factory.mktemp("icons")
    run(
        [sys.executable, PACKAGING / "build_icons.py", out],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    return out


@pytest.fixture
def fake_bundle(tmp_path: Path, icons_dir: Path) -> Path:
    """A bundle laid out like the real one, with a shell script for the executable."""
    bundle = tmp_path / "bundle" / APP
    (bundle / "_internal").mkdir(parents=True)
    executable = bundle / APP
    executable.write_text('#!/bin/sh\necho "Kimi Desktop (test bundle) $*"\n')
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    load_script(PACKAGING / "linux" / "stage.py").stage(bundle, icons_dir)
    return bundle


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real onedir bundle, built once per session (minutes), or $KIMI_DESKTOP_BUNDLE."""
    prebuilt = os.environ.get("KIMI_DESKTOP_BUNDLE")
    if prebuilt:
        path = Path(prebuilt)
        assert (path / APP).is_file(), f"KIMI_DESKTOP_BUNDLE={prebuilt} holds no {APP}"
        return path
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[package]'")
    work = tmp_path_factory.mktemp("pyinstaller")
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            work / "dist",
            "--workpath",
            work / "build",
            PACKAGING / "kimi-desktop.spec",
        ],
        cwd=ROOT,
        timeout=1800,
    )
    return work / "dist" / APP
