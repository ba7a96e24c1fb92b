"""Target extraction in named stages, each a small pure function with its own tests.

segments (lines, clauses, table rows with their headers) → mentions (every number read:
value, range, words, fractions) → decisions (one per mention, with a reason) → indicator
(on the whole noun phrase around the number) → attributes (type, bound, unit, year,
baseline) → evidence (the verbatim quote and its offsets). `pipeline.extract` runs them;
`pipelines.targets.extract` is the facade the pipeline, CLI and tests call.
"""
