"""Where the pipeline's inputs and outputs live in the repository."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "openapi.yaml"
GENERATOR_CONFIG = REPO / "generator-config.yaml"
TEMPLATES = REPO / "templates"
RUNTIME = REPO / "runtime"
GENERATED = REPO / "generated"
RUFF_GENERATED_CONFIG = REPO / "tools" / "codegen" / "ruff_generated.toml"
PACKAGE_NAME = "openai_realtime_client"
