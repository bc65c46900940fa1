"""`python -m bench`: measures the performance budget of DESIGN.md on a reference organisation.

Modules: `organisation` (the cached benchmark databases), `timing` (median-of-runs timer),
`pages` (one athlete's progress page and one team's overview, by calling the loaders and through
AppTest), `organisation_analytics` (the floor, whole-organisation analytics, peak memory),
`import_speed` (check-in CSV import throughput), `acwr_peer` (ACWR against the `acwr` package),
`report` (the printed table and the JSON). docs/PERFORMANCE.md says what each figure means.
"""
