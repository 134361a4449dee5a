"""Deterministic, calibrated synthetic data for the resident survey.

The real SPSS files of the ten student groups are not public. This package
makes stand-ins that look like what ten different groups would deliver (each
with its own variable names and codings) and that, once harmonised with the
mappings in ``data/mappings``, reproduce every survey figure the report
prints.

Modules
-------
calibrate
    Exact integer search for category counts that reproduce printed
    percentages (pure functions).
generate
    Builds the respondent-level "truth", splits it into ten raw files by
    applying the inverse of each mapping, and writes the interview metadata.

Run ``python -m helpers.synthetic [--out DIR]``.
"""
