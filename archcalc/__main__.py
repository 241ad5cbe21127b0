"""`python -m archcalc` runs the command-line interface."""

from archcalc.cli import main

main()
