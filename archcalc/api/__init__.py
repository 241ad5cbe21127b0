"""archcalc from Python: the functions the command line is built on, so that the two never disagree.

    >>> import archcalc
    >>> archcalc.analyze("lenet5").totals.params
    61706

A spec is given as a built-in name (`"resnet50"`), a path, YAML text or a dict. Every problem with the input
raises `archcalc.SpecError`, whose `diagnostics` are the `file:line:col: message` lines the CLI prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from archcalc.analyses.presets import PRESETS, Preset
from archcalc.api.analysis import Analysis
from archcalc.engine import analyze as walk
from archcalc.errors import SettingError, SpecError, suggest
from archcalc.spec.catalog import open_spec
from archcalc.spec.model import Spec, parse_spec
from archcalc.spec.positions import SourceMap
from archcalc.spec.source import load_text

if TYPE_CHECKING:
    from archcalc.analyses.reconcile import Reconciliation
    from archcalc.linting.config import LintConfig
    from archcalc.linting.runner import Finding

SpecSource = str | os.PathLike[str] | Mapping[str, Any] | Spec
"""A spec: a built-in name, a path, YAML text, a dict of the YAML's content, or a Spec already read."""
InputSize = Sequence[int | str]
"""An input shape: (nH, nW, nC), or (n,) for a vector; nH and nW may be names (symbolic sizes)."""


def load(source: SpecSource, *, set: Mapping[str, int] | None = None) -> Spec:
    """The spec `source` names, with `set`'s spec parameters applied (its symbolic sizes: see `sized`)."""
    values = _whole_numbers(set or {}, "set")
    spec = _read(source, {})
    params = {name: value for name, value in values.items() if name in spec.params}
    return _read(source, params) if params else spec


def _read(source: SpecSource, params: dict[str, int]) -> Spec:
    """A spec from any of the forms of SpecSource, with parameter overrides."""
    if isinstance(source, Spec):
        if params:
            raise SettingError("a Spec already read takes no `set=` parameters; pass its file", "set")
        return source
    if isinstance(source, Mapping):
        return parse_spec(dict(source), SourceMap("<dict>"), params)
    text = os.fspath(source)
    if "\n" in text or text.lstrip().startswith("{"):
        return parse_spec(*load_text(text, "<text>"), params)
    return open_spec(text, params)


def sized(spec: Spec, set: Mapping[str, int] | None, input: InputSize | None) -> tuple[Any, ...] | None:
    """The input to analyse at: `input` (default: the spec's own), with `set`'s symbolic sizes put in
    (`H=224`); None when that is the spec's own input. A name that is neither a parameter of the spec nor
    one of its symbolic sizes is a SettingError."""
    values = _whole_numbers(set or {}, "set")
    given = tuple(input) if input is not None else None
    if given is not None:
        check_input(given)
    shape: tuple[Any, ...] = given or spec.input
    symbols = [d for d in shape if isinstance(d, str)]
    sizes = {name: value for name, value in values.items() if name not in spec.params}
    unknown = [name for name in sizes if name not in symbols]
    if unknown:
        have = [f"parameters {', '.join(spec.params)}" if spec.params else "no parameters",
                f"symbolic sizes {', '.join(symbols)}" if symbols else "no symbolic size"]  # fmt: skip
        raise SettingError(
            f"'{unknown[0]}' is not a parameter or a size of this spec (it has {' and '.join(have)}; "
            "declare `params: {name: value}`, or write the input as `input: [H, W, 3]` or `--input HxWx3`)",
            "set",
        )
    if not sizes:
        return given
    return tuple(sizes[d] if isinstance(d, str) and d in sizes else d for d in shape)


def _whole_numbers(values: Mapping[str, int], option: str) -> dict[str, int]:
    for name, value in values.items():
        if not (isinstance(name, str) and name.isidentifier()) or type(value) is not int or value < 1:
            raise SettingError(f"expected names with positive whole values, got {name!r}={value!r}", option)
    return dict(values)


def check_input(shape: tuple[Any, ...]) -> None:
    numbers_or_names = all(
        (type(d) is int and d > 0) or (isinstance(d, str) and d.isidentifier()) for d in shape
    )
    if len(shape) not in (1, 3) or not numbers_or_names or not isinstance(shape[-1], int):
        raise SettingError(f"expected (nH, nW, nC) like (224, 224, 3), or (n,), got {shape!r}", "input")


def preset(count: str) -> Preset:
    """The counting preset called `count` (macs, flops, torch, torchvision, torchinfo, fvcore)."""
    if count not in PRESETS:
        raise SettingError(f"{count!r} is not one of {', '.join(PRESETS)}{suggest(count, list(PRESETS))}",
                           "count")  # fmt: skip
    return PRESETS[count]


def analyze(
    source: SpecSource,
    *,
    input: InputSize | None = None,
    set: Mapping[str, int] | None = None,
    count: str = "macs",
) -> Analysis:
    """Shapes, params and MACs of every layer of `source`, at `input` (default: the spec's own).

    `set` gives spec parameters (`{"n": 9}`) and symbolic sizes (`{"H": 320}`) values; `count` chooses how
    `Analysis.counted` (and the renderings) count: macs, flops, torch, torchvision, torchinfo or fvcore.
    """
    chosen = preset(count)
    spec = load(source, set=set)
    shape = sized(spec, set, input)
    report = walk(spec, shape)
    chosen.check_applies(report.totals, count)
    baseline = None
    if shape is not None and tuple(shape) != tuple(spec.input):
        try:
            baseline = walk(spec)
        except SpecError:
            baseline = None  # the spec's own input is broken; the override is what was asked for
    return Analysis(report, chosen, baseline)


def explain(
    source: SpecSource,
    layer: str | None = None,
    *,
    input: InputSize | None = None,
    set: Mapping[str, int] | None = None,
    format: Literal["text", "markdown", "json"] = "text",
) -> str:
    """The course's formulas with the numbers put in, for every layer or the one named `layer`: as text,
    markdown, or JSON (each layer's shapes, exact params and MACs, and its formula lines)."""
    from archcalc.analyses.explain import explain as explain_spec
    from archcalc.render import explain as render

    spec = load(source, set=set)
    writer = {"text": render.explain_text, "markdown": render.explain_markdown, "json": render.explain_json}
    if format not in writer:
        raise SettingError(f"format: expected one of {', '.join(writer)}, got {format!r}", "format")
    return writer[format](explain_spec(spec, layer, sized(spec, set, input)))


@dataclass(frozen=True)
class Linted:
    """What `lint` found: the files it read, and their findings in file order."""

    files: list[Path]
    findings: list[Finding]

    def failing(self, strict: bool = False) -> bool:
        """Whether a finding is an error (with `strict`, or a warning): `archcalc lint` then exits 1."""
        levels = {"error", "warning"} if strict else {"error"}
        return any(finding.level in levels for finding in self.findings)


def lint(
    paths: Iterable[str | os.PathLike[str]],
    *,
    config: LintConfig | None = None,
    set: Mapping[str, int] | None = None,
    only_specs: bool = False,
    jobs: int = 1,
) -> Linted:
    """Lint spec files and folders (searched for *.yaml). `config` selects rules and budgets (default: the
    default rules, no budgets); `set` gives parameters to the specs that declare them (a name none declares
    is a SettingError); `only_specs` skips given files without a top-level `layers:`; `jobs` > 1 shares
    the files out among that many worker processes (on Linux, from 8 files a worker; the same findings)."""
    from archcalc.linting.config import LintConfig
    from archcalc.linting.parallel import lint_files
    from archcalc.linting.runner import Params, discover

    params = Params(_whole_numbers(set or {}, "set"))
    files = discover([Path(path) for path in paths], only_specs)
    findings = lint_files(files, config or LintConfig(), params, jobs)
    unused = [name for name in params.values if name not in params.used]
    if unused:
        declare = "specs declare `params: {name: value}`"
        raise SettingError(f"no spec linted declares a parameter '{unused[0]}' ({declare})", "set")
    return Linted(files, findings)


def build(
    source: SpecSource,
    *,
    input: InputSize | None = None,
    set: Mapping[str, int] | None = None,
) -> Any:
    """The spec as a torch `nn.Module` (needs torch: TorchMissing says how to install it). Its forward takes
    NCHW tensors of the input's shape."""
    from archcalc.backends import load_backend

    spec = load(source, set=set)
    report = walk(spec, sized(spec, set, input))
    return load_backend("torch").build(spec, report)


def reconcile(
    source: SpecSource, figure: str | int | float, *, set: Mapping[str, int] | None = None
) -> Reconciliation:
    """The ways of counting (MACs or FLOPs, with bias, batch norm and pooling terms, or params) and the input
    sizes that reproduce `figure` ("4.12G", "4,089,184,256", 4.09e9) to the precision it is written with."""
    from archcalc.analyses.reconcile import FigureError, parse_figure
    from archcalc.analyses.reconcile import reconcile as search

    try:
        quoted = parse_figure(figure if isinstance(figure, str) else repr(figure))
    except FigureError as exc:
        raise SettingError(str(exc), "figure") from None
    spec = load(source, set=set)
    if sized(spec, set, None) is not None:  # an unknown name is refused there; a symbolic size here
        raise SettingError(
            "reconcile tries the input sizes itself; give spec parameters only, e.g. n=18", "set"
        )
    return search(spec, quoted)
