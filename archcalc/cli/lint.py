"""`archcalc lint`, `archcalc rules` and `archcalc schema`: the commands for CI, editors and pre-commit.

Exit codes: 0 clean (warnings allowed unless --strict), 1 findings at error level, 2 usage or config errors.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from archcalc import api
from archcalc.cli.app import TableOrJson, app, guarded, show
from archcalc.cli.options import assignments, whole_number

if TYPE_CHECKING:
    from archcalc.linting.config import LintConfig


class LintFormat(StrEnum):
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def lint(  # noqa: PLR0917 (one parameter per command-line option)
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Spec files or folders (default: the current folder).")
    ] = None,
    output_format: Annotated[
        LintFormat | None,
        typer.Option(
            "--format", "-f", help="concise (default; github under GitHub Actions), json, github, sarif."
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CODES", help="Rule codes or prefixes to check: AC2,AC301 (or repeat the option)."
        ),
    ] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option(metavar="CODES", help="Codes to check on top of the selection: AC301,AC302."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(metavar="CODES", help="Rule codes or prefixes to skip: AC201,AC3.")
    ] = None,
    max_params: Annotated[
        str | None, typer.Option(metavar="N", help="Budget, e.g. 30M: more parameters is an error (AC401).")
    ] = None,
    max_macs: Annotated[
        str | None, typer.Option(metavar="N", help="Budget, e.g. 5G: more MACs is an error (AC402).")
    ] = None,
    max_activations: Annotated[
        str | None, typer.Option(metavar="N", help="Budget: more activations is an error (AC403).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    only_specs: Annotated[
        bool,
        typer.Option("--only-specs", help="Skip given files without a top-level `layers:` (for pre-commit)."),
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Report only: exit 0 whatever is found.")
    ] = False,
    assign: Annotated[
        str | None,
        typer.Option(
            "--set", metavar="NAME=N,…", help="Spec parameters, e.g. n=18, for the specs declaring them."
        ),
    ] = None,
    jobs: Annotated[
        str,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N|auto",
            help="Worker processes sharing the files (auto: one per CPU; from 8 files a worker, on Linux).",
        ),
    ] = "auto",
) -> None:
    """Check specs: schema and shape errors, wasteful or suspicious designs, and budgets."""
    from archcalc.linting import output

    options = {"select": select, "extend_select": extend_select, "ignore": ignore, "max_params": max_params,
               "max_macs": max_macs, "max_activations": max_activations}  # fmt: skip
    config = _config({key: value for key, value in options.items() if value})
    values = assignments(assign)
    given = paths or [Path.cwd()]
    workers = _jobs(jobs)
    linted = guarded(lambda: api.lint(given, config=config, set=values, only_specs=only_specs, jobs=workers))
    findings, files = linted.findings, linted.files
    chosen = output_format or (
        LintFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else LintFormat.concise
    )
    writers = {
        LintFormat.concise: lambda: output.concise(findings, len(files)),
        LintFormat.json: lambda: output.as_json(findings),
        LintFormat.github: lambda: output.github(findings),
        LintFormat.sarif: lambda: output.sarif(findings),
    }
    sys.stdout.write(writers[chosen]())
    raise typer.Exit(0 if exit_zero or not linted.failing(strict) else 1)


def _jobs(text: str) -> int:
    """`--jobs`: `auto` (the CPUs this process may use) or a whole number from 1."""
    from archcalc.linting.parallel import available_jobs

    if text == "auto":
        return available_jobs()
    return whole_number(text, "--jobs", "auto or a positive whole number of workers")


def _config(options: dict[str, Any]) -> LintConfig:
    """Defaults, then `[tool.archcalc]` of the nearest pyproject, then the command line (exit 2 if bad)."""
    from archcalc.linting.config import ConfigError, LintConfig, from_pyproject

    try:
        settings, origin = from_pyproject(Path.cwd())
        return LintConfig().merged(settings, str(origin)).merged(options, "command line")
    except ConfigError as exc:
        typer.echo(f"archcalc lint: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def rules(
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="How to print the rules.")
    ] = TableOrJson.table,
) -> None:
    """Every lint rule: code, level, name and why it matters."""
    import json

    from archcalc.linting.rules import RULES

    if output_format is TableOrJson.json:
        records = [
            {"code": r.code, "name": r.name, "level": r.level, "rationale": r.rationale}
            for r in RULES.values()
        ]
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table(title="archcalc lint rules", caption="AC3xx hints are opt-in: --extend-select AC3")
    for column in ("code", "level", "name", "why"):
        table.add_column(column, no_wrap=column != "why")
    for rule in sorted(RULES.values(), key=lambda r: r.code):
        table.add_row(rule.code, rule.level, rule.name, rule.rationale)
    show(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft-07) of the spec format, for editors (yaml-language-server)."""
    import json

    from archcalc.spec.schema import spec_schema

    sys.stdout.write(json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n")
