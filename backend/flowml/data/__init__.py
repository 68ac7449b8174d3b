"""Uploaded files -> typed, profiled polars DataFrames.

Modules, one job each:
- `formats`: supported extensions, `read_table` (every format, errors that name the problem), `validate_table`,
  listing SQLite tables / Excel sheets, the stored Parquet form; readers per format family live in `readers/`,
  and Excel, Parquet and Arrow are parsed in `readers/sandbox`'s memory-capped child process.
- `limits`: what a file may make the reader do (columns, bytes once inflated, compression ratio, YAML expansion);
  `archive`: the decompression-bomb checks for zip containers (.xlsx), run before any parser opens one.
- `schema`: column kinds (numeric, categorical, boolean, datetime, text, id) and parsing date/number text.
- `target`: the columns ranked as prediction targets (with reasons and confidence) and each column's problem type.
- `profile`: per-column statistics and JSON-safe previews.
- `ingest`: all of the above in one call, `inspect_file`.
"""
