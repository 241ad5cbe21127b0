"""Load YAML safely into plain Python values while remembering where each value came from.

PyYAML's safe loader composes a node tree whose nodes carry start marks; we convert that tree ourselves so
that every mapping key and value gets a position (for `file:line:col` errors) and duplicate keys are refused.
Only plain data is built (mappings, lists, strings, numbers, booleans, null): no tags construct objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archcalc.errors import Diagnostic, DocPath, Problem, SpecError

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Position = tuple[int, int]
_PLAIN_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


@dataclass
class SourceMap:
    """Positions (1-based line, col) of the values and keys of one document, by their path in it."""

    filename: str = "<spec>"
    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)

    def locate(self, path: DocPath, on_key: bool = False) -> Position | None:
        """The position of `path`, or of its nearest ancestor that has one."""
        if on_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            position = self.values.get(path[:end])
            if position:
                return position
        return None

    def diagnostic(self, problem: Problem) -> Diagnostic:
        """The problem at its file position; inside a block, also where each enclosing block was used."""
        line, col = self.locate(problem.path, problem.on_key) or (0, 0)
        uses = [f"in block '{block}' used at {self._where(path)}" for block, path in reversed(problem.via)]
        message = problem.message + (f" ({'; '.join(uses)})" if uses else "")
        return Diagnostic(self.filename, line, col, message, problem.code)

    def _where(self, path: DocPath) -> str:
        line, col = self.locate(path) or (0, 0)
        return f"{line}:{col}"

    def error(self, problems: list[Problem]) -> SpecError:
        """One SpecError holding every problem, in file order; a block's problem once, at its first use."""
        firsts = {(self.locate(p.path, p.on_key), p.message): p for p in reversed(problems)}
        diagnostics = [self.diagnostic(p) for p in reversed(firsts.values())]
        return SpecError(sorted(diagnostics, key=lambda d: (d.line, d.col)))


def load_file(path: Path, display_name: str | None = None) -> tuple[Any, SourceMap]:
    """Read a YAML spec file; every way it can be unreadable becomes a SpecError with a position."""
    name = display_name or str(path)
    fail = _failer(name)
    if path.is_dir():
        raise fail("is a directory, not a spec file; pass one of its .yaml files")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail("no such file") from None
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte {exc.start}); save the spec as UTF-8") from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    return load_text(text, name)


def load_text(text: str, filename: str = "<spec>") -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data plus the SourceMap of its positions."""
    source = SourceMap(filename)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise SpecError(
                [Diagnostic(filename, 1, 1, "the file is empty; a spec needs 'input' and 'layers'", "AC002")]
            )
        return _Converter(loader, source).convert(root, ()), source
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, filename) from None
    finally:
        loader.dispose()


def _failer(name: str) -> Any:
    return lambda message: SpecError([Diagnostic(name, 0, 0, message, "AC001")])


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, filename: str) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "not valid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        message = f"unsupported YAML tag {_tag_of(problem)}: a spec holds plain data only (no tags)"
    elif mark and text[mark.index : mark.index + 1] == "\t":
        message = "a tab character is not allowed here: YAML indents with spaces only; replace tabs by spaces"
    elif "expected a single document" in str(exc):
        message = "the file holds more than one YAML document ('---'); a spec is a single document"
    else:
        context = f" {exc.context}" if exc.context else ""
        if exc.context_mark and exc.context_mark is not mark:
            context += f" (started at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
        message = f"YAML syntax error: {problem}{context}"
    return SpecError([Diagnostic(filename, line, col, message, "AC002")])


class _Converter:
    """Turns composed nodes into plain values, recording positions and refusing duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.active: set[int] = set()  # nodes being converted: meeting one again is a recursive alias

    def convert(self, node: yaml.Node, path: DocPath) -> Any:
        self.source.values.setdefault(path, _position(node))
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if node.tag not in _PLAIN_COLLECTION_TAGS:
            message = f"unsupported YAML tag '{node.tag}': a spec holds plain data only (no tags)"
            raise self.source.error([Problem(message, path, code="AC002")])
        if id(node) in self.active:
            raise self.source.error(
                [Problem("an alias refers to itself; YAML anchors cannot recurse", path, code="AC002")]
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: DocPath) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                problem = Problem(
                    f"mapping keys must be names or whole numbers, got {key!r}", path, code="AC002"
                )
                raise self.source.error([problem])
            if key in result:
                first_line = self.source.keys[(*path, key)][0]
                message = f"duplicate key '{key}' (first given on line {first_line}); keep only one"
                raise SpecError([Diagnostic(self.source.filename, *_position(key_node), message, "AC002")])
            self.source.keys[(*path, key)] = _position(key_node)
            result[key] = self.convert(value_node, (*path, key))
        return result


def _tag_of(problem: str) -> str:
    quoted = problem.split("'")
    return f"'{quoted[1]}'" if len(quoted) > 2 else "here"


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1
