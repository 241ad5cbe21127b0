"""Turn Pydantic's validation errors into sentences that say what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from archcalc.errors import DocPath, Problem, closest, suggest


def translate(
    error: ValidationError,
    model: type[BaseModel],
    where: DocPath,
    subject: str,
    arguments: Sequence[str] = (),
) -> list[Problem]:
    """One Problem per Pydantic error, located at `where` + the error's loc within the document.

    A missing setting is not reported when an unknown key is a misspelling of it: the suggestion says it all.
    Inside a block, text where a number belongs is checked against the block's `arguments` for a misspelling.
    """
    details = error.errors()
    misspelt = {
        (d["loc"][:-1], closest(str(d["loc"][-1]), settings_of(_model_at(model, d["loc"][:-1]))))
        for d in details
        if d["type"] == "extra_forbidden"
    }
    kept = [d for d in details if not (d["type"] == "missing" and (d["loc"][:-1], d["loc"][-1]) in misspelt)]
    return [_problem(detail, model, where, subject, arguments) for detail in kept]


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel]:
    """The nested model that owns the settings at `loc`: conv's ('act',) → Act."""
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            break
        model = nested
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first model class named in an annotation such as `Act | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, (_model_in(arg) for arg in get_args(annotation))), None)


def settings_of(model: type[BaseModel]) -> list[str]:
    """The model's settings as a spec writes them (`from`, not `sources`), its own first and then those it
    inherits (conv's before every layer's)."""
    ordered: list[str] = []
    fields = model.model_fields
    for cls in model.__mro__:
        ordered += [
            fields[name].alias or name for name in getattr(cls, "__annotations__", {}) if name in fields
        ]
    return list(dict.fromkeys(ordered))


def _problem(
    detail: ErrorDetails, model: type[BaseModel], where: DocPath, subject: str, arguments: Sequence[str]
) -> Problem:
    loc = tuple(part for part in detail["loc"] if isinstance(part, str | int))
    field = ".".join(str(part) for part in loc)
    kind = detail["type"]
    if kind == "extra_forbidden":
        owner = f"{subject}: {'.'.join(str(part) for part in loc[:-1])}" if loc[:-1] else subject
        return _unknown_key(str(loc[-1]), _model_at(model, loc[:-1]), (*where, *loc), owner)
    if kind == "missing":
        return Problem(f"{subject}: missing required setting '{field}'", (*where, *loc[:-1]))
    prefix = f"{subject}: {field}" if field else subject
    return Problem(f"{prefix}: {_reason(detail)}{_argument_hint(detail['input'], arguments)}", (*where, *loc))


def _unknown_key(key: str, model: type[BaseModel], path: DocPath, subject: str) -> Problem:
    valid = settings_of(model)
    message = f"{subject}: unknown setting '{key}'{suggest(key, valid)} (valid: {', '.join(valid)})"
    return Problem(message, path, on_key=True, code="AC011")


_EXPECTED = {
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "float_type": "a number", "float_parsing": "a number", "string_type": "text",
    "tuple_type": "a list", "list_type": "a list", "dict_type": "a mapping of settings",
    "model_type": "a mapping of settings", "model_attributes_type": "a mapping of settings",
}  # fmt: skip
_SAY_WITH_VALUE = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
}


def _reason(detail: ErrorDetails) -> str:
    kind, value = detail["type"], detail["input"]
    if kind == "literal_error":
        expected = detail.get("ctx", {})["expected"]
        return f"{value!r} is not one of {expected}{_literal_hint(value, expected)}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_show(value)}"
    if kind in _SAY_WITH_VALUE:
        return f"{detail['msg'][0].lower()}{detail['msg'][1:]}, got {_show(value)}"
    return detail["msg"].removeprefix("Value error, ")


def _argument_hint(value: Any, arguments: Sequence[str]) -> str:
    if isinstance(value, str) and value.count("(") > value.count(")"):
        return (" — a comma ends a value inside `{…}`: quote an expression with commas, e.g. "
                "\"make_divisible(nC // 4, 8)\"")  # fmt: skip
    close = closest(value, list(arguments)) if isinstance(value, str) else None
    return f" — did you mean the argument '{close}'?" if close else ""


def _literal_hint(value: Any, expected: str) -> str:
    choices = [choice.strip(" '") for choice in expected.replace(" or ", ", ").split(",")]
    return suggest(value, choices) if isinstance(value, str) else ""


def _show(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return repr(value) if isinstance(value, str) else str(value)
