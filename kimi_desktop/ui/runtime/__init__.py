"""Qt plumbing that is not a widget: the shared event loop, the single-instance channel."""
