"""One subpackage a lab: its docks, its notation and how it plugs into the window."""
