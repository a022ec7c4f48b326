"""Runnable examples of using the generated client."""
