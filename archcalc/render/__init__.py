"""Results into text: rich tables, markdown, CSV and JSON. Renderers never compute a figure."""
