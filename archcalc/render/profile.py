"""Text for `archcalc bench --per-layer`: the slowest layers with their FLOPs, bytes and roofline bound, the
slowest blocks, and how the layers' times add up against the whole model's (table, JSON, CSV).

Plain records in, text out; torch is never imported here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archcalc.errors import escape
from archcalc.render.tables import csv_text, whole_words_table

if TYPE_CHECKING:
    from rich.console import RenderableType

    from archcalc.backends.bench import BenchResult
    from archcalc.backends.profile import LayerTime, Profile

FIELDS = ("name", "kind", "seconds", "flops", "read_bytes", "written_bytes", "intensity", "flops_per_s",
          "bytes_per_s", "bound")  # fmt: skip
COLUMNS = ("layer", "kind", "ms", "% of pass", "GFLOP", "MB moved", "FLOP/B", "GFLOP/s", "GB/s", "bound")


def layer_record(layer: LayerTime, result: Profile) -> dict[str, Any]:
    traffic = layer.traffic
    return {"name": traffic.name, "kind": traffic.kind, "seconds": layer.seconds, "flops": traffic.flops,
            "read_bytes": traffic.read_bytes, "written_bytes": traffic.written_bytes,
            "intensity": traffic.intensity, "flops_per_s": layer.flops_per_s,
            "bytes_per_s": layer.bytes_per_s, "bound": result.bound(layer)}  # fmt: skip


def slowest(result: Profile, top: int | None) -> list[LayerTime]:
    ordered = sorted(result.layers, key=lambda layer: layer.seconds, reverse=True)
    return ordered if top is None else ordered[:top]


def summary(result: Profile) -> str:
    """How the layers' times add up against the whole model's, and the roofline used."""
    line, hooked, layers = result.roofline, result.hooked_seconds, result.layer_seconds
    return (
        f"layers add up to {1000 * layers:,.3f} ms of the {1000 * hooked:,.3f} ms a timed pass took "
        f"({100 * result.coverage:.1f}% of a pass, the median over passes); the rest ran between modules "
        f"(freeing tensors no longer needed, Python, the hooks); without hooks a pass takes "
        f"{1000 * result.model_seconds:,.3f} ms. Roofline ({line.source}): {line.peak_flops / 1e9:,.1f} "
        f"GFLOP/s, {line.bandwidth / 1e9:,.1f} GB/s, ridge {line.ridge:,.1f} FLOP/B; bytes = inputs + "
        f"weights + outputs, the least a layer moves"
    )


def profile_rich(context: BenchResult, result: Profile, top: int | None) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = (f"{context.name} — forward pass per layer on {context.device} ({context.device_name}), "
             f"{context.dtype}, {context.threads} threads")  # fmt: skip
    table = Table(title=Text(escape(title)), caption="ms: median over the timed passes; FLOPs = 2 × MACs")
    rows = [_cells(layer, result) for layer in slowest(result, top)]
    whole_words_table(table, COLUMNS, rows, left=COLUMNS[:2])
    blocks = sorted(result.blocks, key=lambda block: block.seconds, reverse=True)[:5]
    listed = ", ".join(f"{block.name} {1000 * block.seconds:,.3f} ms" for block in blocks)
    return Group(table, Text(summary(result)), Text(f"slowest blocks: {listed}" if blocks else ""))


def _cells(layer: LayerTime, result: Profile) -> list[str]:
    traffic, share = layer.traffic, layer.seconds / result.hooked_seconds
    return [traffic.name, traffic.kind, f"{1000 * layer.seconds:,.3f}", f"{100 * share:.1f}",
            f"{traffic.flops / 1e9:,.3f}", f"{traffic.bytes / 1e6:,.2f}", f"{traffic.intensity:,.1f}",
            f"{layer.flops_per_s / 1e9:,.1f}", f"{layer.bytes_per_s / 1e9:,.1f}",
            result.bound(layer)]  # fmt: skip


def profile_json(context: BenchResult, result: Profile, top: int | None) -> str:
    line = result.roofline
    record = {
        "name": context.name, "device": context.device, "device_name": context.device_name,
        "torch_version": context.torch_version, "dtype": context.dtype, "layout": context.layout,
        "threads": context.threads, "model_seconds": result.model_seconds,
        "hooked_seconds": result.hooked_seconds, "layer_seconds": result.layer_seconds,
        "coverage": result.coverage,
        "roofline": {"peak_flops": line.peak_flops, "bandwidth": line.bandwidth, "source": line.source},
        "layers": [layer_record(layer, result) for layer in slowest(result, top)],
        "blocks": [{"name": block.name, "kind": block.kind, "seconds": block.seconds}
                   for block in result.blocks],
    }  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def profile_csv(context: BenchResult, result: Profile, top: int | None) -> str:
    rows = [list(layer_record(layer, result).values()) for layer in slowest(result, top)]
    return csv_text(list(FIELDS), rows)
