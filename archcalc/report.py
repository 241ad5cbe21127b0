"""The records the engine produces: one row per layer and the totals, with their JSON form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, dataclass_transform

from archcalc.shapes import Shape

if TYPE_CHECKING:
    from archcalc.graph import Graph

CONVENTION = (
    "MACs = multiply-accumulates of conv/dense weights and of attention's two matmuls QKᵀ and AV (those also "
    "apart, as attention MACs; no bias, batch norm, activation, softmax, pool or add); "
    "FLOPs = 2 × MACs; bias adds are counted apart; params are trainable and frozen nn.Parameters "
    "(batch norm running statistics are buffers, not params)"
)
CONVENTION_BRIEF = (
    "MACs = multiply-accumulates of conv/dense weights and attention's QKᵀ, AV (no bias, BN, activation, "
    "pool or add); FLOPs = 2 × MACs"
)
BYTES_PER_FP32 = 4
T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value_class(*, kw_only: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]:
    """A dataclass that type checkers hold frozen but that is not frozen at run time: a frozen dataclass sets
    each field through `object.__setattr__`, which makes a 20-field row 4× as slow to build (1.6 µs against
    0.4), the largest single cost of walking a big spec. Nothing changes a row once the engine made it."""

    def make(cls: type[T]) -> type[T]:
        return dataclass(kw_only=kw_only, slots=slots)(cls)

    return make


@value_class(kw_only=True, slots=True)
class Costs:
    """What a layer (or a set of layers) costs for one sample. Every count is one field here, and
    `Costs.total` is the one place counts are added up (a container's row, the totals): a new count is one
    line. `norm_params`, `norm_outputs` and `pooled_inputs` (batch norm's γ and β, the elements it
    normalises, the elements an adaptive average pool averages) are what other tools add to MACs (see
    analyses/presets.py)."""

    params: int = 0
    trainable_params: int = 0
    buffers: int = 0
    macs: int = 0
    attention_macs: int = 0
    """The part of `macs` that attention's two matmuls make (QKᵀ and AV: N²·D each), shown apart."""
    bias_adds: int = 0
    activations: int = 0
    norm_params: int = 0
    norm_outputs: int = 0
    pooled_inputs: int = 0

    @staticmethod
    def total(items: Iterable[Costs]) -> Costs:
        """Field by field, the sum of `items` (exact integers, or formulas in symbolic sizes)."""
        columns = zip(*map(_cost_values, items), strict=True)
        sums = [sum(column) for column in columns] or [0] * len(COST_FIELDS)
        return Costs(**dict(zip(COST_FIELDS, sums, strict=True)))

    def counts(self) -> dict[str, Any]:
        """The counts by field name, in the order of the JSON contract."""
        return {name: getattr(self, name) for name in COST_FIELDS}


COST_FIELDS = tuple(item.name for item in fields(Costs))
_cost_values = attrgetter(*COST_FIELDS)


@value_class(slots=True)
class LayerRow(Costs):
    """What one layer takes, makes and costs, for one sample (batch 1).

    `name` is the full dotted name (`layer3.2.conv1`); `depth` counts the enclosing composites. A
    `container` row (a residual block, a branch set, a block's copies) sums the rows beneath it, so totals
    add up the other rows only.
    """

    name: str
    kind: str
    summary: str
    input: Shape
    output: Shape
    depth: int = 0
    container: bool = False
    inputs: tuple[str, ...] = ()
    """The rows whose outputs it reads (`input` for the network's input; for a block: what its parts read),
    each named by the outermost row that passes that output on."""

    def with_costs(self, costs: Costs) -> LayerRow:
        """This row with the counts of `costs` (a container's sums; a frozen layer's trainable 0)."""
        return replace(self, **costs.counts())

    def renamed(self, name: str, depth: int) -> LayerRow:
        """The same layer's row at another place of the table (a copy made by `repeat:`)."""
        return LayerRow.from_values(row_values(self), name, depth)

    @staticmethod
    def from_values(values: tuple[Any, ...], name: str, depth: int) -> LayerRow:
        """The row whose fields are `values` (as `row_values` gives them) but its name and depth: what
        `dataclasses.replace` makes, without its analysis of the class at every call (which was a quarter
        of the walk of ResNet-1001), and 0.16 µs for a row whose values were read before."""
        twin: Any = object.__new__(LayerRow)
        (twin.params, twin.trainable_params, twin.buffers, twin.macs, twin.attention_macs,
         twin.bias_adds, twin.activations, twin.norm_params, twin.norm_outputs, twin.pooled_inputs,
         _, twin.kind, twin.summary, twin.input, twin.output, _, twin.container,
         twin.inputs) = values  # fmt: skip  # fields in order (tested)
        twin.name, twin.depth = name, depth
        return twin  # type: ignore[no-any-return]

    def reading(self, inputs: tuple[str, ...]) -> LayerRow:
        """This row, told what it reads: the last step of its making, taken in place (a `replace` per row
        was a fifth of the walk), by the engine once the graph is whole and before anyone else sees it."""
        row: Any = self
        row.inputs = inputs
        return self

    def to_dict(self) -> dict[str, Any]:
        """The row in the JSON contract's order: name … output, the counts, depth, container."""
        head = {"name": self.name, "kind": self.kind, "summary": self.summary,
                "input": list(self.input), "output": list(self.output)}  # fmt: skip
        tail = {"depth": self.depth, "container": self.container, "inputs": list(self.inputs)}
        return head | self.counts() | tail


ROW_ATTRIBUTES = tuple(item.name for item in fields(LayerRow))
row_values: Callable[[LayerRow], tuple[Any, ...]] = attrgetter(*ROW_ATTRIBUTES)
"""A row's fields' values, in the order of its fields (what `LayerRow.from_values` takes)."""
ROW_FIELDS = ("name", "kind", "summary", "input", "output", *COST_FIELDS, "depth", "container")
"""A row's fields in the order of its CSV form (JSON adds `inputs`)."""


@value_class(kw_only=True)
class Totals(Costs):
    """The sums over every row that is not a container, with the figures derived from them."""

    @classmethod
    def of_top(cls, rows: list[LayerRow]) -> Totals:
        """The sums over every row that is not a container, from the top-level `rows` alone: a container's
        row holds the sums of its parts (ResNet-1001: 9 rows added instead of 3,339, a tenth of its walk);
        activations = every output element."""
        return cls(**Costs.total(rows).counts())

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params

    @property
    def flops(self) -> int:
        """FLOPs = 2 × MACs (one multiply and one add per MAC)."""
        return 2 * self.macs

    @property
    def param_bytes_fp32(self) -> int:
        return BYTES_PER_FP32 * self.params

    def to_dict(self) -> dict[str, Any]:
        """The counts, each derived figure right after the count it comes from (the JSON contract)."""
        record: dict[str, Any] = {}
        for name, value in self.counts().items():
            record[name] = value
            for derived in DERIVED_AFTER.get(name, ()):
                record[derived] = getattr(self, derived)
        return record


DERIVED_AFTER = {"trainable_params": ("non_trainable_params",), "macs": ("flops",),
                 "activations": ("param_bytes_fp32",)}  # fmt: skip


@dataclass(frozen=True)
class Report:
    """The whole analysis of one spec at one input shape."""

    name: str
    description: str
    input: Shape
    output: Shape
    rows: list[LayerRow]
    totals: Totals
    graph: Graph | None = field(default=None, repr=False, compare=False)
    """The rows as connected nodes (archcalc.graph): what every analysis walks."""
    outputs: tuple[tuple[str, Shape], ...] = ()
    """The outputs a spec declares (`outputs:`), by name, in its order; `output` is the last of them."""

    def to_depth(self, depth: int | None) -> Report:
        """The report with only the rows less than `depth` composites deep (totals unchanged)."""
        if depth is None:
            return self
        return replace(self, rows=[row for row in self.rows if row.depth < depth])

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see README): exact integers, shapes as [nH, nW, nC] or [n] lists."""
        return {
            "name": self.name,
            "description": self.description,
            "input": list(self.input),
            "output": list(self.output),
            **(
                {"outputs": [{"name": name, "shape": list(shape)} for name, shape in self.outputs]}
                if self.outputs
                else {}
            ),
            "layers": [row.to_dict() for row in self.rows],
            "totals": self.totals.to_dict(),
            "convention": CONVENTION,
        }
