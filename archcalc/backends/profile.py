"""Where a forward pass spends its time, layer by layer, beside the engine's FLOPs and bytes (`archcalc bench
--per-layer`).

Every row of the table that computes, and every block, is timed by hooks on its torch module (forward
pre-hook and hook): `time.perf_counter` on the CPU; on a GPU a pair of CUDA events per module, read after
one synchronisation at the end of the pass, so timing adds no synchronisation inside it. After warm-up
passes, `runs` timed passes give each module's median, and the whole model's in those same passes, which the
layers' sum is compared with: the difference runs between modules (freeing the tensors a layer no longer
needs, Python, the hooks themselves). `runs` passes without hooks give the model's own time.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archcalc.analyses.traffic import Traffic, traffic
from archcalc.backends.roofline import Roofline
from archcalc.backends.timing import Clock
from archcalc.report import Report


@dataclass(frozen=True)
class LayerTime:
    traffic: Traffic
    seconds: float

    @property
    def flops_per_s(self) -> float:
        return self.traffic.flops / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_s(self) -> float:
        return self.traffic.bytes / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class BlockTime:
    name: str
    kind: str
    seconds: float


@dataclass
class Profile:
    """One profiled batch: each computing row's time and traffic, each block's time, the whole model's."""

    roofline: Roofline
    model_seconds: float
    """The median pass without hooks."""
    hooked_seconds: float
    """The median pass in the timed passes, which the layers' times are part of."""
    coverage: float
    """The median over the timed passes of the share of the pass spent inside the layers."""
    layers: list[LayerTime] = field(default_factory=list)
    blocks: list[BlockTime] = field(default_factory=list)

    @property
    def layer_seconds(self) -> float:
        """The layers' median times added up."""
        return sum(layer.seconds for layer in self.layers)

    def bound(self, layer: LayerTime) -> str:
        return self.roofline.bound(layer.traffic.intensity)


@dataclass(frozen=True)
class Target:
    """What is profiled: a model built from the engine's report, one forward pass of it (`run`) on its
    device, at a batch size and dtype."""

    model: Any
    report: Report
    run: Callable[[], Any]
    device: Any
    batch: int
    dtype: str


def profile(target: Target, runs: int, roofline: Roofline) -> Profile:
    """Time every computing row's and every block's module over `runs` passes, then the whole model."""
    graph = target.report.graph
    assert graph is not None
    clock = Clock(target.device)
    modules = dict(target.model.named_modules())
    containers = [node for node in graph.nodes if node.is_container and node.name in modules]
    computing = {row.name: row for row in traffic(graph, target.batch, target.dtype)}
    timed = ["", *computing, *(node.name for node in containers)]  # "": the model itself
    passes = _Spans(clock, {name: modules[name] for name in timed}).passes(target.run, runs)
    whole = statistics.median(clock.time(target.run) for _ in range(runs))
    layers = [LayerTime(row, _median(passes, name)) for name, row in computing.items()]
    blocks = [BlockTime(node.name, node.row.kind, _median(passes, node.name)) for node in containers]
    in_layers = [
        sum(times) for times in zip(*(passes[name] for name in computing if name in passes), strict=True)
    ]
    coverage = statistics.median(part / total for part, total in zip(in_layers, passes[""], strict=True))
    return Profile(roofline, whole, _median(passes, ""), coverage, layers, blocks)


def _median(passes: dict[str, list[float]], name: str) -> float:
    return statistics.median(passes[name]) if name in passes else 0.0


class _Spans:
    """Hooks around named modules' forward passes, marking when each starts and ends."""

    def __init__(self, clock: Clock, modules: dict[str, Any]) -> None:
        self.clock, self.modules = clock, modules
        self.marks: dict[str, list[tuple[Any, Any]]] = {name: [] for name in modules}
        self.opened: dict[str, Any] = {}

    def start(self, name: str) -> None:
        self.opened[name] = self.clock.mark()

    def end(self, name: str) -> None:
        self.marks[name].append((self.opened[name], self.clock.mark()))

    def passes(self, run: Callable[[], Any], runs: int) -> dict[str, list[float]]:
        """Each module's seconds in each of `runs` passes of `run` (called twice in a pass: the sum)."""
        handles = []
        for name, module in self.modules.items():
            handles.append(module.register_forward_pre_hook(lambda *_, name=name: self.start(name)))
            handles.append(module.register_forward_hook(lambda *_, name=name: self.end(name)))
        try:
            for _ in range(runs):
                run()
            self.clock.settle()
        finally:
            for handle in handles:
                handle.remove()
        return {name: self._per_pass(pairs, runs) for name, pairs in self.marks.items() if pairs}

    def _per_pass(self, pairs: list[tuple[Any, Any]], runs: int) -> list[float]:
        calls = len(pairs) // runs or 1
        seconds = [self.clock.seconds(*pair) for pair in pairs]
        return [sum(seconds[i : i + calls]) for i in range(0, len(seconds), calls)]
