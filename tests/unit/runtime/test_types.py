"""runtime/openai_realtime_client/types.py: the stand-in for an unknown union member."""

from runtime.openai_realtime_client.types import UnknownVariant


def test_an_unknown_variant_parses_from_a_dict_like_a_model_and_keeps_a_copy() -> None:
    raw = {"type": "translation", "extra": [1]}
    variant = UnknownVariant.from_dict(raw)
    assert variant == UnknownVariant(raw) and variant.raw == raw and variant.raw is not raw
    assert (variant.type, variant.to_dict()) == ("translation", raw)
