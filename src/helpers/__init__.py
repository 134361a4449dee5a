"""Helpers of the analysis book, grouped by the stage of the data flow they serve.

``data`` (read, check, harmonise and merge the SPSS deliveries) ->
``analysis`` (tables and statistics) -> ``present`` (rendered tables and
charts) -> ``book`` (Sphinx extensions, generated pages, glue). ``synthetic``
generates the stand-in deliveries; ``notation`` formats numbers the Flemish
way for every stage. See ARCHITECTURE.md for the module map.
"""
