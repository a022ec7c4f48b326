"""Servers the tests and ``make mock`` start on 127.0.0.1: the spec-driven mock of the API
(``mock_server``) and the background WSGI server lifecycle it is built on (``local_server``)."""
