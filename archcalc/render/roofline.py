"""The roofline plot of `archcalc bench --per-layer --plot FILE`: one point per layer at its arithmetic
intensity and achieved FLOP/s, under the device's two roofs (matplotlib, an optional extra: `pip install
'archcalc[plot]'`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archcalc.backends.bench import BenchResult
    from archcalc.backends.profile import Profile
    from archcalc.backends.roofline import Roofline


FORMATS = ("png", "svg", "pdf")


def plot_roofline(context: BenchResult, result: Profile, path: Path, kind: str, labelled: int = 8) -> None:
    """Write the plot to `path` as `kind` (one of FORMATS); the `labelled` slowest layers are named on it.
    Layers that compute no MACs have no place on a log axis of intensity and are left out."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [layer for layer in result.layers if layer.traffic.flops and layer.seconds]
    figure, axes = plt.subplots(figsize=(8, 5.5))
    _roofs(axes, result.roofline, [layer.traffic.intensity for layer in points])
    sizes = [12 + 400 * layer.seconds / result.hooked_seconds for layer in points]
    axes.scatter([layer.traffic.intensity for layer in points], [layer.flops_per_s / 1e9 for layer in points],
                 s=sizes, alpha=0.6)  # fmt: skip
    for layer in sorted(points, key=lambda layer: layer.seconds, reverse=True)[:labelled]:
        axes.annotate(layer.traffic.name, (layer.traffic.intensity, layer.flops_per_s / 1e9), fontsize=7)
    axes.set(xscale="log", yscale="log", xlabel="arithmetic intensity (FLOPs per byte moved)",
             ylabel="achieved GFLOP/s",
             title=f"{context.name}, {context.dtype}, {context.device} ({context.device_name})")  # fmt: skip
    axes.legend(loc="lower right")
    figure.savefig(path, format=kind, dpi=120, bbox_inches="tight")
    plt.close(figure)


def _roofs(axes: Any, line: Roofline, intensities: list[float]) -> None:
    """The bandwidth roof up to the ridge point, then the compute roof, spanning the layers' intensities."""
    low = min([*intensities, line.ridge]) / 4
    high = max([*intensities, line.ridge]) * 4
    peak = line.peak_flops / 1e9
    axes.plot([low, line.ridge, high], [low * line.bandwidth / 1e9, peak, peak], color="black",
              label=f"roofline ({line.source})")  # fmt: skip
