"""The system libraries Qt needs on Linux, checked before Qt is loaded.

When one is missing, Qt either fails to import (for QtGui's own, with the loader's terse
message) or aborts while it looks for its window plugin, naming whichever library it tried last
(seen: "xcb-cursor0 is needed" while libxcb-icccm4 was what was missing). This check asks the
dynamic loader for each library by the name Qt links against, and names every missing one with
the single command that installs them all, before Qt's own message.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# soname: (Debian/Ubuntu package, Fedora package). What `ldd` shows PySide6 6.11's QtGui and
# QtWidgets need, whichever window platform they use.
ALWAYS = {
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}
# What the X11 window plugin (libqxcb, libQt6XcbQpa) needs on top.
X11 = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
}


def loadable(soname: str) -> bool:
    """True if the dynamic loader finds and loads the library, or the standalone bundle carries
    it beside the executable."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and any(Path(bundle).rglob(soname)):
        return True
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_x11(environ: Mapping[str, str]) -> bool:
    """True if Qt will open its window through the X11 plugin: an X display and no other
    platform asked for (a Wayland session uses Qt's Wayland plugin first)."""
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def missing_libraries(environ: Mapping[str, str] = os.environ,
                      load: Callable[[str], bool] | None = None) -> dict[str, tuple[str, str]]:
    """The libraries this Qt needs here that cannot be loaded: soname -> packages."""
    load = load or loadable
    needed = dict(ALWAYS)
    if uses_x11(environ):
        needed |= X11
    return {soname: packages for soname, packages in needed.items() if not load(soname)}


def install_advice(missing: Mapping[str, tuple[str, str]],
                   which: Callable[[str], str | None] = shutil.which) -> str:
    """What to tell the user: the missing libraries and the one command that installs them."""
    debian = sorted({packages[0] for packages in missing.values()})
    fedora = sorted({packages[1] for packages in missing.values()})
    lines = ["Backprop Playground may fail to open its window: Qt needs these system "
             "libraries, which cannot be loaded:",
             "  " + ", ".join(missing)]
    apt = f"sudo apt-get install {' '.join(debian)}"
    dnf = f"sudo dnf install {' '.join(fedora)}"
    if which("apt-get"):
        lines += ["Install them with:", f"  {apt}"]
    elif which("dnf"):
        lines += ["Install them with:", f"  {dnf}"]
    else:
        lines += ["Install them with your package manager, for example:",
                  f"  Debian or Ubuntu: {apt}", f"  Fedora: {dnf}"]
    return "\n".join(lines)


def warn_of_missing_libraries() -> bool:
    """Print what is missing and how to install it, before Qt is loaded; True if anything is.

    Only a warning: the start goes on, so a library found some way this check does not know
    (a custom loader path) costs a line of text, not the app.
    """
    if not sys.platform.startswith("linux"):
        return False
    missing = missing_libraries()
    if missing:
        print(install_advice(missing), file=sys.stderr)
    return bool(missing)
