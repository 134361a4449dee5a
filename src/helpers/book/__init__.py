"""Book stage: Sphinx extensions, notebook execution, generated pages (municipalities, practice kit), glue and the environment table."""
