"""The `archcalc` command line: the typer app and its shared options live in `app`; each command module
registers its commands on it when imported here (they import `app`, never this package)."""

from archcalc.cli import bench, importing, lint, table, tools, torch
from archcalc.cli.app import app, main

__all__ = ["app", "bench", "importing", "lint", "main", "table", "tools", "torch"]
