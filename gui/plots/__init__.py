"""Qt plots of the window; each module holds one."""
