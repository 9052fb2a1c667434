"""Qt widgets and models. Knows services and the ``kimi_desktop.api`` seam, never SQL or HTTP.

Sub-packages follow what a person sees: ``shell`` (the window frame), ``chat``,
``composer``, ``sidebar``, ``settings``; ``runtime`` holds the Qt plumbing
(event loop, single instance) that is not a widget.
"""
