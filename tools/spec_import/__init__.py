"""Stage 1: import a vendor release of the description into openapi.yaml (selection, overlays,
normalization). ``python -m tools.spec_import SOURCE``."""
