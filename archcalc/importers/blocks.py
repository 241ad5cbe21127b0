"""Copies in a row as one block used with `repeat:`. The children 0 … n−1 of a sequence (torch's
nn.Sequential of blocks, as ResNet's layer1) are compared setting by setting, together with the copies of
every other sequence of the same module class; where they differ only in whole numbers, those become the
block's arguments, passed at each use as a number or, where the first copy differs, `2 if i == 0 else 1`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archcalc.importers.entries import Entry
from archcalc.importers.steps import unique
from archcalc.layers.base import LAYER_KINDS
from archcalc.spec.blocks import RESERVED


@dataclass(frozen=True)
class Param:
    """A setting the copies differ in: its key, and its value in each copy."""

    key: str
    values: tuple[int, ...]


class _Differs(Exception):
    """The copies differ in more than whole numbers."""


def fold_repeats(layers: list[Entry]) -> dict[str, list[Entry]]:
    """Turn every sequence of copies under `layers` (in place, innermost first) into a use of a block with
    `repeat:`; the blocks, by signature."""
    by_class: dict[str, list[Entry]] = {}
    for entry in _walk(layers):
        if _copies(entry):
            first = entry.lists["layers"][0]
            by_class.setdefault(first.cls or first.kind, []).append(entry)
    blocks: dict[str, list[Entry]] = {}
    taken = set(LAYER_KINDS)
    for cls, uses in by_class.items():
        if not _fold(uses, cls, blocks, taken) and len(uses) > 1:
            for use in uses:
                _fold([use], cls, blocks, taken)
    return blocks


def _walk(entries: list[Entry]) -> list[Entry]:
    """Every entry under `entries`, the entries inside a composite before it."""
    found = []
    for entry in entries:
        for value in entry.lists.values():
            for listed in [value] if isinstance(value, list) else value.values():  # a list, or named paths
                found += _walk(listed)
        found.append(entry)
    return found


def _copies(entry: Entry) -> bool:
    layers = entry.lists.get("layers") if entry.kind == "sequential" else None
    if not layers or len(layers) < 2:
        return False
    names = [layer.settings.get("name") for layer in layers]
    same_class = len({(layer.cls, layer.kind) for layer in layers}) == 1
    return (
        same_class
        and names == [str(i) for i in range(len(layers))]
        and not any("from" in layer.settings for layer in layers)
    )


def _fold(uses: list[Entry], cls: str, blocks: dict[str, list[Entry]], taken: set[str]) -> bool:
    copies = [copy for use in uses for copy in use.lists["layers"]]
    try:
        template = _unify([_bare(copy) for copy in copies], "value")
    except _Differs:
        return False
    params = _named(_params(template))
    arguments, start = [], 0
    for use in uses:
        count = len(use.lists["layers"])
        passed = {name: _argument(param.values[start : start + count]) for param, name in params.items()}
        if None in passed.values():
            return False
        arguments.append(passed)
        start += count
    name = _snake(cls)
    name = unique(f"{name}_block" if name in LAYER_KINDS else name, taken)
    signature = f"{name}({', '.join(params.values())})" if params else name
    blocks[signature] = [_substituted(template, params)]
    for use, passed in zip(uses, arguments, strict=True):
        head: dict[str, Any] = {key: use.settings[key] for key in ("name", "from") if key in use.settings}
        count = len(use.lists["layers"])
        use.kind, use.settings, use.lists = name, {**head, "repeat": count, **passed}, {}
    return True


def _bare(entry: Entry, named: bool = False) -> Entry:
    """A copy as the block writes it: no shapes (they differ from use to use) and, at the top, no name of
    its own (the repeat gives it one); the layers inside keep theirs."""
    settings = {key: value for key, value in entry.settings.items() if named or key != "name"}
    return Entry(entry.kind, settings, _lists(entry.lists, lambda inner: _bare(inner, named=True)))


def _lists(lists: dict[str, Any], change: Any) -> dict[str, Any]:
    return {
        key: [change(e) for e in value] if isinstance(value, list)
        else {name: [change(e) for e in path] for name, path in value.items()}
        for key, value in lists.items()
    }  # fmt: skip


FILLED = {"shortcut": "auto", "projection_bn": True}
"""Residual settings some copies may lack: an identity shortcut is what `auto` makes where the shapes agree,
and `projection_bn` means nothing to it."""


def _unify(values: list[Any], key: str) -> Any:
    """One value for all copies: theirs where they agree, a Param where whole numbers differ."""
    first = values[0]
    if all(value == first for value in values):
        return first
    if all(isinstance(value, Entry) for value in values):
        if len({(value.kind, tuple(value.lists)) for value in values}) != 1:
            raise _Differs
        settings = _unify_settings([value.settings for value in values], first.kind)
        lists = {name: _unify([value.lists[name] for value in values], name) for name in first.lists}
        return Entry(first.kind, settings, lists)
    if all(isinstance(value, list) for value in values) and len({len(value) for value in values}) == 1:
        return [_unify(list(column), key) for column in zip(*values, strict=True)]
    if all(isinstance(value, dict) for value in values):
        return _unify_settings(values, kind="")
    if all(type(value) is int for value in values):
        return Param(key, tuple(values))
    raise _Differs


def _unify_settings(settings: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The settings of copies of one kind, a setting some leave out read as its default."""
    keys = list(dict.fromkeys(key for each in settings for key in each))
    if kind == "residual":
        settings = [_filled(each, keys) for each in settings]
    settings = [{key: each[key] if key in each else _default(kind, key) for key in keys} for each in settings]
    return {key: _unify([each[key] for each in settings], key) for key in keys}


def _filled(settings: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """An identity residual's settings as `auto` writes them, where other copies say `shortcut: auto`."""
    if "shortcut" in settings or "shortcut" not in keys:
        return settings
    return {**settings, **{key: FILLED[key] for key in keys if key in FILLED and key not in settings}}


def _default(kind: str, key: str) -> Any:
    """What a kind takes for a setting left out, as a spec writes it (a pair of equal numbers as one)."""
    field = LAYER_KINDS[kind].model_fields.get(key) if kind in LAYER_KINDS else None
    if field is None or field.is_required():
        raise _Differs
    default = field.get_default(call_default_factory=True)
    if isinstance(default, tuple) and len(set(default)) == 1:
        return default[0]
    return default


def _params(value: Any) -> list[Param]:
    if isinstance(value, Param):
        return [value]
    if isinstance(value, Entry):
        return _params(value.settings) + _params(value.lists)
    if isinstance(value, dict):
        return [param for item in value.values() for param in _params(item)]
    if isinstance(value, list):
        return [param for item in value for param in _params(item)]
    return []


def _named(params: list[Param]) -> dict[Param, str]:
    """A name for each distinct Param (those with the same values in every copy are one argument): its
    setting's key, numbered where keys repeat."""
    taken: set[str] = set(RESERVED)
    return {param: unique(param.key, taken) for param in dict.fromkeys(params)}


def _argument(values: tuple[int, ...]) -> int | str | None:
    """The argument of a use whose copies have `values`: one number, the first copy's number else the
    rest's, or None where copies differ otherwise."""
    if len(set(values)) == 1:
        return values[0]
    if len(set(values[1:])) == 1:
        return f"{values[0]} if i == 0 else {values[1]}"
    return None


def _substituted(value: Any, params: dict[Param, str]) -> Any:
    if isinstance(value, Param):
        return params[value]
    if isinstance(value, Entry):
        lists = {key: _substituted(item, params) for key, item in value.lists.items()}
        return Entry(value.kind, _substituted(value.settings, params), lists)
    if isinstance(value, dict):
        return {key: _substituted(item, params) for key, item in value.items()}
    if isinstance(value, list):
        return [_substituted(item, params) for item in value]
    return value


def _snake(cls: str) -> str:
    """A block's name from its module's class: BasicBlock → basic_block, Bottleneck → bottleneck."""
    name = re.sub(r"\W", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls).lower())
    return name if name.isidentifier() else f"block{name}"
