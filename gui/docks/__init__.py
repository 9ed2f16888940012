"""Qt docks of the window; each module holds one."""
