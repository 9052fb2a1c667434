"""install.sh / uninstall.sh against a temporary HOME: files appear, then are gone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import APP, PACKAGING, run
from tests.packaging.test_icons import build_icons

INSTALL = PACKAGING / "linux" / "install.sh"
METAINFO = "io.github.kimi_desktop.KimiDesktop.metainfo.xml"
# update-desktop-database keeps this index current; it is not ours to delete.
CACHES = {"applications/mimeinfo.cache"}


def environment(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8", **extra}


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()}


def desktop_value(path: Path, key: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no {key}= in {path}")


def exec_argv(value: str) -> list[str]:
    """Split an Exec value the way the Desktop Entry spec says launchers do."""
    text = value.replace("\\\\", "\\")  # first undo the string-value escape
    args: list[str] = []
    current: list[str] = []
    started = quoted = False
    chars = iter(text)
    for char in chars:
        if quoted and char == "\\":
            current.append(next(chars))
        elif char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if started:
                args.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        args.append("".join(current))
    return [arg if arg == "%F" else arg.replace("%%", "%") for arg in args]


def assert_installed(share: Path, app_dir: Path, launcher: Path) -> None:
    binary = app_dir / APP
    assert os.access(binary, os.X_OK)
    assert launcher.is_symlink()
    assert launcher.resolve() == binary.resolve()
    assert "test bundle" in run([launcher, "--version"]).stdout
    for size in build_icons.HICOLOR_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP}.svg").is_file()
    assert (share / "metainfo" / METAINFO).is_file()
    entry = share / "applications" / f"{APP}.desktop"
    assert exec_argv(desktop_value(entry, "Exec")) == [str(binary), "%F"]
    assert desktop_value(entry, "TryExec").replace("\\\\", "\\") == str(binary)
    assert desktop_value(entry, "Icon") == APP
    if shutil.which("desktop-file-validate"):
        result = run(["desktop-file-validate", entry])
        assert ": error:" not in result.stdout
        assert ": warning:" not in result.stdout


def test_per_user_install_and_uninstall(fake_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    share = home / ".local" / "share"
    # The app's own data lives beside the bundle's folder and must survive.
    history = share / APP / "history.sqlite3"
    history.parent.mkdir(parents=True)
    history.write_text("conversations")
    env = environment(home)

    output = run(["bash", INSTALL, fake_bundle], env=env).stdout
    assert_installed(share, share / APP / "app", home / ".local" / "bin" / APP)
    assert "not on your PATH" in output

    # Uninstall with the copy the install left beside the app (the archive may be gone).
    run([share / APP / "app" / "uninstall.sh"], env=env)
    assert files_under(home) - {f".local/share/{c}" for c in CACHES} == {
        f".local/share/{APP}/history.sqlite3"
    }
    assert history.read_text() == "conversations"


def test_a_fresh_install_keeps_the_data_folder_private(fake_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(["bash", INSTALL, fake_bundle], env=environment(home))
    assert (home / ".local" / "share" / APP).stat().st_mode & 0o777 == 0o700
    run(["bash", PACKAGING / "linux" / "uninstall.sh"], env=environment(home))
    assert not (home / ".local" / "share" / APP).exists()


def test_xdg_data_home_is_respected(fake_bundle: Path, tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "xdg data"
    env = environment(home, XDG_DATA_HOME=str(data))
    run(["bash", INSTALL, fake_bundle], env=env)
    assert_installed(data, data / APP / "app", home / ".local" / "bin" / APP)
    assert not (home / ".local" / "share").exists()

    run(["bash", PACKAGING / "linux" / "uninstall.sh"], env=env)
    assert files_under(data) <= CACHES
    assert files_under(home) == set()


def test_prefix_install(fake_bundle: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "usr local"
    env = environment(tmp_path / "home", PREFIX=str(prefix))
    run(["bash", INSTALL, fake_bundle], env=env)
    assert_installed(prefix / "share", prefix / "lib" / APP, prefix / "bin" / APP)

    run(["bash", PACKAGING / "linux" / "uninstall.sh"], env=env)
    assert files_under(prefix) <= {f"share/{c}" for c in CACHES}


def test_awkward_characters_in_the_path_are_quoted(fake_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / 'a "quoted" $home with 100% spaces'
    run(["bash", INSTALL, fake_bundle], env=environment(home))
    share = home / ".local" / "share"
    assert_installed(share, share / APP / "app", home / ".local" / "bin" / APP)


def test_reinstall_replaces_the_old_copy(fake_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(["bash", INSTALL, fake_bundle], env=environment(home))
    stale = home / ".local" / "share" / APP / "app" / "_internal" / "stale.py"
    stale.write_text("from an older version")
    run(["bash", INSTALL, fake_bundle], env=environment(home))
    assert not stale.exists()


def test_a_foreign_launcher_is_left_alone(fake_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    launcher = home / ".local" / "bin" / APP
    launcher.parent.mkdir(parents=True)
    launcher.write_text("#!/bin/sh\n# installed by pip\n")
    output = run(["bash", INSTALL, fake_bundle], env=environment(home)).stdout
    assert "Leaving" in output
    run(["bash", PACKAGING / "linux" / "uninstall.sh"], env=environment(home))
    assert launcher.read_text().endswith("# installed by pip\n")


def test_the_archive_layout_needs_no_argument(fake_bundle: Path, tmp_path: Path) -> None:
    # kimi-desktop-<version>-linux-<arch>/{install.sh, uninstall.sh, kimi-desktop/}
    archive = fake_bundle.parent
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(PACKAGING / "linux" / script, archive / script)
    home = tmp_path / "home"
    run([archive / "install.sh"], env=environment(home))
    assert (home / ".local" / "share" / APP / "app" / APP).is_file()
    run([archive / "uninstall.sh"], env=environment(home))
    assert not (home / ".local" / "share" / APP).exists()


@pytest.mark.parametrize("bundle_name", ["nothing-here", "."])
def test_refuses_what_is_not_a_bundle(tmp_path: Path, bundle_name: str) -> None:
    folder = tmp_path / bundle_name
    folder.mkdir(exist_ok=True)
    result = subprocess.run(
        ["bash", str(INSTALL), str(folder)],
        env=environment(tmp_path / "home"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "not a Kimi Desktop bundle" in result.stderr
    assert not (tmp_path / "home").exists()
