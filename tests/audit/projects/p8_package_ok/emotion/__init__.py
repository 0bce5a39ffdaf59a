"""Emotion classifier package."""
