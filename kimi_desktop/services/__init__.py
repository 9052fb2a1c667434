"""QObjects that own asyncio tasks, persistence and cancellation, and signal the UI."""
