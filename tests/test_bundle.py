"""The standalone bundle: PyInstaller builds packaging/backprop-playground.spec into a folder
whose executable runs without this Python, and draws the app.

Slow (about a minute): CI runs it; `python -m pytest -m "not slow"` leaves it out.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui import APP_NAME, app_version
from tests.gui.shell.test_screenshot import assert_looks_like_a_window, pixels

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "backprop-playground.spec"
NAME = "BackpropPlayground"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The built bundle folder, dist/BackpropPlayground/."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed; `pip install -e .[bundle]` brings it")
    build = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(build / "dist"), "--workpath", str(build / "work"), str(SPEC)],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return build / "dist" / NAME


def executable_of(bundle: Path) -> Path:
    return bundle / (NAME + ".exe" if sys.platform == "win32" else NAME)


def run_bundled(bundle: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The bundle's executable with none of this Python's environment: no PYTHONPATH, no
    virtual environment, a working folder outside the checkout; `env` adds variables."""
    env = {
        **env,
        "PATH": os.defpath,
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "BACKPROP_PLAYGROUND_SETTINGS": str(cwd / "settings.ini"),
        **{key: os.environ[key] for key in ("SYSTEMROOT", "TMPDIR") if key in os.environ},
    }
    return subprocess.run([str(executable_of(bundle)), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_the_bundle_is_a_lean_folder(bundle):
    # Qt's libraries are reached through symbolic links too; count each file once.
    size = sum(path.stat().st_size for path in bundle.rglob("*")
               if path.is_file() and not path.is_symlink())
    assert size < 230 * 2**20, f"{size / 2**20:.0f} MB"
    names = {path.name for path in bundle.rglob("*")}
    for unwanted in ("tkinter", "matplotlib", "QtWebEngineCore.abi3.so", "libqgtk3.so"):
        assert unwanted not in names


def test_the_bundle_carries_the_book_classes_source_for_export_as_python(bundle):
    # engine.files.book_source copies the classes' own text into the exported script.
    for module in ("engine/book/optimizers.py", "engine/book/layers.py",
                   "engine/scenarios/notebook.py"):
        assert list(bundle.rglob(module)), f"{module} is not in the bundle"


def test_the_bundled_app_knows_its_version(bundle, tmp_path):
    result = run_bundled(bundle, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{APP_NAME} {app_version()}\n"


def test_the_bundled_app_trains_and_draws_the_spiral(bundle, tmp_path):
    shot = tmp_path / "spiral.png"
    result = run_bundled(bundle, "--scenario", "spiral", "--steps", "30",
                         "--screenshot", str(shot), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rgb = pixels(shot)
    assert rgb.shape == (1000, 1600, 3)
    assert_looks_like_a_window(rgb)


def test_the_bundled_app_shows_the_welcome_on_the_single_neuron(bundle, tmp_path):
    shot = tmp_path / "welcome.png"
    result = run_bundled(bundle, "--welcome", "--screenshot", str(shot), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rgb = pixels(shot)
    assert rgb.shape == (1000, 1600, 3)
    assert_looks_like_a_window(rgb)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop menus are Linux's")
def test_the_bundle_puts_itself_in_the_applications_menu(bundle, tmp_path):
    data = tmp_path / "data"
    result = run_bundled(bundle, "--install-desktop-entry", cwd=tmp_path, XDG_DATA_HOME=str(data))
    assert result.returncode == 0, result.stderr
    entry = (data / "applications" / "backprop-playground.desktop").read_text()
    assert f"\nExec={executable_of(bundle).resolve()}\n" in entry
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "backprop-playground.png").exists()
