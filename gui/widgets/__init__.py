"""Qt widgets of the window; each module holds one."""
