"""Rendering offline: a short lesson to GIF gives the same bytes twice, with its subtitles and
narration beside it; an MP4 decodes at the asked size and frame rate; captions and highlights
are in the frames; a cancelled render writes nothing; the learner's window is left alone."""

import gc

import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QProgressDialog

from engine.files.lesson import load_lesson
from gui.tutorial import lesson_render_dialog
from gui.tutorial.lesson_film import LessonFilm, TimelineFilm
from gui.tutorial.lesson_render import FilmRender, LessonPreparation, RenderPlan, layout_size
from gui.tutorial.timeline import Timeline
from tests.gui.tutorial.lesson_helpers import lessons_of, open_window, short_lesson

TIMEOUT_MS = 120_000


def played_steps(qtbot, lesson):
    preparation = LessonPreparation(lesson)
    with qtbot.waitSignal(preparation.finished, timeout=TIMEOUT_MS) as done:
        preparation.start()
    steps, problem = done.args
    assert problem == ""
    return steps


def render(qtbot, film, plan):
    render = FilmRender(film, plan)
    with qtbot.waitSignal(render.finished, timeout=TIMEOUT_MS) as done:
        render.start()
    return render, done.args


def test_a_short_lesson_renders_to_the_same_gif_twice_with_subtitles(qtbot, tmp_path):
    user = open_window(qtbot, "neuron")
    lesson = load_lesson(short_lesson(tmp_path))
    steps = played_steps(qtbot, lesson)
    written = []
    for name in ("first", "second"):
        plan = RenderPlan(tmp_path / f"{name}.gif", fps=10, size=(640, 360))
        film = LessonFilm(lesson, steps)
        _render, (path, problem) = render(qtbot, film, plan)
        assert (path, problem) == (plan.path, "")
        written.append(plan.path.read_bytes())
    assert written[0] == written[1]
    frames = iio.imread(tmp_path / "first.gif", index=None)
    assert frames.shape == (round(film.seconds * 10), 360, 640, 3)
    subtitles = (tmp_path / "first.srt").read_text()
    assert subtitles.startswith("1\n00:00:00,000 --> 00:00:01,")
    assert "The neuron, w0 = -3.0." in subtitles
    assert f"{steps[2].caption_text()}\n" in subtitles
    assert steps[2].caption_text().startswith("Fifty iterations: the loss is 1.")
    assert (tmp_path / "first.vtt").read_text().startswith("WEBVTT\n\n00:00:00.000 --> ")
    assert "Step 3 of 3: Training" in (tmp_path / "first.txt").read_text()
    assert user.size().toTuple() == (1600, 1000)  # the learner's window was left alone
    assert not list(tmp_path.glob(".*"))


def test_frames_show_the_caption_strip_and_the_ring_as_they_ease_in(qtbot, tmp_path):
    lesson = load_lesson(short_lesson(tmp_path))
    steps = played_steps(qtbot, lesson)
    film = LessonFilm(lesson, steps)
    plan = RenderPlan(tmp_path / "lesson.gif", fps=10, size=(960, 540))
    render(qtbot, film, plan)
    frames = iio.imread(plan.path, index=None).astype(int)
    times = film.scenes[0].times
    first, shown = frames[0], frames[int((times.highlights_at + 0.45) * 10)]
    # The first frame: the caption has not eased in yet, no ring; later both are there.
    strip_row = shown[-40]
    assert np.abs(strip_row - first[-40]).sum() > 0
    orange = (shown[..., 0] > 200) & (shown[..., 1] > 130) & (shown[..., 1] < 190) \
        & (shown[..., 2] < 60)
    assert orange.sum() > 100
    before = (first[..., 0] > 200) & (first[..., 1] > 130) & (first[..., 1] < 190) \
        & (first[..., 2] < 60)
    assert before.sum() < orange.sum() / 4


# imageio-ffmpeg 0.8.1's frame reader leaves its pipes to ffmpeg open (a ResourceWarning when
# they are collected): the reading, not the render, leaks (as in test_recording.py).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_mp4_decodes_at_the_asked_size_and_frame_rate(qtbot, tmp_path):
    lesson = load_lesson(short_lesson(tmp_path))
    steps = played_steps(qtbot, lesson)
    plan = RenderPlan(tmp_path / "lesson.mp4", fps=24, size=(1280, 720))
    film = LessonFilm(lesson, steps)
    render(qtbot, film, plan)
    with imageio.get_reader(plan.path, format="FFMPEG") as reader:
        assert reader.get_meta_data()["fps"] == 24
        frames = [frame.shape for frame in reader.iter_data()]
    gc.collect()  # the reader's leaked pipes are collected inside this test
    assert frames == [(720, 1280, 3)] * round(film.seconds * 24)


def test_a_cancelled_render_writes_nothing_and_keeps_an_earlier_file(qtbot, tmp_path):
    lesson = load_lesson(short_lesson(tmp_path))
    steps = played_steps(qtbot, lesson)
    plan = RenderPlan(tmp_path / "lesson.gif", fps=10, size=(640, 360))
    plan.path.write_bytes(b"an earlier video")
    render = FilmRender(LessonFilm(lesson, steps), plan)
    render.progressed.connect(lambda done, _of, _text: done == 5 and render.cancel())
    with qtbot.waitSignal(render.finished, timeout=TIMEOUT_MS) as done:
        render.start()
    assert done.args == [None, "cancelled"]
    assert plan.path.read_bytes() == b"an earlier video"
    assert not (tmp_path / "lesson.srt").exists()
    assert not list(tmp_path.glob(".*"))


def test_a_stretch_of_the_timeline_renders_each_iteration_exactly(qtbot, tmp_path):
    window = open_window(qtbot, "neuron")
    controller = window.active_lab().controller
    for _ in range(6):
        controller.finish_iteration()
    timeline = window.findChild(Timeline)
    session = controller.capture_session()
    film = TimelineFilm(session, timeline.keyframes[id(controller)].frames, 1, 5, 2, fps=5)
    assert film.iterations == [1, 3, 5]
    plan = RenderPlan(tmp_path / "timeline.gif", fps=5, size=(640, 360))
    render(qtbot, film, plan)
    frames = iio.imread(plan.path, index=None)
    assert len(frames) == 3
    assert not np.array_equal(frames[0], frames[2])
    assert controller.stepper.iteration == 6  # the window's own session is untouched


def test_layouts_are_1080p_painted_at_the_frame_size():
    assert layout_size((3840, 2160)) == ((1920, 1080), 2.0)
    assert layout_size((1920, 1080)) == ((1920, 1080), 1.0)
    assert layout_size((1280, 720)) == ((1920, 1080), 1.0)


def test_tools_render_to_video_renders_the_open_lesson(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_file(short_lesson(tmp_path))
    path = tmp_path / "from-menu.gif"

    def accept(dialog):
        assert dialog.source.currentData() == lesson_render_dialog.OPEN_LESSON
        dialog.path.setText(str(path))
        dialog.fps.setCurrentText("24")
        dialog.size.setCurrentText("1280 x 720")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(lesson_render_dialog.RenderDialog, "exec", accept)
    action = lessons.render_action
    action.action.trigger()
    assert isinstance(action.dialog, QProgressDialog)
    qtbot.waitUntil(lambda: action.dialog is None, timeout=TIMEOUT_MS)
    assert path.is_file() and (tmp_path / "from-menu.srt").is_file()
    assert "Rendered" in window.statusBar().currentMessage()


@pytest.mark.parametrize("name", ["lesson.avi", "lesson"])
def test_a_render_to_an_unknown_format_is_refused(qtbot, tmp_path, name):
    lesson = load_lesson(short_lesson(tmp_path))
    render = FilmRender(LessonFilm(lesson, []), RenderPlan(tmp_path / name))
    with qtbot.waitSignal(render.finished) as done:
        render.start()
    assert done.args[0] is None and "choose .gif or .mp4" in done.args[1]
