"""JSON text laid out as `json.dumps(value, indent=2, ensure_ascii=False, default=str)` lays it out, byte for
byte, several times faster.

With `indent`, the standard library gives up its C encoder for a pure-Python generator that yields every
bracket, comma and number separately: 6 s for a report of 100,000 layers. Here each value is written by one
call, strings by the C string encoder, and a list of numbers or strings (a shape, a row's inputs) is joined at
once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any

STEP = "  "


def indented_json(value: Any, end: str = "") -> str:
    """`value` (whose mappings have string keys) as indented JSON text, no final newline, as
    `json.dumps(value, indent=2, ensure_ascii=False, default=str)` writes it, followed by `end`."""
    return "".join(json_chunks(value, end))


def json_chunks(value: Any, end: str = "") -> Iterator[str]:
    """`indented_json(value, end)` in pieces, each made when it is asked for: of a mapping at the top, each
    item of a value that is an iterator (a report's rows) is a piece, so that its text is never whole (a
    100,000-layer report: 90 MB of text, twice with the joined copy)."""
    if not isinstance(value, dict) or not value:
        yield indented_json_text(value) + end
        return
    opening = "{\n" + STEP
    for key, item in value.items():
        head = f"{opening}{encode_basestring(key)}: "
        if isinstance(item, Iterator):
            pieces = _item_pieces(item, STEP)
            yield head + next(pieces)  # the first item, or the whole of an empty list
            yield from pieces
        else:
            yield head + indented_json_text(item, STEP)
        opening = ",\n" + STEP
    yield "\n}" + end


def indented_json_text(value: Any, pad: str = "") -> str:
    """One value's text, indented as if it started at `pad` (its first line not padded)."""
    pieces: list[str] = []
    _write(value, pad, pieces)
    return "".join(pieces)


def _write(value: Any, pad: str, out: list[str]) -> None:
    scalar = _scalar(value)
    if scalar is not None:
        out.append(scalar)
    elif isinstance(value, dict):
        _write_mapping(value, pad, out)
    elif isinstance(value, list | tuple | Iterator):
        _write_sequence(value, pad, out)
    else:
        out.append(encode_basestring(str(value)))  # default=str: symbolic sizes and the like


def _scalar(value: Any) -> str | None:
    """The text of a string, number, boolean or null; None for anything else."""
    writer = _WRITERS.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, str | int | float):  # subclasses (enums), as json.dumps writes them
        return _scalar(_base_value(value))
    return None


def _base_value(value: str | int | float) -> str | int | float:
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    return int.__int__(value) if isinstance(value, int) else float.__float__(value)


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_WRITERS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _: "null",
    float: _float,
}


def _write_mapping(mapping: dict[Any, Any], pad: str, out: list[str]) -> None:
    if not mapping:
        out.append("{}")
        return
    inner = pad + STEP
    opening = "{\n" + inner
    for key, item in mapping.items():
        writer = _WRITERS.get(type(item))  # a scalar of a plain type: the common case, written at once
        if writer is not None:
            out.append(f"{opening}{encode_basestring(key)}: {writer(item)}")
        else:
            out.append(f"{opening}{encode_basestring(key)}: ")
            _write(item, inner, out)
        opening = ",\n" + inner
    out.append("\n" + pad + "}")


def _write_sequence(items: Iterable[Any], pad: str, out: list[str]) -> None:
    """A list, tuple or iterator: a list of scalars at once; other items each joined into one piece as it
    is written, so that a long list (a report's rows, from a generator) never holds millions of pieces."""
    inner = pad + STEP
    if isinstance(items, list | tuple):
        scalars = [_scalar(item) for item in items]
        if None not in scalars:
            text = (",\n" + inner).join(scalars)  # type: ignore[arg-type]  # None is not in it
            out.append(f"[\n{inner}{text}\n{pad}]" if items else "[]")
            return
    out.extend(_item_pieces(items, pad))


def _item_pieces(items: Iterable[Any], pad: str) -> Iterator[str]:
    """A list's text an item at a time, each item's text joined into one piece as it is made (the last
    piece closes the list; an empty list is the one piece `[]`)."""
    inner = pad + STEP
    opening = "[\n" + inner
    for item in items:
        yield opening + indented_json_text(item, inner)
        opening = ",\n" + inner
    yield "[]" if opening.startswith("[") else "\n" + pad + "]"
