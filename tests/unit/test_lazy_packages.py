"""The images and documents packages name their public parts without loading them:
a light module of theirs (a format's sniffing, a file's kind) brings nothing heavy."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import kimi_desktop.documents
import kimi_desktop.images

PACKAGES = (kimi_desktop.images, kimi_desktop.documents)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_name_is_the_object_its_module_defines(package) -> None:
    for name in package.__all__:
        value = getattr(package, name)
        home = importlib.import_module(f"{package.__name__}.{package._HOMES[name]}")
        assert value is getattr(home, name), name
    assert set(package._HOMES) == set(package.__all__)
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_an_unknown_name_is_an_attribute_error(package) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec(f"from {package.__name__} import no_such_name")


@pytest.mark.slow
def test_light_modules_leave_the_heavy_ones_unloaded() -> None:
    script = (
        "import json, sys\n"
        "import kimi_desktop.images.formats, kimi_desktop.documents.kinds\n"
        "from kimi_desktop.documents import DocumentKind, kind_of\n"
        "from kimi_desktop.images import ImageFormat\n"
        "heavy = ['kimi_desktop.images.processing', 'kimi_desktop.images.encoding',\n"
        "         'kimi_desktop.documents.extract', 'kimi_desktop.documents.pdfium', 'ctypes']\n"
        "print(json.dumps([n for n in heavy if n in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
