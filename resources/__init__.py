"""Icons, the desktop entry and other files the app ships."""
