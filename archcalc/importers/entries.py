"""The imported model's structure as the entries of a spec's layer lists: each item named as torch names
it, relative to the list it is in (`conv1` inside `layer1.0`), with `from:` where it reads anything but the
item before it (another item by name, or the list's input by relative index, as darknet's routes count)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archcalc.errors import ShapeError
from archcalc.importers.steps import Step, act_setting, unique
from archcalc.importers.structure import Group, Item, Merge, exit_of, inputs_of, merge_of
from archcalc.layers.fields import pair_of
from archcalc.layers.residual import shortcut_stride
from archcalc.shapes import Shape


@dataclass
class Entry:
    """`- kind: {settings}` in a layer list; a composite's lists of layers (`layers`, `body`, `paths`, …)
    beside its settings. `shape` is what the model gives it; `cls` the module class a group came from."""

    kind: str
    settings: dict[str, Any]
    lists: dict[str, Any] = field(default_factory=dict)
    shape: Shape | None = None
    cls: str = ""


class Unstructured(Exception):
    """The structure cannot be written as a spec says it (the importer writes the flat spec instead)."""


def entries(top: Group, shapes: dict[str, Shape]) -> list[Entry]:
    """The entries of the spec's `layers:`; `shapes` has every value's shape (the input's under INPUT)."""
    return _Writer(shapes).listed(top.items, top.entry, top.path)


class _Writer:
    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes

    def listed(self, items: list[Item], entry: str, path: str) -> list[Entry]:
        """One layer list reading `entry`; its items named relative to the module `path`."""
        taken: set[str] = set()
        local: dict[str, str] = {}
        previous, written = entry, []
        for position, item in enumerate(items):
            settings: dict[str, Any] = {"name": unique(_local(item, path), taken)}
            if inputs_of(item) != [previous]:
                sources = [_known(local, name, entry, position) for name in inputs_of(item)]
                settings["from"] = sources[0] if len(sources) == 1 else sources
            written.append(self.entry(item, settings))
            local[exit_of(item)] = settings["name"]
            previous = exit_of(item)
        return written

    def entry(self, item: Item, settings: dict[str, Any]) -> Entry:
        if isinstance(item, Step):
            return Entry(item.kind, {**settings, **item.settings}, shape=item.shape)
        merge = merge_of(item)
        if merge is not None and merge.kind == "residual":
            return self.residual(item, merge, settings)
        if merge is not None:
            return self.branches(item, merge, settings)
        return Entry("sequential", settings, {"layers": self.listed(item.items, item.entry, item.path)},
                     self.shapes.get(item.exit), item.cls)  # fmt: skip

    def residual(self, group: Group, merge: Merge, settings: dict[str, Any]) -> Entry:
        """z = body(a), output g(z + Ws·a): a one-conv shortcut that is what `auto` or `projection` makes is
        written so; any other shortcut as its list of layers."""
        body, shortcut = merge.chains
        lists: dict[str, Any] = {"body": self.listed(body, group.entry, group.path)}
        projection = self.projection(shortcut, group.entry, group.exit)
        if projection is not None:
            settings.update(projection)
        elif shortcut:
            lists["shortcut"] = self.listed(shortcut, group.entry, group.path)
        if merge.act is not None:
            settings["act"] = act_setting(merge.act)
        return Entry("residual", settings, lists, self.shapes.get(group.exit), group.cls)

    def projection(self, shortcut: list[Item], entry: str, exit: str) -> dict[str, Any] | None:
        """`shortcut: auto` (or `projection` where the shapes agree) for a 1×1 conv without bias, with the
        stride that maps the input onto the output, and batch norm or not (`projection_bn`)."""
        if len(shortcut) != 1 or not isinstance(conv := shortcut[0], Step) or conv.kind != "conv":
            return None
        settings, bn = conv.settings, conv.settings.get("bn", False)
        if settings.get("kernel") != 1 or set(settings) - {"filters", "kernel", "stride", "bn", "bias"}:
            return None
        if settings.get("bias", not bn) is not False:
            return None  # a bias the projection would not have
        x, z = self.shapes[entry], self.shapes[exit]
        try:
            if pair_of(1)(settings.get("stride", 1)) != shortcut_stride(x, z):
                return None
        except ShapeError:
            return None
        mode = "auto" if x != z else "projection"
        return {"shortcut": mode, "projection_bn": True} if bn else {"shortcut": mode}

    def branches(self, group: Group, merge: Merge, settings: dict[str, Any]) -> Entry:
        """Paths named after the module each one is (`branch1`), else branch1, branch2, … in the order the
        concat reads them."""
        paths: dict[str, list[Entry]] = {}
        for number, chain in enumerate(merge.chains, start=1):
            whole = chain[0] if len(chain) == 1 else None
            name = _local(whole, group.path) if whole is not None else f"branch{number}"
            if isinstance(whole, Group) and merge_of(whole) is None:
                listed = self.listed(whole.items, whole.entry, whole.path)
            elif isinstance(whole, Step):
                listed = [self.entry(whole, {})]
            else:
                listed = self.listed(chain, group.entry, group.path)
            paths[unique(name, set(paths))] = listed
        if merge.act is not None:
            settings["act"] = act_setting(merge.act)
        return Entry("branches", settings, {"paths": paths}, self.shapes.get(group.exit), group.cls)


def _local(item: Item, path: str) -> str:
    """An item's name inside the list of module `path`: its path below that module, dots as underscores."""
    own = item.path if isinstance(item, Group) else item.path or item.name
    if path and own.startswith(path + "."):
        own = own[len(path) + 1 :]
    return own.replace(".", "_") or (item.name if isinstance(item, Step) else "group")


def _known(local: dict[str, str], name: str, entry: str, position: int) -> str | int:
    """How the item at `position` of a list reads `name`: by its name there, or the list's input by relative
    index (-1 the item before, … −(position + 1) the list's input)."""
    if name == entry:
        return -(position + 1)
    if name not in local:
        raise Unstructured(f"'{name}' is read from outside its list")
    return local[name]
