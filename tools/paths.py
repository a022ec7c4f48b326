"""Where the pipeline's inputs and outputs live in a repository: this one (the module constants) or
another checkout (``Layout(root)``, what ``spec-diff --root`` compares against)."""

from dataclasses import dataclass
from pathlib import Path

PACKAGE_NAME = "openai_realtime_client"


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "openapi.yaml"

    @property
    def generator_config(self) -> Path:
        return self.root / "generator-config.yaml"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def runtime(self) -> Path:
        return self.root / "runtime"

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    @property
    def package(self) -> Path:
        """The generated package itself, ``generated/openai_realtime_client``."""
        return self.generated / PACKAGE_NAME

    @property
    def spec_selection(self) -> Path:
        return self.root / "spec-selection.yaml"

    @property
    def overlays(self) -> Path:
        return self.root / "overlays"

    @property
    def spec_diff_acks(self) -> Path:
        return self.root / "spec-diff-ack.yaml"


HERE = Layout(Path(__file__).resolve().parent.parent)
REPO = HERE.root
SPEC = HERE.spec
GENERATOR_CONFIG = HERE.generator_config
TEMPLATES = HERE.templates
RUNTIME = HERE.runtime
GENERATED = HERE.generated
RUFF_GENERATED_CONFIG = REPO / "tools" / "codegen" / "ruff_generated.toml"
