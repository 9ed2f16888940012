"""GUI test hooks: every test starts at the normal text size, and the monkey walk's seeds are
said at the end of every run, passed or failed, so that a random walk that passed can still be
replayed (tests/gui/test_monkey.py)."""

import pytest
from PySide6.QtWidgets import QApplication

from gui.shell.text_size import set_text_scale
from gui.shell.theme import text_scale

MONKEY_SEED = "monkey_seed"


@pytest.fixture(autouse=True)
def normal_text_size_for_each_test():
    """A test that zooms or presents (the monkey walk picks View's entries at random) leaves
    the application's font larger: the next test would measure its texts in the wrong type."""
    app = QApplication.instance()
    if app is not None and text_scale(app) != 1.0:
        set_text_scale(1.0, app)
    yield


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per monkey walk: its seed, how it went, how to walk it again."""
    walks = [(report, dict(report.user_properties)[MONKEY_SEED])
             for reports in terminalreporter.stats.values() for report in reports
             if getattr(report, "when", None) == "call"
             and MONKEY_SEED in dict(getattr(report, "user_properties", ()))]
    if not walks:
        return
    terminalreporter.section("monkey walks")
    for report, seed in walks:
        terminalreporter.write_line(f"seed {seed}: {report.outcome} "
                                    f"(replay with MONKEY_SEED={seed})")
