"""The Layer contract and the registry of layer kinds (the field types settings share: layers/fields.py)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    WithJsonSchema,
    model_validator,
)

from archcalc.errors import DocPath, Via
from archcalc.layers.fields import LAYERS_SCHEMA, REFERENCES_SCHEMA, Window, references
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import NOTHING, Saved
from archcalc.shapes import Shape, Tiling

Layers = Annotated[list["Layer"], WithJsonSchema(LAYERS_SCHEMA)]


def marks(layer: BaseModel) -> dict[str, Any]:
    """A layer's private attributes (where it was written, its block…), read and written directly: through
    pydantic's `__getattr__` each read costs 1.5 µs, a fifth of the time to lint a 3,000-layer spec."""
    private = layer.__pydantic_private__
    assert private is not None  # a Layer has private attributes
    return private


class Layer(BaseModel):
    """One layer kind: its validated settings and the rules that give its shape and its costs.

    Subclasses set `kind`, declare their settings as fields, and override the rules that apply to them.
    Conventions: params are torch's nn.Parameters; buffers (BatchNorm's running statistics) are not params;
    MACs are the multiply-accumulates of conv/dense weights and of attention's two matmuls; bias adds are
    counted apart from MACs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    shorthand: ClassVar[str | None] = None
    """The setting that a bare value fills: `- dropout: 0.5` means `- dropout: {p: 0.5}`."""

    name: Annotated[str, Strict(), Field(min_length=1)] | None = None
    trainable: Annotated[bool, Strict()] = True
    sources: Annotated[
        tuple[str | int, ...] | None, BeforeValidator(references), WithJsonSchema(REFERENCES_SCHEMA)
    ] = Field(default=None, alias="from")
    """`from:` where its input comes from, when not the layer before: earlier layers of the same list by
    name, or by relative index (-1 the layer before, -2 the one before that); several for a merge."""

    _source_path: DocPath = PrivateAttr(default=())
    _via: Via = PrivateAttr(default=())
    _block: str | None = PrivateAttr(default=None)
    _label: str | None = PrivateAttr(default=None)
    _implicit: bool = PrivateAttr(default=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A kind's new layers get their private attributes as one copy of their defaults (all immutable):
        pydantic's own start asks each attribute for its default, 2.5 µs of the 11 µs a conv takes to
        validate. A kind has no `model_post_init` of its own."""
        super().__pydantic_init_subclass__(**kwargs)
        defaults = {name: attribute.default for name, attribute in cls.__private_attributes__.items()}

        def start_private(layer: BaseModel, _context: Any, /) -> None:
            object.__setattr__(layer, "__pydantic_private__", defaults.copy())

        cls.model_post_init = start_private  # type: ignore[method-assign]

    @model_validator(mode="before")
    @classmethod
    def _expand_shorthand(cls, data: Any) -> Any:
        return cls.expand_shorthand(data)

    @classmethod
    def expand_shorthand(cls, data: Any) -> Any:
        """Settings as a mapping: nothing becomes {}, a bare value fills the kind's shorthand setting."""
        if data is None:
            return {}
        if cls.shorthand and not isinstance(data, dict):
            return {cls.shorthand: data}
        return data

    @property
    def source_path(self) -> DocPath:
        """Where this layer was written in its spec document (set by the parser)."""
        return marks(self)["_source_path"]  # type: ignore[no-any-return]

    @property
    def via(self) -> Via:
        """The block uses that instantiated this layer, outermost first (empty at the top level)."""
        return marks(self)["_via"]  # type: ignore[no-any-return]

    @property
    def block(self) -> str | None:
        """The block this layer is the instance of, if any."""
        return marks(self)["_block"]  # type: ignore[no-any-return]

    @property
    def implicit(self) -> bool:
        """True for a layer archcalc added itself (a projection shortcut), not one written in the spec."""
        return marks(self)["_implicit"]  # type: ignore[no-any-return]

    def made_implicitly(self) -> Self:
        """This layer, marked as added by archcalc rather than written (parser and composite bookkeeping)."""
        marks(self)["_implicit"] = True
        return self

    @property
    def naming_base(self) -> str:
        """What an unnamed layer is called after: its block's name for a block use, else its kind."""
        return self.block or self.kind

    def replaced(self, **settings: Any) -> Self:
        """This layer with `settings` changed, unvalidated (values a layer of this kind holds: a name, its
        sources, `trainable`): `model_copy(update=settings)` as pydantic makes it, with marks of its own, in
        a fifth of the time (it was 0.13 s of lint's 2.2 on specs/ and 1,000 more)."""
        copied = object.__new__(type(self))
        object.__setattr__(copied, "__dict__", self.__dict__ | settings)
        object.__setattr__(copied, "__pydantic_extra__", None)  # extra="forbid": there is none
        object.__setattr__(copied, "__pydantic_fields_set__", self.__pydantic_fields_set__ | settings.keys())
        object.__setattr__(copied, "__pydantic_private__", marks(self).copy())
        return copied

    def located(self, path: DocPath, via: Via = ()) -> Self:
        """This layer, marked as written at `path` and instantiated through `via` (parser bookkeeping)."""
        marks(self).update(_source_path=path, _via=via)
        return self

    def labelled(self, block: str, label: str) -> Self:
        """This layer, marked as the instance of `block` described by `label`, e.g. `basic(width=64)`."""
        marks(self).update(_block=block, _label=label)
        return self

    def summary(self) -> str:
        """The row's description: its settings (or, with none to show, the block use it came from)."""
        return self.describe() or marks(self)["_label"] or ""

    def resolved(self, x: Shape) -> Layer:
        """The layer that stands for this one in the walk at input shape `x`: itself (a block sized by its
        input and made of one layer is that layer, as a block of one layer is)."""
        return self

    def output_shape(self, x: Shape) -> Shape:
        """The shape this layer produces from input shape `x` (raise ShapeError if it cannot)."""
        return x

    def param_count(self, x: Shape) -> int:
        return 0

    def buffer_count(self, x: Shape) -> int:
        return 0

    def macs(self, x: Shape, y: Shape) -> int:
        return 0

    def attention_macs(self, x: Shape, y: Shape) -> int:
        """The part of `macs` that attention's QKᵀ and AV make (reported apart as well)."""
        return 0

    def bias_adds(self, x: Shape, y: Shape) -> int:
        return 0

    def window(self, x: Shape) -> Window:
        """How each output sees the input: None pointwise, (effective kernel, stride) for a sliding window,
        WHOLE when every output sees all of it (dense, flatten, global pooling)."""
        return None

    def tiling(self, x: Shape) -> Tiling | None:
        """How this layer's sliding window covers input `x`, where a window can leave pixels unread at the
        end (lint's AC201, `archcalc sizes`); None for a layer without such a window."""
        return None

    @property
    def width(self) -> int | None:
        """The channels or units this layer makes by its own setting (conv filters, dense units); None for a
        layer whose output width follows its input."""
        return None

    def explain(self, x: Shape, y: Shape) -> list[str]:
        """The course's formulas with this layer's numbers put in (`archcalc explain`)."""
        return ["shape unchanged, no parameters, no MACs"]

    def outputs_alive(self) -> int:
        """How many output-sized tensors exist at once while the layer runs (eager torch): 1, or 2 for a
        conv or dense whose fused batch norm writes a new tensor before the conv's output is freed."""
        return 1

    def backward_macs(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> tuple[int, int]:
        """(input-gradient MACs, weight-gradient MACs) of this layer's backward pass: `weights` when its
        weights are trained, `inputs` when its input needs a gradient (something before it is trained).
        A weight layer's two gradients each use every weight once per output position, as the forward
        does: ∂L/∂x = Wᵀ·∂L/∂y and ∂L/∂W = ∂L/∂y·xᵀ, each = the forward MACs (0 for a layer without)."""
        macs = self.macs(x, y)
        return (macs if inputs else 0, macs if weights else 0)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """What autograd keeps of this layer for the backward pass when its output needs a gradient
        (layers/saving.py): `weights` when its weights are trained, `inputs` when its input needs a
        gradient. Nothing by default (a zero pad, an add)."""
        return NOTHING

    def is_view(self) -> bool:
        """Whether its output is its input's storage seen again (flatten, a crop, identity): kept once."""
        return False

    def scratch(self, x: Shape, y: Shape) -> int:
        """Elements a layer's torch module holds while it runs besides its input and output (eager torch):
        attention's Q, K, V and its N×N weights; 0 for most."""
        return 0

    def norm_params(self, x: Shape) -> int:
        """Batch norm γ and β in this layer (other tools count them as operations)."""
        return 0

    def pooled_inputs(self, x: Shape) -> int:
        """Elements an adaptive average pool reads (fvcore counts one operation each)."""
        return 0

    def describe(self) -> str:
        """The settings that matter, in a few characters (shown beside the kind in tables)."""
        return ""

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        """The torch module for this layer, given its input and output shapes (nH×nW×nC)."""
        raise NotImplementedError(f"layer kind '{self.kind}' has no torch construction")

    torch_modules: ClassVar[tuple[str, ...]] = ()
    """The torch.nn classes (by name) that `from_torch` reads back as this kind (`archcalc import`)."""

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """The settings that build `module` (given input `x`) again as this kind, the inverse of to_torch;
        None where this kind cannot say it (another kind claiming the class may)."""
        return {}

    @classmethod
    def written(cls, **settings: Any) -> dict[str, Any]:
        """`settings` as a spec writes them: a pair of equal numbers as one number, defaults left out."""
        plain = {name: _plain(value) for name, value in settings.items()}
        return {
            name: value for name, value in plain.items()
            if name not in cls.model_fields or _plain(cls.model_fields[name].default) != value
        }  # fmt: skip


LayerT = TypeVar("LayerT", bound=type[Layer])

LAYER_KINDS: dict[str, type[Layer]] = {}
"""Every layer kind by the name a spec uses for it (aliases included)."""
TORCH_MODULES: dict[str, list[type[Layer]]] = {}
"""The kinds that may read back each torch.nn class (by name), in the order they were registered."""


def register(cls: LayerT) -> LayerT:
    """Make a Layer subclass usable in specs under its `kind` and `aliases`."""
    for name in (cls.kind, *cls.aliases):
        if name in LAYER_KINDS:
            raise RuntimeError(f"layer kind '{name}' is registered twice")
        LAYER_KINDS[name] = cls
    for torch_class in cls.torch_modules:
        TORCH_MODULES.setdefault(torch_class, []).append(cls)
    return cls


def _plain(value: Any) -> Any:
    """A torch setting as YAML writes it: (3, 3) → 3, (1, 2) → [1, 2], 0.10000000149 stays as given."""
    if isinstance(value, tuple | list):
        items = [_plain(item) for item in value]
        return items[0] if len(items) == 2 and items[0] == items[1] else items
    return value
