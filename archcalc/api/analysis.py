"""The result of `archcalc.analyze`: one spec analysed at one input, and the analyses that start from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archcalc.analyses.presets import PRESETS, Preset
from archcalc.graph import Graph
from archcalc.report import LayerRow, Report, Totals
from archcalc.shapes import Shape

if TYPE_CHECKING:
    from archcalc.analyses.memory import Memory
    from archcalc.analyses.training import Training
    from archcalc.analyses.training_memory import TrainingMemory


@dataclass(frozen=True)
class Analysis:
    """One spec analysed at one input: the engine's Report, counted with a preset (`count=`)."""

    report: Report
    preset: Preset = PRESETS["macs"]
    baseline: Report | None = None
    """The report at the spec's own input, when `input=` overrode it (tables show what changed)."""

    @property
    def name(self) -> str:
        return self.report.name

    @property
    def input(self) -> Shape:
        return self.report.input

    @property
    def output(self) -> Shape:
        return self.report.output

    @property
    def outputs(self) -> tuple[tuple[str, Shape], ...]:
        """The outputs the spec declares (`outputs:`), by name, in order (empty when it declares none)."""
        return self.report.outputs

    @property
    def rows(self) -> list[LayerRow]:
        """One record per layer (and per block, `container=True`): the JSON contract's `layers`."""
        return self.report.rows

    @property
    def totals(self) -> Totals:
        return self.report.totals

    @property
    def graph(self) -> Graph:
        """The rows as connected nodes: what every analysis walks."""
        assert self.report.graph is not None
        return self.report.graph

    @property
    def counted(self) -> int:
        """The total as the preset counts it (`count="torchvision"`: MACs + bias adds)."""
        return int(self.preset.count(self.report.totals))

    def training(self) -> Training:
        """One training step's backward MACs per row and in total (`archcalc table --mode train`)."""
        from archcalc.analyses.training import training

        return training(self.report)

    def inference_memory(self) -> Memory:
        """Parameters and the inference activation peak, in elements (`.bytes(...)` for bytes)."""
        from archcalc.analyses.memory import inference_memory

        return inference_memory(self.report)

    def training_memory(self, checkpoint: Iterable[str] = ()) -> TrainingMemory:
        """What a training step holds: `.breakdown(batch, dtype, optimizer)` in bytes, `.kept` what
        autograd keeps per sample; `checkpoint` names blocks recomputed in the backward pass."""
        from archcalc.analyses.training_memory import training_memory

        return training_memory(self.report, tuple(checkpoint))

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (README), with `count` when the preset is not MACs."""
        from archcalc.render.table import document

        return document(self.report, self.preset)

    def to_json(self) -> str:
        return self._render("json")

    def to_csv(self) -> str:
        return self._render("csv")

    def to_markdown(self) -> str:
        return self._render("markdown")

    def to_latex(self) -> str:
        return self._render("latex")

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (pandas must be installed; archcalc does not depend on it)."""
        import pandas as pd  # type: ignore[import-untyped]

        return pd.DataFrame([row.to_dict() for row in self.report.rows])

    def _render(self, kind: str) -> str:
        from archcalc.render import table as render

        renderers = {
            "json": lambda: render.to_json(self.report, self.preset),
            "csv": lambda: render.to_csv(self.report),
            "markdown": lambda: render.to_markdown(self.report, self.baseline, self.preset),
            "latex": lambda: render.to_latex(self.report, self.baseline, self.preset),
        }
        return renderers[kind]()
