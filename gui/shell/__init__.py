"""The application around the labs: the main window, menus, start page, welcome, about,
settings, theme and colours, crash handler and desktop entry."""
