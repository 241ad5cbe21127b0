"""Plain values from a YAML parser's events, built in one loop with an explicit stack (nothing recurses,
however deep the document), with a position for every key and value.

Duplicate keys are refused; YAML merge keys (`<<: *anchor`) follow YAML 1.1 (an explicit key overrides a
merged one, the first of several sources wins); every bound of archcalc.limits holds before the work it
bounds: nesting depth, values after alias expansion (an alias bomb is refused as soon as its count passes
the limit, without expanding it), and the size of numbers. Only plain data is built (mappings, lists,
strings, numbers, booleans, null): a tag never constructs an object.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import yaml

from archcalc.errors import Diagnostic, DocPath, Problem, SpecError
from archcalc.limits import limits
from archcalc.spec.positions import Position, SourceMap

_YAML = "tag:yaml.org,2002:"
_PLAIN_SCALAR_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null")}
_PLAIN_COLLECTION_TAGS = {_YAML + "seq", _YAML + "map"}


_MERGE = object()
"""The merge key `<<` (YAML 1.1), as read from a key position."""

_SCALARS: dict[tuple[Any, ...], Any] = {}
"""Scalars already resolved and constructed, by (text, tag, implicit, style): a spec says `filters`, `3` and
`relu` many times, and resolving one runs YAML 1.1's patterns (a third of reading a spec's events). The
values are immutable (text, numbers, booleans, null); a scalar that fails is never kept."""
_SCALARS_KEPT = 10_000

_Entry = tuple[DocPath, Position, bool]
"""A recorded position: (path, (line, col), whether it is a key's)."""


@dataclass
class _Frame:
    """A list or mapping being built: its path, its explicit entries so far, and (mapping) what waits."""

    path: DocPath
    anchor: str | None
    log_start: int
    nodes_start: int
    items: list[Any] | dict[Any, Any]
    key: Any = None
    key_position: Position | None = None  # set while the mapping waits for that key's value
    merges: list[tuple[dict[Any, Any], list[_Entry]]] = field(default_factory=list)

    @property
    def wants_key(self) -> bool:
        return isinstance(self.items, dict) and self.key_position is None


@dataclass
class _Anchor:
    value: Any
    entries: list[_Entry]
    """Positions inside the anchored value, relative to it."""
    nodes: int


class Builder:
    """Builds one document's plain values from parser events, with positions, within archcalc.limits."""

    def __init__(self, loader: Any, source: SourceMap) -> None:
        self.loader, self.source = loader, source
        self.stack: list[_Frame] = []
        self.log: list[_Entry] = []
        self.anchors: dict[str | None, _Anchor] = {}
        self.nodes = 0
        self.root: list[Any] = []

    def document(self) -> Any:
        """The single document's value; SpecError for an empty stream or several documents."""
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            raise self._error("the file is empty; a spec needs 'input' and 'layers'", (1, 1))
        loader.get_event()  # DocumentStart
        while not self.root:
            self._event(loader.get_event())
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            message = "the file holds more than one YAML document ('---'); a spec is a single document"
            raise self._error(message, _position(loader.peek_event()))
        return self.root[0]

    def _event(self, event: Any) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self._count(event, 1)
            self._attach(self._scalar(event), _position(event), event.anchor)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            self._open(event)
        else:
            self._close()

    def _count(self, event: Any, nodes: int) -> None:
        self.nodes += nodes
        limit = limits().yaml_nodes
        if self.nodes > limit:
            message = (f"more than {limit:,} YAML values once aliases are expanded (an alias bomb?); "
                       "raise the limit with `archcalc --limit yaml_nodes=N` if the spec is really that "
                       "large")  # fmt: skip
            raise self._error(message, _position(event), "AC003")

    def _child_path(self) -> DocPath:
        """Where the next value goes: the next index of a list, or the key a mapping waits to fill."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.items, list):
            return (*top.path, len(top.items))
        return (*top.path, "<key>" if top.wants_key else top.key)

    def _record(self, path: DocPath, position: Position, on_key: bool = False) -> None:
        if on_key:
            self.source.keys[path] = position
        else:
            self.source.values.setdefault(path, position)
        self.log.append((path, position, on_key))

    def _scalar(self, event: Any) -> Any:
        key = (event.value, event.tag, event.implicit, event.style)
        known = _SCALARS.get(key)
        if known is None:
            known = self._resolved(event)
            if len(_SCALARS) >= _SCALARS_KEPT:
                _SCALARS.clear()
            _SCALARS[key] = known
        if isinstance(known, int) and not isinstance(known, bool) and abs(known) > limits().number:
            raise self._error(_too_large(f"{len(str(abs(known))):,}-digit"), _position(event), "AC003")
        return known

    def _resolved(self, event: Any) -> Any:
        """A scalar's value: its tag resolved as YAML 1.1 does, then constructed (plain data only)."""
        tag = event.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _YAML + "merge":
            return _MERGE
        if tag == _YAML + "timestamp" and event.tag is None:
            return event.value  # an unquoted date is text here
        if tag not in _PLAIN_SCALAR_TAGS:
            raise self._error(_unsupported(tag), _position(event))
        if tag == _YAML + "int" and len(event.value) > 40:
            raise self._error(_too_large(f"{len(event.value):,}-character"), _position(event), "AC003")
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        return self.loader.yaml_constructors[tag](self.loader, node)

    def _alias(self, event: Any) -> None:
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            open_frame = next((frame for frame in self.stack if frame.anchor == event.anchor), None)
            if open_frame is not None:
                message = "an alias refers to itself; YAML anchors cannot recurse"
                raise self.source.error([Problem(message, open_frame.path, code="AC002")])
            raise self._error(f"YAML syntax error: found undefined alias '{event.anchor}'", _position(event))
        self._count(event, anchor.nodes)
        path = self._child_path()
        if not self._wants_key():
            for relative, position, on_key in anchor.entries:
                self._record((*path, *relative), position, on_key)
        self._attach(copy.deepcopy(anchor.value), _position(event), recorded=True)

    def _wants_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].wants_key

    def _open(self, event: Any) -> None:
        self._count(event, 1)
        is_list = isinstance(event, yaml.SequenceStartEvent)
        tag = event.tag if event.tag not in (None, "!") else _YAML + ("seq" if is_list else "map")
        if tag not in _PLAIN_COLLECTION_TAGS:
            raise self._error(_unsupported(tag), _position(event))
        if len(self.stack) >= limits().nesting:
            message = (f"lists and mappings nested more than {limits().nesting} deep; a spec never needs "
                       "that many (raise the limit with `archcalc --limit nesting=N`)")  # fmt: skip
            raise self._error(message, _position(event), "AC003")
        path = self._child_path()
        self._record(path, _position(event))
        frame = _Frame(path, event.anchor, len(self.log) - 1, self.nodes - 1, [] if is_list else {})
        self.stack.append(frame)

    def _close(self) -> None:
        frame = self.stack.pop()
        value = frame.items if isinstance(frame.items, list) else self._merged(frame)
        if frame.anchor:
            size = len(frame.path)
            entries = [(path[size:], pos, key) for path, pos, key in self.log[frame.log_start :]]
            self.anchors[frame.anchor] = _Anchor(value, entries, self.nodes - frame.nodes_start)
        self._attach(value, self.log[frame.log_start][1], recorded=True)

    def _attach(
        self, value: Any, position: Position, anchor: str | None = None, recorded: bool = False
    ) -> None:
        """Put a finished value where it belongs: the root, a list's next item, a mapping's key or value."""
        if not self.stack:
            self.root.append(value)
            self._record((), position)
            return
        top = self.stack[-1]
        if top.wants_key:
            self._key(top, value, position)
            return
        path = self._child_path()
        if not recorded:
            self._record(path, position)
        if anchor:
            self.anchors[anchor] = _Anchor(value, [((), position, False)], 1)
        if isinstance(top.items, list):
            top.items.append(value)
        else:
            self._value(top, value, path)

    def _key(self, frame: _Frame, key: Any, position: Position) -> None:
        if not _valid_key(key):
            problem = Problem(f"mapping keys must be names or whole numbers, got {key!r}", frame.path,
                              code="AC002")  # fmt: skip
            raise self.source.error([problem])
        assert isinstance(frame.items, dict)
        if key in frame.items:
            first_line = self.source.keys[(*frame.path, key)][0]
            message = f"duplicate key '{key}' (first given on line {first_line}); keep only one"
            raise SpecError([Diagnostic(self.source.filename, *position, message, "AC002")])
        frame.key, frame.key_position = key, position

    def _value(self, frame: _Frame, value: Any, path: DocPath) -> None:
        assert isinstance(frame.items, dict) and frame.key_position is not None
        key, position = frame.key, frame.key_position
        frame.key_position = None
        if key is _MERGE:
            frame.merges += self._merge_sources(value, path, position)
            return
        self._record(path, position, on_key=True)
        frame.items[key] = value

    def _merge_sources(
        self, value: Any, path: DocPath, key_position: Position
    ) -> list[tuple[dict[Any, Any], list[_Entry]]]:
        """The mappings a `<<` merges, each with the positions recorded for it (relative to it)."""
        sources = value if isinstance(value, list) else [value]
        prefixes = [(*path, index) for index in range(len(sources))] if isinstance(value, list) else [path]
        if not all(isinstance(source, dict) for source in sources):
            message = "a merge key `<<` takes a mapping (`<<: *anchor`) or a list of them"
            raise self._error(message, key_position)
        return [
            (source, [(p[len(prefix) :], pos, key) for p, pos, key in self.log if p[: len(prefix)] == prefix])
            for source, prefix in zip(sources, prefixes, strict=True)
        ]

    def _merged(self, frame: _Frame) -> dict[Any, Any]:
        """A mapping's merged keys (YAML 1.1: the first source wins), then its explicit keys, which win."""
        assert isinstance(frame.items, dict)
        merged: dict[Any, Any] = {}
        for source, entries in frame.merges:
            for key, value in source.items():
                if key not in frame.items and key not in merged:
                    merged[key] = value
                    for relative, position, on_key in entries:
                        if relative[:1] == (key,):
                            self._record((*frame.path, *relative), position, on_key)
        return merged | frame.items

    def _error(self, message: str, position: Position, code: str = "AC002") -> SpecError:
        return SpecError([Diagnostic(self.source.filename, *position, message, code)])


def _valid_key(key: Any) -> bool:
    """Mapping keys are names or whole numbers (or the merge key `<<`)."""
    return key is _MERGE or (isinstance(key, str | int) and not isinstance(key, bool))


def _unsupported(tag: str) -> str:
    return f"unsupported YAML tag '{tag}': a spec holds plain data only (no tags)"


def _too_large(size: str) -> str:
    return (f"a {size} whole number is larger than any a spec needs (at most {limits().number:,}); "
            "check for a typo")  # fmt: skip


def _position(event: Any) -> Position:
    return event.start_mark.line + 1, event.start_mark.column + 1
