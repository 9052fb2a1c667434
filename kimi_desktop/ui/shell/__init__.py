"""The window frame: the main window, the top bar, the welcome page, the style."""
