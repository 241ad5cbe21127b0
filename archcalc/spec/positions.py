"""Where each value of a spec document was written: its path in the document → (line, col) in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archcalc.errors import Diagnostic, DocPath, Problem, SpecError

Position = tuple[int, int]
INCLUDED = "\x00included"
"""The first step of a path into another file (an included spec): (INCLUDED, its name, *path in it)."""


@dataclass
class SourceMap:
    """Positions (1-based line, col) of the values and keys of one document, by their path in it."""

    filename: str = "<spec>"
    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)
    folder: Path = Path()
    """The folder of the file (paths in it, such as includes, start there); the current one for text."""
    included: dict[str, SourceMap] = field(default_factory=dict)
    """The maps of the files this spec includes (all of them, however deep), by name."""

    def include(self, other: SourceMap) -> str:
        """Register an included file's map; the name paths into it start with, after INCLUDED."""
        self.included.setdefault(other.filename, other)
        return other.filename

    def resolve(self, path: DocPath) -> tuple[SourceMap, DocPath]:
        """The map of the file `path` points into, and the path within it."""
        if len(path) >= 2 and path[0] == INCLUDED and path[1] in self.included:
            return self.included[str(path[1])], path[2:]
        return self, path

    def locate(self, path: DocPath, on_key: bool = False) -> Position | None:
        """The position of `path`, or of its nearest ancestor that has one."""
        source, path = self.resolve(path)
        if source is not self:
            return source.locate(path, on_key)
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
        file = self.resolve(problem.path)[0].filename
        uses = [
            f"in block '{block}' used at {self._where(path, file)}" for block, path in reversed(problem.via)
        ]
        message = problem.message + (f" ({'; '.join(uses)})" if uses else "")
        return Diagnostic(file, line, col, message, problem.code)

    def _where(self, path: DocPath, file: str) -> str:
        """`line:col` of a place in `file`; `file:line:col` of a place in another."""
        line, col = self.locate(path) or (0, 0)
        source = self.resolve(path)[0]
        return f"{line}:{col}" if source.filename == file else f"{source.filename}:{line}:{col}"

    def error(self, problems: list[Problem]) -> SpecError:
        """One SpecError holding every problem, in file order; a block's problem once, at its first use."""
        firsts = {(self.locate(p.path, p.on_key), p.message): p for p in reversed(problems)}
        diagnostics = [self.diagnostic(p) for p in reversed(firsts.values())]
        return SpecError(sorted(diagnostics, key=lambda d: (d.file != self.filename, d.file, d.line, d.col)))
