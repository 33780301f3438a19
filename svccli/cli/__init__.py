"""Thin click commands over the core and the store."""
