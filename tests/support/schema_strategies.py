"""Hypothesis strategies for values that fit a JSON schema: the keywords the API description uses.

hypothesis-jsonschema would be the library for this, but its release at the time of writing calls a
hypothesis internal that current hypothesis no longer has; this covers what openapi.yaml uses.
"""

from typing import Any

from hypothesis import strategies as st

_TEXT = st.text(max_size=20)


def values_for(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid under schema (type, enum, const, bounds, properties, required, items, anyOf/oneOf).

    Objects get their required properties and any subset of the optional ones; no extra keys.
    """
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([values_for(variant, depth + 1) for variant in schema[key]])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        return st.one_of([values_for({**schema, "type": k}, depth) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**31)), max_value=schema.get("maximum", 2**31))
    if kind == "number":
        return st.floats(
            min_value=schema.get("minimum", -1e9), max_value=schema.get("maximum", 1e9), allow_nan=False
        ) | st.integers(min_value=int(-(-schema.get("minimum", -1e9) // 1)), max_value=int(schema.get("maximum", 1e9)))
    if kind == "string":
        return _TEXT
    if kind == "array":
        if depth >= 6:
            return st.just([])  # as deep objects stop at {}: an empty list fits any items schema
        return st.lists(values_for(schema.get("items", {}), depth + 1), max_size=3)
    properties: dict[str, Any] = schema.get("properties", {})
    if depth >= 6 or not properties:
        return st.just({})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {name: values_for(sub, depth + 1) for name, sub in properties.items() if name in required},
        optional={name: values_for(sub, depth + 1) for name, sub in properties.items() if name not in required},
    )
