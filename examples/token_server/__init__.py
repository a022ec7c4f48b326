"""A token server that mints ephemeral Realtime sessions for a browser page; see README.md here."""
