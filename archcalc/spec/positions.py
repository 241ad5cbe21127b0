"""Where each value of a spec document was written: its path in the document → (line, col) in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from archcalc.errors import Diagnostic, DocPath, Problem, SpecError

Position = tuple[int, int]


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
