"""The modules the runtime imports that templates render, ``_project``, ``_webhook_events`` and the
``models`` package they use, taken from the checked-in generated/ package, so that runtime/ imports
as it is, without regenerating. Mounted under ``runtime.openai_realtime_client``, their relative
imports (``..types``, ``..errors``) reach the runtime's own modules."""

import importlib.util
import sys

from tools import paths

_RUNTIME = "runtime.openai_realtime_client"
_GENERATED = paths.GENERATED / paths.PACKAGE_NAME


def _mount(name: str, *, package: bool = False) -> None:
    qualified = f"{_RUNTIME}.{name}"
    if qualified in sys.modules:
        return
    location = _GENERATED / name / "__init__.py" if package else _GENERATED / f"{name}.py"
    search = [str(location.parent)] if package else None
    spec = importlib.util.spec_from_file_location(qualified, location, submodule_search_locations=search)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)


_mount("_project")
_mount("models", package=True)
_mount("_webhook_events")
