"""Video files a render streams its frames into, one at a time: an animated GIF or an MP4.

A lesson rendered at 4K is thousands of 25 MB frames, so no writer keeps them: each goes to the
file as it comes. The file is written beside the target under a temporary name and replaces the
target only when complete (`close`), so a cancelled or failed render leaves an earlier video as
it was. GIF frames are encoded by Pillow one at a time (its documented per-frame helpers
GifImagePlugin.getheader and getdata; its multi-frame save would hold every frame), each with its
own palette; MP4 frames go through a pipe to the ffmpeg that imageio-ffmpeg carries (H.264,
yuv420p, which every player reads).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

GIF_LOOP_FOREVER = 0
H264_QUALITY = 8  # imageio-ffmpeg's scale: 10 best, 0 worst


def open_video(path: Path, fps: int) -> VideoFile:
    """A writer for `path` (.gif or .mp4) at `fps` frames per second; ValueError for another
    suffix, or an MP4 where imageio-ffmpeg is not installed."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return VideoFile(path, _GifFrames(fps))
    if suffix == ".mp4":
        if importlib.util.find_spec("imageio_ffmpeg") is None:
            raise ValueError("MP4 needs imageio-ffmpeg, which the standalone bundle leaves out "
                             "to stay small: render a GIF, or run the pip-installed app")
        return VideoFile(path, _Mp4Frames(fps))
    raise ValueError(f"cannot render to {suffix or 'a file without a suffix'}: choose .gif "
                     "or .mp4")


class VideoFile:
    """Frames into a temporary file beside `path`, which becomes `path` on close."""

    def __init__(self, path: Path, encoder):
        self.path = Path(path)
        self.frames = 0
        self._partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        self._encoder = encoder
        encoder.open(self._partial)

    def append_data(self, frame: np.ndarray) -> None:
        """One (height, width, 3) uint8 RGB frame; OSError if it cannot be written."""
        self._encoder.add(frame)
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and put it in place; OSError (and nothing replaced) otherwise."""
        try:
            self._encoder.finish()
            os.replace(self._partial, self.path)
        except OSError:
            self._partial.unlink(missing_ok=True)
            raise
        return self.path

    def abandon(self) -> None:
        """Stop and throw the partial file away (a cancelled render)."""
        self._encoder.stop()
        self._partial.unlink(missing_ok=True)


class _GifFrames:
    def __init__(self, fps: int):
        self._duration_ms = 1000 / fps
        self._file = None
        self._count = 0
        self._last_frame: np.ndarray | None = None
        self._last_bytes = b""

    def open(self, path: Path) -> None:
        self._file = open(path, "wb")  # closed by finish() or stop()

    def add(self, frame: np.ndarray) -> None:
        from PIL import GifImagePlugin, Image

        if frame is not self._last_frame:  # the same frame again is the same bytes again
            # An octree palette of the frame's own colours, undithered: a window's flat
            # colours and text stay crisp, and it is several times faster than median cut.
            image = Image.fromarray(frame).quantize(method=Image.Quantize.FASTOCTREE,
                                                     dither=Image.Dither.NONE)
            if self._count == 0:
                header, _ = GifImagePlugin.getheader(
                    image, info={"loop": GIF_LOOP_FOREVER, "duration": self._duration_ms})
                self._file.write(b"".join(header))
            self._last_frame = frame
            self._last_bytes = b"".join(GifImagePlugin.getdata(
                image, duration=self._duration_ms, include_color_table=True))
        self._file.write(self._last_bytes)
        self._count += 1

    def finish(self) -> None:
        try:
            if self._count == 0:
                raise OSError("no frame was rendered")
            self._file.write(b";")  # the GIF trailer
        finally:
            self._file.close()

    def stop(self) -> None:
        self._file.close()


class _Mp4Frames:
    def __init__(self, fps: int):
        self._fps = fps
        self._path: Path | None = None
        self._pipe = None

    def open(self, path: Path) -> None:
        self._path = path

    def add(self, frame: np.ndarray) -> None:
        if self._pipe is None:  # the size comes with the first frame
            import imageio_ffmpeg

            height, width = frame.shape[:2]
            self._pipe = imageio_ffmpeg.write_frames(
                str(self._path), (width, height), fps=self._fps, codec="libx264",
                quality=H264_QUALITY, macro_block_size=1, ffmpeg_log_level="error",
                output_params=["-f", "mp4"])  # the temporary name ends in .part
            self._pipe.send(None)  # start ffmpeg
        try:
            self._pipe.send(np.ascontiguousarray(frame, dtype=np.uint8))
        except (OSError, RuntimeError) as error:
            raise OSError(f"ffmpeg stopped writing the video: {error}") from None

    def finish(self) -> None:
        if self._pipe is None:
            raise OSError("no frame was rendered")
        try:
            self._pipe.close()
        except RuntimeError as error:
            raise OSError(f"ffmpeg could not finish the video: {error}") from None

    def stop(self) -> None:
        if self._pipe is not None:
            try:
                self._pipe.close()
            except RuntimeError:
                pass
