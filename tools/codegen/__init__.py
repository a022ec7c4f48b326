"""Stage 2: render generated/ from openapi.yaml with openapi-python-client and templates/, copy
runtime/ in, and check that the checked-in tree is exactly that. ``python -m tools.codegen generate``
and ``python -m tools.codegen check``."""
