"""Kimi Desktop: a native desktop chat client for the Kimi K2 / K2.5 models."""

__version__ = "0.1.0"
