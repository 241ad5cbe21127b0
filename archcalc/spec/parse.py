"""Parse lists of layer items into layers: kinds through the registry, uses of blocks by instantiation.

A layer is written `- kind: {settings}`, `- kind: value` (the kind's shorthand setting) or `- kind` alone;
a block is used the same way, with its arguments as settings. Every problem is collected (parsing goes on
after a bad item) with its document path, and for layers inside blocks, the uses that led there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from archcalc.errors import DocPath, Problem, suggest
from archcalc.layers import LAYER_KINDS, Layer
from archcalc.layers.composite import Composite, Sequential, SizedBlock
from archcalc.layers.fields import references
from archcalc.limits import limits
from archcalc.shapes import Shape
from archcalc.spec.blocks import Block, input_sizes
from archcalc.spec.expr import Env, ExpressionError, substitute
from archcalc.spec.messages import translate
from archcalc.spec.naming import assign_names
from archcalc.spec.positions import SourceMap
from archcalc.spec.scope import Exhausted, Fail, Rejected, Scope, Use, expanded_rows


class LayerParser:
    """Parses layer lists against the registry and the spec's blocks, collecting problems."""

    def __init__(
        self, blocks: dict[str, Block], params: dict[str, int] | None = None, fail: Fail | None = None
    ) -> None:
        self.blocks = blocks
        self.params = params or {}
        """The spec's parameters (`params:`), usable in every expression, blocks' included."""
        self.fail = fail or SourceMap().error
        """How problems found after parsing (a block sized by its input, at walk time) are raised."""
        self.problems: list[Problem] = []
        self._instances: dict[tuple[Any, ...], list[Layer]] = {}
        """Parsed bodies by (block, arguments, use): the copies of a `repeat` are parsed once."""
        self._rows: dict[tuple[Any, ...], int] = {}
        """The rows each parsed body stands for (`expanded_rows`), counted again for every copy."""
        self._failed: dict[tuple[str, str], list[Problem]] = {}
        """(block, arguments) whose body failed, with its problems: it fails the same way wherever it is
        used, so a chain of blocks that each use a broken one twice is not explored 2ⁿ times."""
        self.expanded = 0
        """Layers made so far, counting every copy: parsing stops past the limit, however it got there."""

    def spec_layers(self, items: list[Any]) -> list[Layer]:
        """The spec's top-level `layers:`; past a limit, only the problem that says so."""
        try:
            return self.layers(items, ("layers",), Scope(env=self.params))
        except Exhausted as exc:
            self.problems.append(exc.problem)
            return []

    def layers(self, items: Any, path: DocPath, scope: Scope) -> list[Layer]:
        """The layers of a list (bad items left out, their problems recorded), every one named."""
        if scope.depth > limits().nesting:
            message = (f"layers nested more than {limits().nesting} deep (blocks within blocks, composites "
                       "within composites); raise the limit with `archcalc --limit nesting=N`")  # fmt: skip
            raise Exhausted(Problem(message, path, via=scope.via, code="AC003"))
        if not isinstance(items, list):
            self._record([Problem("expected a list of layers", path, code="AC012")], scope)
            return []
        parsed = []
        for index, item in enumerate(items):
            try:
                parsed.append(self.layer(item, (*path, index), scope))
            except Rejected:
                continue
        return assign_names(parsed, self.problems, scope.via)

    def layer(self, item: Any, path: DocPath, scope: Scope) -> Layer:
        """One item as a layer, or Rejected with its problems recorded."""
        split = _split_item(item, path, self.known())
        if isinstance(split, Problem):
            raise self._reject([split], scope)
        kind, settings = split
        where = (*path, kind) if isinstance(item, dict) else path
        if kind in self.blocks:
            return self._use(self.blocks[kind], settings, path, where, scope)
        if kind not in LAYER_KINDS:
            known = ", ".join(sorted(self.known()))
            message = (
                f"unknown layer kind '{kind}'{suggest(kind, self.known())} (known kinds and blocks: {known})"
            )
            raise self._reject([Problem(message, path, on_key=True, code="AC010")], scope)
        return self._build(kind, settings, path, where, scope)

    def known(self) -> list[str]:
        return [*LAYER_KINDS, *self.blocks]

    def _build(self, kind: str, settings: Any, path: DocPath, where: DocPath, scope: Scope) -> Layer:
        layer_class = LAYER_KINDS[kind]
        settings = self._substitute(layer_class.expand_shorthand(settings), scope.env, where, kind, scope)
        if issubclass(layer_class, Composite) and isinstance(settings, dict):
            before = len(self.problems)
            settings = layer_class.parse_parts(
                settings, lambda items, sub: self.layers(items, (*where, *sub), scope.inside())
            )
            if len(self.problems) > before:
                raise Rejected
        try:
            layer = layer_class.model_validate(settings)
        except ValidationError as exc:
            arguments = [name for name in scope.env if name != "i"]
            problems = translate(exc, layer_class, where, _subject(kind, settings), arguments)
            raise self._reject(problems, scope) from None
        self._grow(1 + (layer.own_rows() if isinstance(layer, Composite) else 0), path, scope)
        return layer.located(path, scope.via)

    def _grow(self, rows: int, path: DocPath, scope: Scope) -> None:
        """Count `rows` more layers made; past the limit, stop parsing (a `repeat:` or block bomb)."""
        self.expanded += rows
        if self.expanded > limits().layers:
            message = (f"the spec expands to more than {limits().layers:,} layers once blocks and `repeat:` "
                       "are expanded; raise the limit with `archcalc --limit layers=N`")  # fmt: skip
            raise Exhausted(Problem(message, path, via=scope.via, code="AC003"))

    def _use(self, block: Block, settings: Any, path: DocPath, where: DocPath, scope: Scope) -> Layer:
        """A block use: one instance, or with `repeat: n` a sequence of n copies named 0 … n − 1."""
        if block.name in scope.open_blocks:
            chain = " → ".join([*scope.open_blocks, block.name])
            raise self._reject(
                [Problem(f"block '{block.name}' uses itself ({chain})", path, on_key=True, code="AC014")],
                scope,
            )
        if settings is not None and not isinstance(settings, dict):
            message = f"block '{block.name}': give its arguments as a mapping, e.g. `- {block.name}: {{…}}`"
            raise self._reject([Problem(message, where, code="AC013")], scope)
        arguments = dict(settings or {})
        name, repeat = arguments.pop("name", None), arguments.pop("repeat", None)
        sources = self._sources(arguments.pop("from", None), where, scope)
        frozen = self._frozen(arguments.pop("trainable", True), where, scope)
        if name is not None and not (isinstance(name, str) and name):
            problem = Problem(f"name: expected a non-empty name, got {name!r}", (*where, "name"))
            raise self._reject([problem], scope)
        use = Use(block, arguments, path, where, scope)
        if repeat is None:
            instance = self._instance(use, scope.env, name)
            update = ({"sources": sources} if sources else {}) | ({"trainable": False} if frozen else {})
            return instance.replaced(**update) if update else instance
        count = self._repeat_count(repeat, use)
        first = self._instance(use, {**scope.env, "i": 0}, "0")
        if self.expanded + expanded_rows(first) * (count - 1) > limits().layers:
            self._grow(expanded_rows(first) * (count - 1), (*where, "repeat"), scope)
        rest = [self._instance(use, {**scope.env, "i": index}, str(index)) for index in range(1, count)]
        group = Sequential(name=name, layers=[first, *rest], trainable=not frozen, **{"from": sources})
        group = group.located(path, scope.via)
        self._grow(1, path, scope)
        return group.labelled(block.name, f"{block.name} ×{count}")

    def _frozen(self, trainable: Any, where: DocPath, scope: Scope) -> bool:
        """A block use's `trainable: false` freezes every layer it makes, as on any layer."""
        if not isinstance(trainable, bool):
            problem = Problem(f"trainable: expected true or false, got {trainable!r}", (*where, "trainable"))
            raise self._reject([problem], scope)
        return not trainable

    def _repeat_count(self, repeat: Any, use: Use) -> int:
        where = (*use.where, "repeat")
        count = self._substitute(repeat, use.scope.env, where, "repeat", use.scope)
        if type(count) is not int or count < 1:
            problem = Problem(f"repeat: expected a whole number ≥ 1, got {count!r}", where)
            raise self._reject([problem], use.scope)
        return int(count)

    def _sources(self, value: Any, where: DocPath, scope: Scope) -> tuple[str | int, ...] | None:
        """A block use's `from:` (it reads those layers, as any layer may), checked as a layer's is."""
        try:
            found: tuple[str | int, ...] | None = references(substitute(value, scope.env))
            return found
        except (ValueError, ExpressionError) as exc:
            raise self._reject([Problem(f"from: {exc}", (*where, "from"), code="AC106")], scope) from None

    def _instance(self, use: Use, env: Env, name: str | None) -> Layer:
        """The block's layers with the use's arguments bound: that one layer, or a sequence of them."""
        block = use.block
        arguments = self._substitute(use.arguments, env, use.where, f"block '{block.name}'", use.scope)
        bound, problems = block.bind(arguments, use.where)
        if problems:
            raise self._reject(problems, use.scope)
        if block.sizes_read:
            return self._sized(use, bound, name)
        layers = self._body(use, bound)
        if len(layers) == 1:  # the instance is that layer, under the use's name (torch names it so)
            return layers[0].replaced(name=name).labelled(block.name, block.label(bound))
        group = Sequential(name=name, layers=layers).located(use.path, use.scope.via)
        self._grow(1, use.path, use.scope)
        return group.labelled(block.name, block.label(bound))

    def _body(self, use: Use, bound: dict[str, Any]) -> list[Layer]:
        """The block's layers parsed with `bound` arguments (layers are immutable, so they can be shared)."""
        block, scope = use.block, use.scope
        arguments = (block.name, repr(sorted(bound.items())))
        if arguments in self._failed:  # it failed before with these arguments, and fails the same way
            self.problems += self._failed[arguments]
            raise Rejected
        key = (*arguments, use.path, scope.via)
        if key in self._instances:  # a copy of a body already made: its layers count again
            self._grow(self._rows[key], use.path, scope)
        else:
            inner = Scope({**self.params, **bound}, (*scope.via, (block.name, use.path)),
                          (*scope.open_blocks, block.name), scope.depth + 1)  # fmt: skip
            before = len(self.problems)
            self._instances[key] = self.layers(block.body, block.path, inner)
            self._rows[key] = sum(map(expanded_rows, self._instances[key]))
            if len(self._instances[key]) != len(block.body):  # each problem once, whatever led to it
                found = {(p.path, p.message): p for p in self.problems[before:]}
                self._failed[arguments] = list(found.values())
        layers = self._instances[key]
        if len(layers) != len(block.body):
            self.problems += self._failed[arguments]
            raise Rejected
        return layers

    def _sized(self, use: Use, bound: dict[str, Any], name: str | None) -> Layer:
        """A use of a block that reads its input's size: parsed at each shape the walk gives it."""
        made: dict[Shape, list[Layer]] = {}
        base = self.expanded

        def expand(shape: Shape) -> list[Layer]:
            if shape not in made:
                made[shape] = self._expand(use, {**bound, **input_sizes(shape)}, base)
            return made[shape]

        size = len(use.block.body)
        self._grow(1 + size, use.path, use.scope)
        layer = SizedBlock(name=name, expand=expand, size=size).located(use.path, use.scope.via)
        return layer.labelled(use.block.name, use.block.label(bound))

    def _expand(self, use: Use, env: dict[str, Any], base: int) -> list[Layer]:
        """The block's layers for one input shape, or its problems raised (with `fail`); each expansion is
        bounded by the layer limit on top of what the spec made before it."""
        before, self.expanded = len(self.problems), base
        missing = sorted(use.block.sizes_read - env.keys())
        if missing:
            message = (
                f"block '{use.block.name}' reads {' and '.join(missing)} of its input, which has no "
                "number here (a symbolic input size); give the input in numbers (--input, --set H=…)"
            )
            raise self.fail([Problem(message, use.path, via=use.scope.via, code="AC106")])
        try:
            return self._body(use, env)
        except Rejected:
            raise self.fail(self.problems[before:]) from None
        except Exhausted as exc:
            raise self.fail([exc.problem]) from None

    def _substitute(self, value: Any, env: Env, where: DocPath, subject: str, scope: Scope) -> Any:
        try:
            return substitute(value, env)
        except ExpressionError as exc:
            raise self._reject([Problem(f"{subject}: {exc}", where, code="AC015")], scope) from None

    def _reject(self, problems: list[Problem], scope: Scope) -> Rejected:
        self._record(problems, scope)
        return Rejected()

    def _record(self, problems: list[Problem], scope: Scope) -> None:
        self.problems += [replace(problem, via=scope.via) for problem in problems]


def _split_item(item: Any, path: DocPath, known: list[str]) -> tuple[str, Any] | Problem:
    """`- conv: {...}` → ('conv', {...}); `- flatten` → ('flatten', None)."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        kind, settings = next(iter(item.items()))
        return str(kind), settings
    if isinstance(item, dict):
        kinds = [key for key in item if key in known]
        if len(kinds) == 1:
            others = ", ".join(str(key) for key in item if key != kinds[0])
            return Problem(
                f"put {others} inside the {kinds[0]} settings: `- {kinds[0]}: {{{others}: ...}}`", path
            )
        keys = ", ".join(str(key) for key in item)
        return Problem(
            f"a layer is written `- kind: {{settings}}` with one kind; this one has keys {keys}", path
        )
    return Problem(f"a layer is written `- kind: {{settings}}` or `- kind`; got {item!r}", path)


def _subject(kind: str, settings: Any) -> str:
    name = settings.get("name") if isinstance(settings, dict) else None
    return f"{kind} '{name}'" if isinstance(name, str) else kind
