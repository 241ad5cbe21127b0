"""What an importer reads from a model: its layers in the order they run (Steps), each with the kind and
settings a spec writes it with, the values it reads and the shape the model gives it; and the ops no kind
can say."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archcalc.errors import Diagnostic, SpecError
from archcalc.shapes import Shape

INPUT = ""
"""What a step reads when it reads the network's input."""


@dataclass
class Step:
    """One layer of the imported spec: `kind: {settings}` reading `inputs` (step names, or INPUT), making
    `shape` (nH×nW×nC, as the model computed it; None where it does not say). `scope` is the paths of the
    modules it runs in, outermost first (`layer1`, `layer1.0`), and `path` its own dotted path in the model
    (`layer1.0.conv1`, or `layer1.0.add` for a call): what the spec's structure and names are made from."""

    name: str
    kind: str
    settings: dict[str, Any]
    inputs: list[str]
    shape: Shape | None
    scope: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class Unmapped:
    """An op of the model that no archcalc kind expresses: never counted as zero, always named."""

    name: str
    op: str
    why: str = ""


@dataclass
class Imported:
    title: str
    description: str
    input: Shape
    steps: list[Step]
    outputs: list[str]
    unmapped: list[Unmapped] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)
    """The class name of each module a step's scope names (`layer1.0` → `Bottleneck`)."""

    def require_mapped(self, source: str) -> None:
        """Raise the SpecError that names every op no kind expresses (nothing is written then)."""
        if self.unmapped:
            raise SpecError([_unmapped(source, op) for op in self.unmapped])


def _unmapped(source: str, op: Unmapped) -> Diagnostic:
    why = f": {op.why}" if op.why else ""
    message = (f"'{op.name}' ({op.op}) has no archcalc layer kind{why}; the spec would miss its cost, "
               "so nothing was written (`archcalc rules` and the README list the kinds)")  # fmt: skip
    return Diagnostic(source, 0, 0, message, "AC012")


def unique(name: str, taken: set[str], own: str | None = None) -> str:
    """`name`, or the first of name_2, name_3, … not in `taken` (`own`, a name the value already holds,
    counts as free), marked taken."""
    candidate, count = name, 1
    while candidate in taken and candidate != own:
        count += 1
        candidate = f"{name}_{count}"
    taken.add(candidate)
    return candidate


def error(source: str, message: str) -> SpecError:
    """A model that cannot be imported at all, said as the CLI says every problem."""
    return SpecError([Diagnostic(source, 0, 0, message, "AC012")])


FUSABLE = ("conv", "dense", "conv_transpose")
DEFAULT_BN: dict[str, Any] = {}
"""A batch norm with torch's default eps, momentum and affine: one a fused `bn: true` builds again."""


def fuse(imported: Imported) -> None:
    """conv/dense → batch norm → activation, each read only by the next, as one layer with `bn: true` and
    `act:` (the form every zoo spec uses; the costs are the same either way)."""
    readers: dict[str, int] = {name: 1 for name in imported.outputs}
    for step in imported.steps:
        for name in step.inputs:
            readers[name] = readers.get(name, 0) + 1
    kept: list[Step] = []
    renamed: dict[str, str] = {}
    for step in imported.steps:
        step.inputs = [renamed.get(name, name) for name in step.inputs]
        host = kept[-1] if kept else None
        if host is not None and _fusable(host, step, readers):
            _absorb(host, step)
            renamed[step.name] = host.name
            readers[host.name] = readers.get(step.name, 0)
        else:
            kept.append(step)
    imported.steps = kept
    imported.outputs = [renamed.get(name, name) for name in imported.outputs]


def _fusable(host: Step, step: Step, readers: dict[str, int]) -> bool:
    if host.kind not in FUSABLE or step.inputs != [host.name] or readers.get(host.name) != 1:
        return False
    if step.kind == "batchnorm":
        return "bn" not in host.settings and "act" not in host.settings and step.settings == DEFAULT_BN
    return step.kind == "act" and "act" not in host.settings


def _absorb(host: Step, step: Step) -> None:
    if step.kind == "batchnorm":
        had_bias = host.settings.pop("bias", True)
        host.settings["bn"] = True
        if had_bias:
            host.settings["bias"] = True  # with bn the default is no bias
    else:
        host.settings["act"] = act_setting(step)
    host.shape = step.shape


def act_setting(step: Step) -> Any:
    """An `act` step as the `act:` of the layer it follows: `relu`, or `{fn: leaky_relu, slope: 0.1}`."""
    return step.settings["fn"] if list(step.settings) == ["fn"] else step.settings
