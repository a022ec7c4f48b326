"""Every use of openapi-python-client's private API, in one place, each with why it is needed.

The generator's public entry point, ``openapi_python_client.generate()``, parses the description,
renders into the output directory and runs its post-hooks in one call. The pipeline needs to stand
between those steps: to refuse parse warnings before anything is rendered, to add its own Jinja
filters, globals and ``finalize`` hook, to render stage 2 through the same environment, and to
run ruff itself. That takes the four private names below, so a generator bump starts here (see
templates/README.md, "Bumping openapi-python-client"). Property kinds are decided with
``isinstance`` on the generator's public classes, not by the name of the template it picks.
"""

from pathlib import Path

import openapi_python_client
from jinja2 import Environment
from openapi_python_client import Project, _get_project_for_url_or_path
from openapi_python_client.config import Config
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import ModelProperty
from openapi_python_client.parser.properties.const import ConstProperty

# The generator's own templates, which ours override file by file (templates/README.md records the
# sha256 of each one ours was made against).
UPSTREAM_TEMPLATES = Path(openapi_python_client.__file__).parent / "templates"


def load_project(config: Config, templates: Path) -> Project | GeneratorError:
    """The parsed project, not yet rendered.

    Private: ``_get_project_for_url_or_path`` is the only way to get a ``Project`` without
    rendering it; ``generate()`` would build at once. ``config.post_hooks`` is emptied because
    the hooks would run ``ruff`` with whatever configuration it discovers where the output is
    written; tools/generate.py runs ruff itself with tools/ruff_generated.toml.
    """
    config.post_hooks = []
    return _get_project_for_url_or_path(config=config, custom_template_path=templates)


def parse_problems(project: Project) -> list[GeneratorError]:
    """What the generator could not parse (a dropped response, an unresolvable reference).

    Private: ``Project._get_errors()`` is the only way to see these before rendering;
    ``build()`` returns them only afterwards, mixed with rendering problems.
    """
    return project._get_errors()


def environment(project: Project) -> Environment:
    """The project's Jinja environment.

    Private in spirit (``Project.env`` is not documented): the pipeline adds its filters, globals
    and the ``finalize`` hook that refuses unescaped spec text, and renders stage 2 through the
    same environment so both stages follow the same rules.
    """
    return project.env


def is_model_property(prop: object) -> bool:
    """Jinja test ``model_property``: a property whose value is one of the generated classes."""
    return isinstance(prop, ModelProperty)


def is_const_property(prop: object) -> bool:
    """Jinja test ``const_property``: a property with a single allowed value."""
    return isinstance(prop, ConstProperty)


PROPERTY_TESTS = {"model_property": is_model_property, "const_property": is_const_property}
