"""templates/README.md records, per template we override, the sha256 of the generator's file it was
made against; a generator whose file differs means our override must be looked at again."""

import hashlib
import re

from tools import paths
from tools.codegen.generator_adapter import UPSTREAM_TEMPLATES

_ROW = re.compile(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", re.M)


def _recorded() -> dict[str, str]:
    text = (paths.TEMPLATES / "README.md").read_text(encoding="utf-8")
    section = text.split("## Upstream files", 1)[1].split("\n## ", 1)[0]
    return dict(_ROW.findall(section))


def test_every_overridden_template_has_its_upstream_hash_recorded() -> None:
    overridden = {
        path.relative_to(paths.TEMPLATES).as_posix()
        for path in paths.TEMPLATES.rglob("*.jinja")
        if (UPSTREAM_TEMPLATES / path.relative_to(paths.TEMPLATES)).is_file()
    }
    assert overridden, "no template overrides one of the generator's: is UPSTREAM_TEMPLATES right?"
    assert set(_recorded()) == overridden


def test_the_installed_generator_still_ships_the_files_our_templates_were_made_against() -> None:
    changed = [
        name
        for name, digest in sorted(_recorded().items())
        if not (UPSTREAM_TEMPLATES / name).is_file()
        or hashlib.sha256((UPSTREAM_TEMPLATES / name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, (
        f"openapi-python-client's templates changed since ours were made: {', '.join(changed)}; "
        "follow templates/README.md, 'Bumping openapi-python-client'"
    )
