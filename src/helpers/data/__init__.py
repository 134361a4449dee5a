"""Data stage: paths, codebook, SPSS input/output, mappings, harmonisation, merge and validation."""
