"""runtime/openai_realtime_client/_lazy.py called directly: the package's models/__init__.py calls
it once at import, before any test (or mutant) runs, so the package's own use cannot check it."""

import email.utils
import json
from typing import Any

import pytest

from runtime.openai_realtime_client._lazy import lazy_attributes


def test_a_lazy_name_is_imported_from_its_module_on_first_use_then_kept() -> None:
    namespace: dict[str, Any] = {"loads": json.loads}
    # format_datetime is only in email.utils, not in the email package itself.
    get, _ = lazy_attributes("email", namespace, {"format_datetime": ".utils"})

    assert get("format_datetime") is email.utils.format_datetime
    assert namespace == {"loads": json.loads, "format_datetime": email.utils.format_datetime}


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    get, _ = lazy_attributes("json", {}, {"JSONDecoder": ".decoder"})
    with pytest.raises(AttributeError) as raised:
        get("JSONDecoders")
    assert str(raised.value) == "module 'json' has no attribute 'JSONDecoders'"


def test_dir_lists_the_loaded_and_the_lazy_names_once_sorted() -> None:
    _, listing = lazy_attributes("json", {"b": 1, "a": 2}, {"c": ".decoder", "a": ".decoder"})
    assert listing() == ["a", "b", "c"]
