"""Where Kimi Desktop keeps its files.

Everything lives under ``$KIMI_DESKTOP_HOME`` when it is set (portable installs,
tests): ``config/``, ``data/`` and ``cache/`` inside it. Otherwise the platform's
per-user directories are used (``~/.config/kimi-desktop`` and friends on Linux).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "kimi-desktop"
HOME_VARIABLE = "KIMI_DESKTOP_HOME"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The three per-user directories; nothing is created until asked for.

    ``config_dir`` holds preferences, endpoint profiles and window state,
    ``data_dir`` the conversation history, ``cache_dir`` anything that can be
    thrown away.
    """

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> AppPaths:
        """Paths under ``$KIMI_DESKTOP_HOME`` if set (and not empty), else platform dirs."""
        home = environ.get(HOME_VARIABLE, "").strip()
        if home:
            return cls.under(Path(home).expanduser())
        # Imported here: only the non-portable case needs it.
        import platformdirs

        return cls(
            config_dir=platformdirs.user_config_path(APP_NAME, appauthor=False),
            data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
            cache_dir=platformdirs.user_cache_path(APP_NAME, appauthor=False),
        )

    @classmethod
    def under(cls, home: Path) -> AppPaths:
        """All three directories inside one folder (``config/``, ``data/``, ``cache/``)."""
        home = home.absolute()
        return cls(config_dir=home / "config", data_dir=home / "data", cache_dir=home / "cache")

    def ensure_config_dir(self) -> Path:
        """Create the config directory if needed, readable by this user only."""
        return _ensure(self.config_dir, private=True)

    def ensure_data_dir(self) -> Path:
        """Create the data directory if needed, readable by this user only."""
        return _ensure(self.data_dir, private=True)

    def ensure_cache_dir(self) -> Path:
        """Create the cache directory if needed."""
        return _ensure(self.cache_dir, private=False)


def _ensure(directory: Path, *, private: bool) -> Path:
    # mode applies only to directories created here; an existing one is left alone
    # because the user may have shared it on purpose.
    directory.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    return directory
