"""gui.shell.system_libraries: a missing library named with the command that installs it."""

import subprocess
import sys
from pathlib import Path

from gui.shell.system_libraries import ALWAYS, X11, install_advice, missing_libraries, uses_x11

ROOT = Path(__file__).resolve().parents[3]


def test_the_x11_libraries_are_checked_only_when_qt_will_use_x11():
    assert uses_x11({"DISPLAY": ":0"})
    assert uses_x11({"QT_QPA_PLATFORM": "xcb"})
    assert not uses_x11({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not uses_x11({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not uses_x11({})


def test_every_missing_library_is_named_not_only_the_last_one_tried():
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    missing = missing_libraries({"DISPLAY": ":0"}, load=lambda soname: soname not in absent)
    assert set(missing) == absent
    offscreen = missing_libraries({"QT_QPA_PLATFORM": "offscreen"},
                                  load=lambda soname: soname not in absent)
    assert offscreen == {}


def test_the_advice_is_one_apt_get_line_on_debian():
    missing = {name: X11[name] for name in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")}
    advice = install_advice(missing, which=lambda tool: "/usr/bin/apt-get" if tool == "apt-get"
                            else None)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in advice
    assert advice.splitlines()[-1].strip() == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"


def test_the_advice_is_a_dnf_line_on_fedora_and_both_elsewhere():
    missing = {"libGL.so.1": ALWAYS["libGL.so.1"], "libxcb-icccm.so.4": X11["libxcb-icccm.so.4"]}
    fedora = install_advice(missing, which=lambda tool: "/usr/bin/dnf" if tool == "dnf" else None)
    assert fedora.splitlines()[-1].strip() == "sudo dnf install libglvnd-glx xcb-util-wm"
    neither = install_advice(missing, which=lambda tool: None)
    assert "Debian or Ubuntu: sudo apt-get install libgl1 libxcb-icccm4" in neither
    assert "Fedora: sudo dnf install libglvnd-glx xcb-util-wm" in neither


def test_the_libraries_the_offscreen_tests_use_are_found_here():
    # This suite runs on Qt's offscreen platform, so QtGui's own libraries are loadable here.
    assert missing_libraries({"QT_QPA_PLATFORM": "offscreen"}) == {}


def test_the_check_runs_without_loading_qt_and_never_stops_the_start():
    script = ("import sys; from gui.shell.system_libraries import warn_of_missing_libraries, "
              "missing_libraries; found = warn_of_missing_libraries(); "
              "assert found == bool(missing_libraries()); "
              "print('went on, Qt loaded:', 'PySide6' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, env={"DISPLAY": ":4242", "PATH": "/usr/bin:/bin"},
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "went on, Qt loaded: False"
