"""Reading a spec: safe YAML with positions, block definitions and expressions, layer items parsed through
the registry, the validated Spec model, its JSON Schema, and the built-in zoo."""
