"""Hand-written modules of runtime/openai_realtime_client/, loaded from their files for the tests.

The tests reach the runtime modules only through here, so once `make generate` copies them into the
generated package this becomes a plain import of ``openai_realtime_client.<name>``.
"""

import importlib.util
import sys
from types import ModuleType

from tools import paths

RUNTIME_PACKAGE = paths.REPO / "runtime" / paths.PACKAGE_NAME


def module_name(name: str) -> str:
    """The name runtime/openai_realtime_client/<name>.py is loaded under."""
    return f"_runtime_{paths.PACKAGE_NAME}_{name}"


def load(name: str) -> ModuleType:
    """runtime/openai_realtime_client/<name>.py as a module, loaded once per test process."""
    loaded_as = module_name(name)
    if loaded_as in sys.modules:
        return sys.modules[loaded_as]
    spec = importlib.util.spec_from_file_location(loaded_as, RUNTIME_PACKAGE / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"no runtime module {name}"
    module = importlib.util.module_from_spec(spec)
    # Registered before running it: dataclasses and pickling look the module up by name.
    sys.modules[loaded_as] = module
    spec.loader.exec_module(module)
    return module
