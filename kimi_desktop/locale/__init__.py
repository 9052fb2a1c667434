"""Compiled message catalogs, one folder per language (see kimi_desktop/i18n.py)."""
