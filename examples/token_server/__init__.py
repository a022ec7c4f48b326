"""A token server that mints short-lived client secrets for Realtime sessions for a browser page; see
README.md here."""
