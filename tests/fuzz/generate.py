"""Random *valid* specs, seeded: every layer kind, blocks with `repeat:` (some sized by their input's nC),
residuals and branches, merges inside them and merges reading parts of earlier blocks by dotted name.

Each layer is drawn for the shape it will receive (its settings from ranges that fit that shape), and kept
only if the engine accepts it, so a spec of n layers costs a few engine walks, not a search. The engine is
the filter, never the judge: what the specs are for is checking the engine against torch.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.shapes import Shape
from archcalc.spec.model import Spec, parse_spec_text

ACTIVATIONS = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
               "sigmoid", "hardsigmoid", "hardswish", "tanh", "softmax", "log_softmax"]  # fmt: skip


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


class SpecGenerator:
    """Draws one spec from a seed: `SpecGenerator(seed).spec()` → (YAML text, Spec)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.blocks: dict[str, str] = {}

    def spec(self) -> tuple[str, Spec]:
        rng = self.rng
        shape: Shape = (rng.randint(1, 12), rng.randint(1, 12), rng.randint(1, 6))
        if rng.random() < 0.1:
            shape = (rng.randint(1, 16),)
        self._start = shape
        items: list[str] = []
        for _ in range(rng.randint(1, 7)):
            item = self._fitting(shape, items)
            if item is None:
                break
            items.append(item)
            shape = self._output(shape, items)
        text = self._text(items)
        return text, parse_spec_text(text, "random.yaml")

    # ---- drawing one layer for a shape ----------------------------------------------------------------

    def _fitting(self, shape: Shape, items: list[str]) -> str | None:
        """A layer the engine accepts after `items`, or None after a few tries."""
        self._items = items
        for _ in range(8):
            item = self.layer(shape, depth=0)
            if self._accepts([*items, item]):
                return item
        return None

    def layer(self, shape: Shape, depth: int) -> str:
        kinds: list[Callable[[Shape, int], str]] = [self._act, self._dropout, self._identity, self._batchnorm,
                                                    self._layernorm, self._layer_scale, self._groupnorm,
                                                    self._drop_path]  # fmt: skip
        if len(shape) == 3:
            kinds += [self._conv, self._conv, self._pool, self._global_pool, self._adaptive_pool, self._flatten,
                      self._lrn, self._zero_pad, self._upsample, self._conv_transpose, self._crop, self._pad,
                      self._channel_shuffle, self._patch_embed, self._per_position]  # fmt: skip
            kinds += [self._merge, self._merge]
            if depth == 0:
                kinds += [self._into_block]
            if depth < 2:
                kinds += [self._residual, self._branches, self._sequential, self._block]
        elif len(shape) == 2:
            kinds += [self._dense, self._attention, self._attention, self._class_token, self._pos_embed,
                      self._token_pool, self._flatten, self._merge]  # fmt: skip
            if depth < 2:
                kinds += [self._residual, self._sequential, self._block]
        else:
            kinds += [self._dense, self._dense]
            if depth < 2:
                kinds += [self._residual, self._sequential, self._block]
        return self.rng.choice(kinds)(shape, depth)

    def _conv(self, shape: Shape, depth: int) -> str:
        rng, (h, w, c) = self.rng, shape
        groups = rng.choice([g for g in (1, 2, 3, c) if c % g == 0])
        filters = groups * rng.randint(1, 4)
        kernel = [rng.randint(1, min(5, h + 2)), rng.randint(1, min(5, w + 2))]
        settings = [f"filters: {filters}", f"kernel: {kernel}", f"groups: {groups}"]
        if rng.random() < 0.3:
            settings.append("padding: same")
            settings.append(f"dilation: {rng.randint(1, 2)}")
        else:
            settings.append(f"stride: {[rng.randint(1, 3), rng.randint(1, 3)]}")
            settings.append(f"padding: {[rng.randint(0, 2), rng.randint(0, 2)]}")
        settings.append(f"padding_mode: {rng.choice(['zeros', 'zeros', 'reflect', 'replicate', 'circular'])}")
        settings += self._fused()
        return f"conv: {{{', '.join(settings)}}}"

    def _fused(self) -> list[str]:
        rng, extra = self.rng, []
        if rng.random() < 0.4:
            extra.append("bn: true")
        if rng.random() < 0.3:
            extra.append(f"bias: {rng.choice(['true', 'false'])}")
        if rng.random() < 0.4:
            extra.append(f"act: {rng.choice(ACTIVATIONS[:14])}")
        return extra

    def _pool(self, shape: Shape, depth: int) -> str:
        rng, (h, w, _) = self.rng, shape
        kernel = [rng.randint(1, max(1, min(4, h))), rng.randint(1, max(1, min(4, w)))]
        op = rng.choice(["max", "avg"])
        settings = [f"op: {op}", f"kernel: {kernel}", f"stride: {[rng.randint(1, 3), rng.randint(1, 3)]}",
                    f"padding: {[rng.randint(0, kernel[0] // 2), rng.randint(0, kernel[1] // 2)]}",
                    f"ceil_mode: {rng.choice(['true', 'false'])}"]  # fmt: skip
        if op == "max" and rng.random() < 0.3:
            settings.append(f"dilation: {rng.randint(1, 2)}")
        if op == "avg" and rng.random() < 0.3:
            settings.append("count_include_pad: false")
        return f"pool: {{{', '.join(settings)}}}"

    def _upsample(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"upsample: {{scale: {[rng.randint(1, 3), rng.randint(1, 3)]}, mode: {rng.choice(['nearest', 'bilinear'])}}}"
        return f"upsample: {{size: {[rng.randint(1, 20), rng.randint(1, 20)]}, mode: bicubic, align_corners: true}}"

    def _conv_transpose(self, shape: Shape, depth: int) -> str:
        rng, channels = self.rng, shape[-1]
        groups = rng.choice([g for g in (1, 2, channels) if channels % g == 0])
        stride = rng.randint(1, 3)
        settings = [f"filters: {groups * rng.randint(1, 3)}", f"kernel: {rng.randint(1, 4)}", f"stride: {stride}",
                    f"padding: {rng.randint(0, 1)}", f"output_padding: {rng.randint(0, stride - 1)}",
                    f"groups: {groups}", *self._fused()]  # fmt: skip
        return f"conv_transpose: {{{', '.join(settings)}}}"

    def _crop(self, shape: Shape, depth: int) -> str:
        return f"crop: {[self.rng.randint(1, shape[0]), self.rng.randint(1, shape[1])]}"

    def _pad(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        sides = [rng.randint(0, 2) for _ in range(4)]
        return f"pad: {{padding: {sides}, mode: {rng.choice(['zeros', 'reflect', 'replicate', 'circular'])}}}"

    def _merge(self, shape: Shape, depth: int) -> str:
        """A concat, add or mul of the layer before and one or two earlier ones (by relative index)."""
        rng = self.rng
        sources = [-1, *rng.sample([-2, -3, -4], rng.randint(1, 2))]
        return f"{rng.choice(['concat', 'add', 'mul'])}: {sources}"

    def _into_block(self, shape: Shape, depth: int) -> str:
        """A merge of the layer before and a part of an earlier block, by its dotted name (`sequential1.conv2`)."""
        report = self._report(self._start, self._items)
        parts = [row.name for row in report.rows if "." in row.name] if report else []
        if not parts:
            return self._merge(shape, depth)
        return f"{self.rng.choice(['concat', 'add', 'mul'])}: [-1, {self.rng.choice(parts)}]"

    def _global_pool(self, shape: Shape, depth: int) -> str:
        return f"global_pool: {self.rng.choice(['avg', 'max'])}"

    def _adaptive_pool(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        return f"adaptive_pool: {{op: {rng.choice(['avg', 'max'])}, output: {[rng.randint(1, 4), rng.randint(1, 4)]}}}"

    def _flatten(self, shape: Shape, depth: int) -> str:
        return "flatten"

    def _dense(self, shape: Shape, depth: int) -> str:
        settings = [f"units: {self.rng.randint(1, 12)}", *self._fused()]
        return f"dense: {{{', '.join(settings)}}}"

    def _per_position(self, shape: Shape, depth: int) -> str:
        return f"dense: {{units: {self.rng.randint(1, 12)}, per_position: true}}"

    def _patch_embed(self, shape: Shape, depth: int) -> str:
        rng, (h, w, _) = self.rng, shape
        patch = [rng.randint(1, min(h, 4)), rng.randint(1, min(w, 4))]
        return f"patch_embed: {{dim: {rng.randint(1, 8)}, patch: {patch}, bias: {rng.choice(['true', 'false'])}}}"

    def _attention(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        biases = f"qkv_bias: {rng.choice(['true', 'false'])}, bias: {rng.choice(['true', 'false'])}"
        return f"attention: {{heads: {self._divisor(shape[-1])}, {biases}}}"

    def _class_token(self, shape: Shape, depth: int) -> str:
        return "class_token"

    def _pos_embed(self, shape: Shape, depth: int) -> str:
        return "pos_embed"

    def _token_pool(self, shape: Shape, depth: int) -> str:
        return f"token_pool: {self.rng.choice(['class', 'mean'])}"

    def _batchnorm(self, shape: Shape, depth: int) -> str:
        return f"batchnorm: {{affine: {self.rng.choice(['true', 'false'])}}}"

    def _layernorm(self, shape: Shape, depth: int) -> str:
        return f"layernorm: {{affine: {self.rng.choice(['true', 'false'])}}}"

    def _layer_scale(self, shape: Shape, depth: int) -> str:
        return "layer_scale"

    def _divisor(self, channels: int) -> int:
        return self.rng.choice([g for g in range(1, min(channels, 8) + 1) if channels % g == 0])

    def _groupnorm(self, shape: Shape, depth: int) -> str:
        """Groups of more than one value each: torch refuses to normalise a group of one value at batch 1."""
        groups = [g for g in range(1, min(shape[-1], 8) + 1) if shape[-1] % g == 0 and math.prod(shape) > g]
        if not groups:
            return self._layernorm(shape, depth)
        affine = self.rng.choice(["true", "false"])
        return f"groupnorm: {{groups: {self.rng.choice(groups)}, affine: {affine}}}"

    def _channel_shuffle(self, shape: Shape, depth: int) -> str:
        return f"channel_shuffle: {self._divisor(shape[-1])}"

    def _drop_path(self, shape: Shape, depth: int) -> str:
        return f"drop_path: {self.rng.choice([0.0, 0.1, 0.5])}"

    def _lrn(self, shape: Shape, depth: int) -> str:
        return f"lrn: {{size: {self.rng.randint(1, 5)}}}"

    def _act(self, shape: Shape, depth: int) -> str:
        fn = self.rng.choice(ACTIVATIONS)
        return (
            "act: {fn: leaky_relu, slope: 0.1}"
            if fn == "leaky_relu" and self.rng.random() < 0.5
            else f"act: {fn}"
        )

    def _dropout(self, shape: Shape, depth: int) -> str:
        return f"dropout: {{p: 0.{self.rng.randint(0, 9)}, channels: {str(len(shape) == 3).lower()}}}"

    def _identity(self, shape: Shape, depth: int) -> str:
        return "identity"

    def _zero_pad(self, shape: Shape, depth: int) -> str:
        return f"zero_pad: {{size: {shape[-1] + self.rng.randint(0, 4)}, stride: {self.rng.randint(1, 2)}}}"

    def _chain(self, shape: Shape, depth: int, length: int) -> list[str]:
        """A few layers that follow each other from `shape` (each accepted by the engine in turn)."""
        items: list[str] = []
        current = shape
        for _ in range(length):
            for _ in range(6):
                item = self.layer(current, depth + 1)
                if self._accepts_from(shape, [*items, item]):  # a merge reads earlier layers of the chain
                    items.append(item)
                    current = self._output_from(shape, items)
                    break
        return items or ["identity"]

    def _residual(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        body = self._chain(shape, depth, rng.randint(1, 3))
        settings = [
            f"body: {flow(body)}",
            f"shortcut: {rng.choice(['auto', 'auto', 'projection', 'zero_pad'])}",
        ]
        if rng.random() < 0.3:
            settings.append("projection_bn: true")
        if rng.random() < 0.5:
            settings.append(f"act: {rng.choice(['relu', 'silu', 'tanh'])}")
        if rng.random() < 0.1:
            settings = [f"body: {flow(body)}", "plain: true", "act: relu"]
        return f"residual: {{{', '.join(settings)}}}"

    def _branches(self, shape: Shape, depth: int) -> str:
        rng = self.rng
        merge = rng.choice(["concat", "add"])
        paths = [self._same_size_path(shape, depth, merge) for _ in range(rng.randint(1, 3))]
        act = f", act: {rng.choice(['relu', 'gelu'])}" if rng.random() < 0.4 else ""
        return f"branches: {{merge: {merge}, paths: [{', '.join(flow(p) for p in paths)}]{act}}}"

    def _same_size_path(self, shape: Shape, depth: int, merge: str) -> list[str]:
        """A path that keeps nH×nW (convs with 'same' padding, pointwise layers): branches must agree."""
        rng, channels = self.rng, shape[-1] if merge == "add" else self.rng.randint(1, 6)
        choices = [f"conv: {{filters: {channels}, kernel: {rng.choice([1, 3])}, padding: same{', bn: true' if rng.random() < 0.3 else ''}}}",
                   "pool: {op: max, kernel: 3, stride: 1, padding: 1}", "identity"]  # fmt: skip
        path = [rng.choice(choices) for _ in range(rng.randint(0, 2))]
        if merge == "add" and any(item.startswith("pool") or item == "identity" for item in path[-1:]):
            path.append(f"conv: {{filters: {channels}, kernel: 1}}")
        return path

    def _sequential(self, shape: Shape, depth: int) -> str:
        return f"sequential: {flow(self._chain(shape, depth, self.rng.randint(1, 3)))}"

    def _block(self, shape: Shape, depth: int) -> str:
        """A use of a block with one argument (the width of its conv or dense), repeated or not."""
        rng = self.rng
        name = f"blk{len(self.blocks) + 1}"
        sized = rng.random() < 0.5  # its layers read the input's channels (nC)
        if len(shape) == 3:
            body = ["conv: {filters: nC * w, kernel: 1}", "conv: {filters: nC, kernel: 1}"] if sized else [
                "conv: {filters: w, kernel: 1}", "act: relu"]  # fmt: skip
        else:
            body = ["dense: nC + w", "act: relu"] if sized else ["dense: w", "act: relu"]
        self.blocks[name] = f"  {name}(w=4):\n" + "".join(f"    - {item}\n" for item in body)
        repeat = f", repeat: {rng.randint(1, 3)}" if rng.random() < 0.5 else ""
        return f"{name}: {{w: {rng.randint(1, 6)}{repeat}}}"

    # ---- the engine as the filter ----------------------------------------------------------------------

    def _text(self, items: list[str]) -> str:
        blocks = "blocks:\n" + "".join(self.blocks.values()) if self.blocks else ""
        layers = "".join(f"  - {item}\n" for item in items)
        return f"name: random\ninput: {list(self._start)}\n{blocks}layers:\n{layers}"

    def _accepts(self, items: list[str]) -> bool:
        return self._report(self._start, items) is not None

    def _output(self, shape: Shape, items: list[str]) -> Shape:
        report = self._report(self._start, items)
        assert report is not None
        return report.output

    def _accepts_from(self, shape: Shape, items: list[str]) -> bool:
        return self._report(shape, items) is not None

    def _output_from(self, shape: Shape, items: list[str]) -> Shape:
        report = self._report(shape, items)
        assert report is not None
        return report.output

    def _report(self, shape: Shape, items: list[str]) -> Any:
        """The engine's report of `items` from `shape` (tokens, which no spec starts from, given to it)."""
        blocks = "blocks:\n" + "".join(self.blocks.values()) if self.blocks else ""
        written = [1] if len(shape) == 2 else list(shape)
        text = f"name: t\ninput: {written}\n{blocks}layers:\n" + "".join(f"  - {i}\n" for i in items)
        try:
            return analyze(parse_spec_text(text, "t.yaml"), shape if len(shape) == 2 else None)
        except SpecError:
            return None
