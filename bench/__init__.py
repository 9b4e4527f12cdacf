"""`make bench`: a synthetic national portfolio and the figures measured on it.

- `bench.generate` builds a fresh database with the migrations and fills it with bulk inserts
  (executemany on SQLite, COPY on PostgreSQL), consistent with the app's invariants.
- `bench.serve` runs the app under gunicorn and talks HTTP to it.
- `bench.run` measures every figure beside a baseline taken in the same run on the same data,
  prints the table and writes `bench/results/latest.json`.

Run it with `make bench [SCALE=0.1] [BENCH_POSTGRES_URL=postgresql+psycopg://…]` or
`python -m bench.run --scale 0.1 [--postgres URL]`.
"""
