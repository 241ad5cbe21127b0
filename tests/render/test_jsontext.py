"""The fast JSON writer lays text out exactly as json.dumps(indent=2, ensure_ascii=False, default=str)."""

from __future__ import annotations

import json
import random
from enum import IntEnum, StrEnum
from fractions import Fraction
from typing import Any

import pytest

from archcalc.render.jsontext import indented_json, json_chunks


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


class Colour(StrEnum):
    RED = "red"


class Size(IntEnum):
    BIG = 7


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [[]], "d": [{}]},
        {"name": 'quote " back\\slash \n tab\t bell\x07 ×÷ 🙂', "ok": True, "no": False, "none": None},
        [0, -1, 10**30, 1.5, 1e-7, 1e300, float("nan"), float("inf"), float("-inf")],
        {"shape": [224, 224, 3], "inputs": ["input"], "nested": [[1, 2], [3, [4, {"x": "y"}]]]},
        (1, 2, (3,)),
        {"enum": Colour.RED, "int enum": Size.BIG, "in list": [Colour.RED, Size.BIG]},
        {"symbolic": Fraction(1, 3), "mixed": [1, Fraction(2, 3), "s"]},
    ],
)
def test_the_text_equals_json_dumps(value: Any) -> None:
    assert indented_json(value) == reference(value)


def random_value(chance: random.Random, depth: int = 0) -> Any:
    pick = chance.randrange(9 if depth < 4 else 5)
    scalars = [
        lambda: chance.randint(-(10**12), 10**12),
        lambda: "".join(chance.choice('ab"\\\n× 🙂\x01') for _ in range(chance.randrange(6))),
        lambda: chance.choice([True, False, None]),
        lambda: chance.uniform(-1e6, 1e6),
        lambda: Fraction(chance.randint(1, 9), chance.randint(1, 9)),
    ]
    if pick < 5:
        return scalars[pick]()
    size = chance.randrange(4)
    if pick < 7:
        return [random_value(chance, depth + 1) for _ in range(size)]
    return {f"k{index}": random_value(chance, depth + 1) for index in range(size)}


def test_random_documents_equal_json_dumps() -> None:
    chance = random.Random(20261123)
    for _ in range(2000):
        value = random_value(chance)
        assert indented_json(value) == reference(value)


def with_iterators(value: Any) -> Any:
    """The same document with each list under the top-level mapping given as an iterator instead."""
    if not isinstance(value, dict):
        return value
    return {key: iter(item) if isinstance(item, list) else item for key, item in value.items()}


def test_the_text_in_pieces_is_the_same_text_and_streams_iterators_an_item_a_piece() -> None:
    chance = random.Random(11)
    for _ in range(2000):
        value = random_value(chance)
        assert "".join(json_chunks(with_iterators(value), "\n")) == reference(value) + "\n"
    rows = [{"name": f"layer{index}", "output": [8, 8, index]} for index in range(5)]
    pieces = list(json_chunks({"name": "net", "layers": iter(rows), "total": 1}))
    assert len(pieces) == 1 + len(rows) + 3  # the name, a piece per row, the list's end, the total, the end
    assert "".join(pieces) == reference({"name": "net", "layers": rows, "total": 1})
