"""Qt widgets and models. Knows services, never SQL or HTTP."""
