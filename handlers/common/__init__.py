"""Handlers every user reaches: start, language, help, profile, fallback."""
