"""Analysis stage: counts, Likert and comparison tables, uncertainty, weighting, reliability, association, disclosure control and the reproduction audit."""
