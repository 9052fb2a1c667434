from pathlib import Path

from kimi_desktop.settings import AppPaths


def test_everything_under_kimi_desktop_home(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path)})

    assert paths == AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")


def test_relative_home_becomes_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)

    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": "portable"})

    assert paths.config_dir == tmp_path / "portable" / "config"
    assert paths.config_dir.is_absolute()


def test_nothing_is_created_until_asked(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})

    assert not (tmp_path / "home").exists()
    assert paths.ensure_config_dir().is_dir()
    assert paths.ensure_data_dir().is_dir()
    assert paths.ensure_cache_dir().is_dir()
    assert (paths.config_dir.stat().st_mode & 0o077) == 0


def test_platform_dirs_without_home() -> None:
    for environ in ({}, {"KIMI_DESKTOP_HOME": "  "}):
        paths = AppPaths.from_environment(environ)

        dirs = (paths.config_dir, paths.data_dir, paths.cache_dir)
        assert all("kimi-desktop" in str(d) for d in dirs)
        assert all(d.is_absolute() for d in dirs)
        assert paths.cache_dir != paths.config_dir
