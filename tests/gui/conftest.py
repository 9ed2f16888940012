"""GUI test hooks: the monkey walk's seeds are said at the end of every run, passed or failed,
so that a random walk that passed can still be replayed (tests/gui/test_monkey.py)."""

MONKEY_SEED = "monkey_seed"


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
