"""The SIP answering service example (see README.md)."""
