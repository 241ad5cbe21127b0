"""The JSON Schema (draft-07, as yaml-language-server wants) of the spec format, from the same models.

Each layer kind's settings come from its Pydantic model; a layer item is `{kind: settings}`, `{kind: value}`
(its shorthand) or a bare kind, and a block use is any other single-key mapping. Inside blocks a number may
be an expression of the block's arguments (`width * 4`), so every number and true/false also accepts text,
and a choice of words (an activation, a padding mode) also the name of an argument (`act: act`).
"""

from __future__ import annotations

from typing import Any

from archcalc.layers import LAYER_KINDS

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
EXPRESSION = {"type": "string", "description": "an expression of block arguments, e.g. width * 4"}
ARGUMENT = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            "description": "a block argument's name, e.g. act: act"}  # fmt: skip
REF_TEMPLATE = "#/definitions/{model}"


def spec_schema() -> Any:
    """The whole schema: the spec's top level, one definition per layer kind, and the layer list."""
    definitions: dict[str, Any] = {}
    items: list[Any] = [{"type": "string", "description": "a kind or block with no settings, e.g. flatten"}]
    for name, layer_class in sorted(LAYER_KINDS.items()):
        settings = layer_class.model_json_schema(ref_template=REF_TEMPLATE)
        definitions.update(settings.pop("$defs", {}))
        definitions[layer_class.__name__] = settings
        reference = {"$ref": REF_TEMPLATE.format(model=layer_class.__name__)}
        items.append(_single_key(name, {"anyOf": [reference, {"type": "null"}]}))
    for layer_class in LAYER_KINDS.values():  # `- dropout: 0.5`, `act: relu`: the shorthand value alone
        settings = definitions[layer_class.__name__]
        if layer_class.shorthand and "anyOf" not in settings:
            shorthand = settings["properties"][layer_class.shorthand]
            definitions[layer_class.__name__] = {"anyOf": [settings, shorthand]}
    items.append(_block_use())
    definitions["layers"] = {"type": "array", "items": {"anyOf": items}}
    return _draft_07({
        "$schema": DRAFT_07,
        "title": "archcalc spec",
        "description": "A CNN for archcalc: name, input nH×nW×nC (or [n]), layers, optional blocks.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "input", "layers"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
            "input": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1,
                      "maxItems": 3},
            "layers": {"x-archcalc": "layers", "minItems": 1},
            "params": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "names usable in every expression, set with --set"},
            "outputs": {"type": "array", "items": {"type": "string"},
                        "description": "the top-level layers whose outputs are the network's"},
            "blocks": {"type": "object", "additionalProperties": {"x-archcalc": "layers"},
                       "description": "block definitions: `name(arg, arg=default)` → layers"},
            "include": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                        "description": "specs whose blocks this one uses: built-in names or relative paths"},
            "lint": {"type": "object", "description": "lint settings of this spec: budgets, select, ignore"},
        },
        "definitions": definitions,
    })  # fmt: skip


def _single_key(key: str, value: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {key: value}, "required": [key], "additionalProperties": False}


def _block_use() -> dict[str, Any]:
    return {
        "type": "object", "minProperties": 1, "maxProperties": 1,
        "propertyNames": {"not": {"enum": sorted(LAYER_KINDS)}},
        "additionalProperties": {"type": ["object", "null"]},
        "description": "a use of a block defined under `blocks:`, with its arguments",
    }  # fmt: skip


def _draft_07(node: Any) -> Any:
    """Rewrite Pydantic's output for draft-07: references, tuples, and numbers that may be expressions."""
    if isinstance(node, list):
        return [_draft_07(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("x-archcalc") == "layers":
        rest = {key: value for key, value in node.items() if key not in ("x-archcalc", "title")}
        reference = {"$ref": "#/definitions/layers"}
        return {"allOf": [reference, rest]} if rest else reference
    node = {key: _draft_07(value) for key, value in node.items()}
    if "prefixItems" in node:
        node["items"] = node.pop("prefixItems")
    if node.get("type") in ("integer", "number", "boolean"):
        return {"anyOf": [node, EXPRESSION]}
    if node.get("type") == "string" and "enum" in node:  # a setting's choice of words (a Literal)
        return {"anyOf": [node, ARGUMENT]}
    return node
