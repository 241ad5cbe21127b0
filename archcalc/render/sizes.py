"""Text for `archcalc sizes`: the sizes that tile exactly, or the whole sweep."""

from __future__ import annotations

import csv
import io
import json

from archcalc.analyses.sizes import SizeRow
from archcalc.shapes import format_shape


def render_sizes(rows: list[SizeRow], sweep: bool, output_format: str) -> str:
    if output_format == "json":
        records = [{"size": r.size, "fits": r.fits, "tiles": r.tiles, "dropping": list(r.dropping),
                    "output": list(r.output), "macs": r.macs} for r in rows]  # fmt: skip
        return json.dumps(records, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["size", "fits", "tiles", "output", "macs", "dropping"])
        for r in rows:
            writer.writerow([r.size, r.fits, r.tiles, format_shape(r.output), r.macs, " ".join(r.dropping)])
        return buffer.getvalue()
    if not sweep:
        tiling = [str(r.size) for r in rows if r.tiles]
        span = f"{rows[0].size}–{rows[-1].size}" if rows else "the range"
        return f"input sizes in {span} that every window tiles exactly: {', '.join(tiling) or 'none'}\n"
    lines = [f"{'size':>6}  {'output':<12} {'MACs':>18}  windows"]
    for r in rows:
        if not r.fits:
            lines.append(f"{r.size:>6}  {'—':<12} {'—':>18}  a layer does not fit")
            continue
        note = "tile exactly" if r.tiles else f"drop pixels: {', '.join(r.dropping)}"
        lines.append(f"{r.size:>6}  {format_shape(r.output):<12} {r.macs:>18,}  {note}")
    return "\n".join(lines) + "\nMACs = multiply-accumulates of conv/dense weights; FLOPs = 2 × MACs\n"
