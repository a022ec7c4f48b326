"""The one module the runtime imports that a template renders, ``_project``, taken from the
checked-in generated/ package, so that runtime/ imports as it is, without regenerating."""

import importlib.util
import sys

from tools import paths

_PROJECT = "runtime.openai_realtime_client._project"

if _PROJECT not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_PROJECT, paths.GENERATED / paths.PACKAGE_NAME / "_project.py")
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules[_PROJECT] = _module
