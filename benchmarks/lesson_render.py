"""Memory and speed of rendering a lesson offline (Tools > Render to video): the built-in
"neuron" lesson's first 1,000 frames at 3840x2160, 30 frames per second, to MP4, as
gui/tutorial/lesson_render.py renders it (a window of its own laid out at 1080p, painted at
twice the pixels, frames streamed to ffmpeg).

The target is the issue's: a 1,000-frame 4K render under 500 MB, which only holds if no frame is
kept (one 4K RGB frame is 24 MiB: 1,000 of them would be 24 GiB). The app's peak resident size
is sampled at every frame; ffmpeg's own (a separate process, the encoder) is reported beside it.
Not in run_all.py: it takes minutes.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from common import Row, at_most, emit, offscreen, rss_mib, use_repo_imports

FRAMES = 1_000
FPS = 30
SIZE = (3840, 2160)
TARGET_MIB = 500.0


def render(frames: int, size: tuple[int, int], suffix: str) -> list[Row]:
    offscreen()
    use_repo_imports()
    from PySide6.QtCore import QEventLoop

    from engine.files.lesson_library import load_builtin
    from gui.shell.app import create_application
    from gui.shell.screenshot import quiet_offscreen_noise
    from gui.tutorial.lesson_film import LessonFilm
    from gui.tutorial.lesson_render import FilmRender, LessonPreparation, RenderPlan

    create_application()
    quiet_offscreen_noise()
    lesson = load_builtin("neuron")
    loop = QEventLoop()
    prepared: list = []
    preparation = LessonPreparation(lesson)
    preparation.finished.connect(lambda steps, problem: (prepared.append((steps, problem)),
                                                         loop.quit()))
    preparation.start()
    loop.exec()
    steps, problem = prepared[0]
    if steps is None:
        raise SystemExit(f"the lesson could not be played: {problem}")
    film = LessonFilm(lesson, steps)
    lesson_frames = round(film.seconds * FPS)
    film.seconds = min(film.seconds, frames / FPS)  # its first `frames` frames
    peak = [rss_mib()]
    with tempfile.TemporaryDirectory() as folder:
        plan = RenderPlan(Path(folder) / f"lesson{suffix}", fps=FPS, size=size)
        job = FilmRender(film, plan)
        ended: list = []
        job.progressed.connect(lambda *_: peak.append(rss_mib()))
        job.finished.connect(lambda path, why: (ended.append((path, why)), loop.quit()))
        began = time.perf_counter()
        job.start()
        loop.exec()
        seconds = time.perf_counter() - began
        path, why = ended[0]
        if path is None:
            raise SystemExit(f"the render failed: {why}")
        megabytes = path.stat().st_size / 2**20
    encoder = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    label = f"{job.frames_done:,} frames {size[0]}x{size[1]} {suffix[1:].upper()}"
    return [
        Row(f"lesson render: app's peak resident size, {label}", f"{max(peak):.0f} MiB",
            f"<= {TARGET_MIB:.0f} MiB", at_most(max(peak), TARGET_MIB)),
        Row("lesson render: ffmpeg's peak resident size (its own process)",
            f"{encoder:.0f} MiB"),
        Row("lesson render: time", f"{seconds:.0f} s ({job.frames_done / seconds:.1f} "
            f"frames/s; the whole lesson is {lesson_frames:,} frames)"),
        Row("lesson render: file size", f"{megabytes:.1f} MiB"),
    ]


def main() -> None:
    arguments = sys.argv[1:]
    frames = 100 if "--quick" in arguments else FRAMES
    emit(render(frames, SIZE, ".mp4"),
         ["one frame is painted again only when it shows something new; each is streamed"])


if __name__ == "__main__":
    main()
