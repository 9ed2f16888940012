"""Video files written frame by frame while a recording makes them: an animated GIF or an MP4.

A recording can be thousands of frames of a large window, so no writer keeps the frames: each
one goes to the file as it comes. Both write to the path they are given, which the recorder
makes a temporary file beside the target (engine.files.atomic.PendingFile), and `close()`
raises OSError unless the file is complete, so a failed recording never replaces a good one.

GIFs are encoded by Pillow one frame at a time, each frame with its own palette; Pillow's own
multi-frame save holds every frame until the end, its documented per-frame helpers
(GifImagePlugin.getheader and getdata) do not. MP4s are encoded by the ffmpeg that
imageio-ffmpeg carries, fed through a pipe, and ffmpeg's exit status says whether the file is
whole.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

import numpy as np

GIF_LOOP_FOREVER = 0
H264_QUALITY = 10  # x264's constant rate factor: 0 lossless, 51 worst (imageio's quality 8)


class VideoWriter(Protocol):
    """What the recorder needs of a writer: frames in, then a complete file or an OSError."""

    frames: int  # frames written so far

    def append_data(self, frame: np.ndarray) -> None:
        """Add one (height, width, 3) uint8 RGB frame; OSError if it cannot be written."""

    def close(self) -> None:
        """Finish the file; OSError if it is not complete."""

    def abandon(self) -> None:
        """Stop writing without finishing (the file is to be thrown away)."""


def open_writer(path: Path, kind: str, fps: int) -> VideoWriter:
    """A writer of `kind` ("gif" or "mp4") at `fps` frames per second into `path`.
    ValueError for another kind, or an MP4 where imageio-ffmpeg is not installed."""
    if kind == "gif":
        return GifWriter(path, fps)
    if kind == "mp4":
        if importlib.util.find_spec("imageio_ffmpeg") is None:
            raise ValueError("MP4 needs imageio-ffmpeg, which the standalone bundle leaves out "
                             "to stay small: record a GIF, or run the pip-installed app")
        return Mp4Writer(path, fps)
    raise ValueError(f"cannot record to {'.' + kind if kind else 'a file without a suffix'}: "
                     "choose .gif or .mp4")


class GifWriter:
    """An animated GIF that loops forever, each frame written when it is appended."""

    def __init__(self, path: Path, fps: int):
        self.frames = 0
        self._duration_ms = 1000 / fps
        self._file = open(path, "wb")  # closed by close() or abandon()

    def append_data(self, frame: np.ndarray) -> None:
        from PIL import GifImagePlugin, Image

        image = Image.fromarray(frame).convert("P", palette=Image.Palette.ADAPTIVE)
        if self.frames == 0:
            header, _ = GifImagePlugin.getheader(
                image, info={"loop": GIF_LOOP_FOREVER, "duration": self._duration_ms})
            self._file.write(b"".join(header))
        for chunk in GifImagePlugin.getdata(image, duration=self._duration_ms,
                                            include_color_table=True):
            self._file.write(chunk)
        self.frames += 1

    def close(self) -> None:
        try:
            if self.frames == 0:
                raise OSError(errno.ENODATA, "no frame was recorded")
            self._file.write(b";")  # the GIF trailer
        finally:
            self._file.close()

    def abandon(self) -> None:
        self._file.close()


class Mp4Writer:
    """An H.264 MP4 (yuv420p, which every player reads), encoded by ffmpeg as frames come.

    ffmpeg runs as imageio-ffmpeg would run it, but here: imageio-ffmpeg's write_frames does not
    look at how ffmpeg ended (a full disk went unnoticed) and leaks its pipe when ffmpeg stops
    first. Its exit status and last error line are what close() and append_data() report.
    """

    def __init__(self, path: Path, fps: int):
        self.frames = 0
        self._path, self._fps = path, fps
        self._ffmpeg: subprocess.Popen | None = None  # started by the first frame
        self._errors = tempfile.TemporaryFile()  # ffmpeg's stderr: a pipe could fill and block
        self._reason: str | None = None  # how ffmpeg ended, once it has

    def append_data(self, frame: np.ndarray) -> None:
        if self._ffmpeg is None:
            self._ffmpeg = self._start(frame.shape[1], frame.shape[0])
        try:
            self._ffmpeg.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).data)
        except OSError:
            raise OSError(errno.EIO, f"ffmpeg stopped writing the video: {self._ended()}"
                          ) from None
        self.frames += 1

    def _start(self, width: int, height: int) -> subprocess.Popen:
        import imageio_ffmpeg

        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error",
                   "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                   "-r", str(self._fps), "-i", "-", "-an", "-c:v", "libx264",
                   "-pix_fmt", "yuv420p", "-crf", str(H264_QUALITY),
                   "-f", "mp4", str(self._path)]  # the temporary file's name is no .mp4
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=self._errors)

    def close(self) -> None:
        if self._ffmpeg is None:
            self._errors.close()
            raise OSError(errno.ENODATA, "no frame was recorded")
        reason = self._ended()  # closing its input makes ffmpeg finish the file and exit
        if self._ffmpeg.returncode != 0:
            raise OSError(errno.EIO, f"ffmpeg could not finish the video: {reason}")

    def abandon(self) -> None:
        if self._ffmpeg is None:
            self._errors.close()
            return
        if self._ffmpeg.poll() is None:
            self._ffmpeg.kill()
        self._ended()

    def _ended(self) -> str:
        """Close ffmpeg's input and wait for it to end; why it did, in its own last words."""
        if self._reason is None:
            with contextlib.suppress(OSError):
                self._ffmpeg.stdin.close()
            status = self._ffmpeg.wait()
            self._errors.seek(0)
            lines = self._errors.read().decode(errors="replace").strip().splitlines()
            self._errors.close()
            if lines and "No space left on device" in lines[-1]:
                self._reason = "the disk is full"
            elif lines:
                self._reason = lines[-1]
            else:
                self._reason = (f"it was stopped (signal {-status})" if status < 0
                                else f"exit status {status}")
        return self._reason
