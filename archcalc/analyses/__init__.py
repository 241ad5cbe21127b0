"""Analyses over the engine's result: receptive fields, memory, input sizes, diffs, explanations, diagrams and
other tools' counting conventions. They compute; archcalc.render turns their results into text."""
