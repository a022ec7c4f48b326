"""Where the pipeline's inputs and outputs live in a repository: this one (the module constants) or
another checkout (``Layout.of(root)``, what ``spec-diff --root`` compares against)."""

from pathlib import Path
from typing import NamedTuple

PACKAGE_NAME = "openai_realtime_client"
# Below a checkout's root, in Layout's order after root.
_NAMES = (
    "openapi.yaml", "generator-config.yaml", "templates", "runtime", "generated",
    "spec-selection.yaml", "overlays", "spec-diff-ack.yaml",
)  # fmt: skip


class Layout(NamedTuple):
    """The files of one checkout, each below its root."""

    root: Path
    spec: Path
    generator_config: Path
    templates: Path
    runtime: Path
    generated: Path
    spec_selection: Path
    overlays: Path
    spec_diff_acks: Path

    @classmethod
    def of(cls, root: Path) -> "Layout":
        return cls(root, *(root / name for name in _NAMES))

    @property
    def package(self) -> Path:
        """The generated package itself, ``generated/openai_realtime_client``."""
        return self.generated / PACKAGE_NAME


HERE = Layout.of(Path(__file__).resolve().parent.parent)
REPO = HERE.root
SPEC = HERE.spec
GENERATOR_CONFIG = HERE.generator_config
TEMPLATES = HERE.templates
RUNTIME = HERE.runtime
GENERATED = HERE.generated
RUFF_GENERATED_CONFIG = REPO / "tools" / "codegen" / "ruff_generated.toml"
