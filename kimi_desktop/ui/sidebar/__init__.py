"""The left column: the conversation list and its search."""
