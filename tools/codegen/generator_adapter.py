"""Every use of openapi-python-client's private API, in one place, each with why it is needed.

The generator's public entry point, ``openapi_python_client.generate()``, parses the description,
renders into the output directory and runs its post-hooks in one call. The pipeline needs to stand
between those steps: to refuse parse warnings before anything is rendered, to add its own Jinja
filters, globals and ``finalize`` hook, to render stage 2 through the same environment, and to
run ruff itself. That takes the four private names below, so a generator bump starts here (see
templates/README.md, "Bumping openapi-python-client"). Property kinds are decided with
``isinstance`` on the generator's public classes, not by the name of the template it picks.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

import openapi_python_client
from attrs import define
from jinja2 import Environment
from openapi_python_client import Project, _get_project_for_url_or_path
from openapi_python_client.config import Config
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties import AnyProperty, ModelProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.schemas import Class
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.strings import PythonIdentifier

# The generator's own templates, which ours override file by file (templates/README.md records the
# sha256 of each one ours was made against).
UPSTREAM_TEMPLATES = Path(openapi_python_client.__file__).parent / "templates"


def load_project(config: Config, templates: Path) -> Project | GeneratorError:
    """The parsed project, not yet rendered.

    Private: ``_get_project_for_url_or_path`` is the only way to get a ``Project`` without
    rendering it; ``generate()`` would build at once. ``config.post_hooks`` is emptied because
    the hooks would run ``ruff`` with whatever configuration it discovers where the output is
    written; tools/codegen/generate.py runs ruff itself with tools/codegen/ruff_generated.toml.
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


def component_class_name(config: Config) -> Callable[[str], str]:
    """The class name the generator gives the component schema of a name (``class_overrides`` applied).

    ``Class.from_string`` is how the generator names every component's class; the webhook events
    (tools/webhook_events.py) use it to find the model of a webhook's payload.
    """
    return lambda name: str(Class.from_string(string=name, config=config).name)


def is_model_property(prop: object) -> bool:
    """Jinja test ``model_property``: a property whose value is one of the generated classes."""
    return isinstance(prop, ModelProperty)


def is_const_property(prop: object) -> bool:
    """Jinja test ``const_property``: a property with a single allowed value."""
    return isinstance(prop, ConstProperty)


@define
class UnknownVariantProperty(AnyProperty):
    """The member added, last, to a union whose members are all told apart by a required ``type``:
    an object of any other ``type`` parses into ``UnknownVariant`` (runtime ``types.py``), which
    keeps it as it came, instead of failing the call. Built on the generator's public
    ``AnyProperty``; its template is ours, ``property_templates/unknown_variant_property.py.jinja``."""

    _type_string: ClassVar[str] = "UnknownVariant"
    _json_type_string: ClassVar[str] = "dict[str, Any]"
    template: ClassVar[str] = "unknown_variant_property.py.jinja"


def is_unknown_variant_property(prop: object) -> bool:
    """Jinja test ``unknown_variant_property``."""
    return isinstance(prop, UnknownVariantProperty)


PROPERTY_TESTS = {
    "model_property": is_model_property,
    "const_property": is_const_property,
    "unknown_variant_property": is_unknown_variant_property,
}


def add_unknown_variants(models: Iterable[Any]) -> None:
    """Give every union of ``type``-tagged models an ``UnknownVariantProperty`` member, so that old
    clients keep reading answers that carry a kind added later. A member's ``type`` is looked up on
    the processed model of its class (a union's member copies are made before processing)."""
    processed = {model.class_info.name: model for model in models}

    def tagged(member: Any) -> bool:
        model = processed.get(member.class_info.name, member)
        return any(isinstance(p, ConstProperty) and p.name == "type" for p in model.required_properties or [])

    def visit(prop: Any) -> None:
        if isinstance(prop, ListProperty):
            visit(prop.inner_property)
        elif isinstance(prop, UnionProperty):
            for inner in prop.inner_properties:
                visit(inner)
            members = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
            if (
                len(members) >= 2
                and all(isinstance(p, ModelProperty) and tagged(p) for p in members)
                and not any(isinstance(p, UnknownVariantProperty) for p in prop.inner_properties)
            ):
                prop.inner_properties.append(
                    UnknownVariantProperty.build(
                        name=prop.name,
                        required=True,
                        default=None,
                        python_name=PythonIdentifier(f"{prop.python_name}_unknown", prefix=""),
                        description=None,
                        example=None,
                    )
                )

    for model in processed.values():
        for prop in (model.required_properties or []) + (model.optional_properties or []):
            visit(prop)
