"""runtime/openai_realtime_client/types.py: the stand-in for an unknown union member."""

from runtime.openai_realtime_client.types import UnknownVariant, nearest_name


def test_an_unknown_variant_parses_from_a_dict_like_a_model_and_keeps_a_copy() -> None:
    raw = {"type": "translation", "extra": [1]}
    variant = UnknownVariant.from_dict(raw)
    assert variant == UnknownVariant(raw) and variant.raw == raw and variant.raw is not raw
    assert (variant.type, variant.to_dict()) == ("translation", raw)


def test_a_misspelling_is_matched_from_three_quarters_alike() -> None:
    known = ["abcdefghij", "temperature"]
    assert nearest_name("temprature", known) == "temperature"
    assert nearest_name("abcdefgh", ["abcdefxy"]) == "abcdefxy"  # alike: 2*6/16 = 0.75
    assert nearest_name("abcdefgxyz", known) is None  # 2*7/20 = 0.7: a new field, not a typo
    assert nearest_name("voice", []) is None
