"""A pytest plugin for ``make mutate`` only (``-p tests.support.mutation``, see tools/mutate.py).

Under mutation the package ``openai_realtime_client`` is the scratch tree's mutated copy of the
generated package. The tests that import runtime/ itself (``runtime.openai_realtime_client.*`` and
``runtime_modules.load``) would load the unmutated files under other names and never see a mutant,
so every name they use is pointed at the package's module; the bytes are the same (after the
header), which tests/codegen/test_runtime_copy.py checks.
"""

import importlib
import sys

from tests.support import runtime_modules
from tools import paths

_package = importlib.import_module(paths.PACKAGE_NAME)
sys.modules[f"runtime.{paths.PACKAGE_NAME}"] = _package
for _file in sorted(runtime_modules.RUNTIME_PACKAGE.rglob("*.py")) + [runtime_modules.RUNTIME_PACKAGE / "_project.py"]:
    _relative = _file.relative_to(runtime_modules.RUNTIME_PACKAGE).with_suffix("")
    _parts = _relative.parts[:-1] if _relative.name == "__init__" else _relative.parts
    if not _parts:
        continue
    _module = importlib.import_module(".".join((paths.PACKAGE_NAME, *_parts)))
    sys.modules[".".join(("runtime", paths.PACKAGE_NAME, *_parts))] = _module
    sys.modules[runtime_modules.module_name("/".join(_parts))] = _module
