"""The examples under examples/, exercised over HTTP."""
