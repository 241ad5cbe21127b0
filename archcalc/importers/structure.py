"""The module hierarchy of an imported model as the structure of its spec. A module whose layers run in one
stretch, read one value and give one value is a group (a `sequential` named as torch names the module); a
group ending in an add of two chains from its input is a `residual`, one ending in a concat of chains is
`branches`. A module that is not closed so (an inner value read outside it) is written out flat."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby

from archcalc.importers.steps import INPUT, Imported, Step

OUTPUT = "\0output"
"""The reader the network's outputs have."""


@dataclass
class Group:
    """The steps of module `path`, as items (steps, and the groups of its submodules)."""

    path: str
    cls: str
    items: list[Item]
    entry: str = INPUT

    @property
    def exit(self) -> str:
        return exit_of(self.items[-1])


Item = Step | Group


def exit_of(item: Item) -> str:
    """The value an item gives: the step that makes it."""
    return item.name if isinstance(item, Step) else item.exit


def inputs_of(item: Item) -> list[str]:
    return item.inputs if isinstance(item, Step) else [item.entry]


def tree(imported: Imported) -> Group:
    """The model as one group of its top-level items."""
    readers: Readers = {name: {OUTPUT} for name in imported.outputs}
    for step in imported.steps:
        for name in step.inputs:
            readers.setdefault(name, set()).add(step.name)
    return Group("", imported.title, _nested(imported.steps, 0, readers, imported.modules))


Readers = dict[str, set[str]]
"""The steps (or OUTPUT) that read each value."""


def _nested(steps: list[Step], level: int, readers: Readers, modules: dict[str, str]) -> list[Item]:
    """The items of one level: steps made at this level as they are; the steps of each submodule as its
    group where the module is closed, else as its own items spliced in."""
    runs = [(child, list(run)) for child, run in groupby(steps, key=lambda step: _child(step, level))]
    seen = Counter(child for child, _ in runs)
    items: list[Item] = []
    for child, run in runs:
        if child is None:
            items.extend(run)
            continue
        inner = _nested(run, level + 1, readers, modules)
        entry = _entry(run, readers) if seen[child] == 1 else None
        if entry is None:
            items.extend(inner)
        elif len(inner) == 1 and isinstance(inner[0], Step):
            items.append(replace(inner[0], path=child))  # a module of one layer is that layer
        else:
            items.append(Group(child, modules.get(child, ""), inner, entry))
    return items


def _child(step: Step, level: int) -> str | None:
    return step.scope[level] if len(step.scope) > level else None


def _entry(run: list[Step], readers: Readers) -> str | None:
    """The one value a run of steps reads from outside, if it reads one (the first step reading it alone)
    and only its last step is read outside it; else None."""
    names = {step.name for step in run}
    outside = {name for step in run for name in step.inputs if name not in names}
    if len(outside) != 1 or run[0].inputs != list(outside):
        return None
    read_outside = {step.name for step in run if readers.get(step.name, set()) - names}
    return outside.pop() if read_outside == {run[-1].name} else None


@dataclass(frozen=True)
class Merge:
    """A group that ends in a merge of chains from its input: `residual` (add of a body and a shortcut) or
    `branches` (concat of paths), with the activation after the merge if there is one."""

    kind: str
    chains: list[list[Item]]
    act: Step | None


def merge_of(group: Group) -> Merge | None:
    """The residual block or branches a group is, if it is one: every item but the merge (and an activation
    right after it) lies on exactly one chain from the group's input to one of the merge's inputs."""
    items, act, last = group.items, None, group.items[-1]
    if len(items) > 1 and isinstance(last, Step) and _is_act_of(last, items[-2]):
        items, act = items[:-1], last
    merge = items[-1]
    if not isinstance(merge, Step) or merge.kind not in ("add", "concat") or len(merge.inputs) < 2:
        return None
    if merge.kind == "add" and len(merge.inputs) != 2:
        return None
    found = [chain for end in merge.inputs if (chain := _chain(items[:-1], group.entry, end)) is not None]
    on_chains = {id(item) for chain in found for item in chain}
    if len(found) != len(merge.inputs) or not len(on_chains) == sum(map(len, found)) == len(items) - 1:
        return None
    if merge.kind == "concat":
        return Merge("branches", found, act)
    found.sort(key=len, reverse=True)  # the body is the chain with layers on it (stable: torch's body first)
    return Merge("residual", found, act) if found[0] else None


def _is_act_of(step: Step, before: Item) -> bool:
    return step.kind == "act" and step.inputs == [exit_of(before)]


def _chain(items: list[Item], entry: str, end: str) -> list[Item] | None:
    """The items from `entry` to `end`, each reading only the one before it (none if end is the entry)."""
    made = {exit_of(item): item for item in items}
    chain: list[Item] = []
    while end != entry:
        item = made.get(end)
        if item is None or len(inputs_of(item)) != 1:
            return None
        chain.append(item)
        end = inputs_of(item)[0]
    return chain[::-1]
