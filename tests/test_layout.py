"""The layout is the pipeline: every module imports only modules of its own stage or of earlier ones, and the
package has no import cycle (imports made only for type checking aside). Parsed from the source, so a new
module is checked without anyone remembering to add it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import ROOT

PACKAGE = ROOT / "archcalc"

STAGES = [
    ("core", ["archcalc", "archcalc.errors", "archcalc.shapes", "archcalc.symbolic"]),
    ("layers", ["archcalc.layers"]),
    ("spec", ["archcalc.spec"]),
    ("report", ["archcalc.report"]),
    ("graph", ["archcalc.graph"]),
    ("engine", ["archcalc.engine"]),
    ("analyses", ["archcalc.analyses"]),
    ("outputs", ["archcalc.render", "archcalc.linting", "archcalc.backends"]),
    ("importers", ["archcalc.importers"]),
    ("api", ["archcalc.api"]),
    ("cli", ["archcalc.cli"]),
    ("entry", ["archcalc.__main__"]),
]
"""In pipeline order. The units of one stage (render, lint, backends) do not import each other."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def unit_of(module: str) -> tuple[int, str]:
    """(stage index, unit) of a module: the longest unit name it falls under."""
    found = [
        (index, unit)
        for index, (_, units) in enumerate(STAGES)
        for unit in units
        if module == unit or module.startswith(unit + ".")
    ]
    assert found, f"{module} is in no stage of the layout: add it to STAGES"
    return max(found, key=lambda pair: len(pair[1]))


def _type_checking_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(path: Path) -> set[str]:
    """The archcalc modules a file imports at run time, at the top or inside functions."""
    found: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("archcalc")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("archcalc"):
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= (submodules & MODULES.keys()) or {node.module}
        pending.extend(ast.iter_child_nodes(node))
    return found


GRAPH = {module: imports_of(path) - {module} for module, path in MODULES.items()}


def test_every_module_belongs_to_a_stage():
    for module in MODULES:
        unit_of(module)


def test_imports_point_down_the_pipeline():
    upward = []
    for module, imported in GRAPH.items():
        stage, unit = unit_of(module)
        for target in imported:
            target_stage, target_unit = unit_of(target)
            if target_stage > stage or (target_stage == stage and target_unit != unit and stage > 0):
                upward.append(f"{module} ({STAGES[stage][0]}) imports {target} ({STAGES[target_stage][0]})")
    assert upward == []


def test_no_import_cycles():
    cycles, state = [], dict.fromkeys(GRAPH, "new")

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif state.get(target) == "new":
                visit(target, [*trail, target])
        state[module] = "done"

    for module in GRAPH:
        if state[module] == "new":
            visit(module, [module])
    assert cycles == []


def test_the_checks_see_imports_inside_functions_and_skip_type_checking_ones():
    assert "archcalc.render.torch" in GRAPH["archcalc.cli.torch"]  # imported when `verify` runs
    assert "archcalc.backends.verify" not in GRAPH["archcalc.render.torch"]  # TYPE_CHECKING only
