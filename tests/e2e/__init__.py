"""The examples driven end to end, in a real browser."""
