#!/usr/bin/env python3
"""The DuckDB baseline for `mns attendance import` / `scan` (docs/design/early-identification.md §3).

Times DuckDB computing each pupil's health-absence days (I sessions / 2) and longest run of I
sessions, where the not-possible codes (# X Y1..Y7 D Q Z) neither extend nor break a run, over a
long-form export `URN,UPN,Date,Session,Mark` (or `UPN,Date,Session,Mark`, without URN). Pupils
with no I session are missing from the result, which is fine for timing.

    pip install duckdb    # the design measured 2.0.1
    scripts/attendance-duckdb.py county.csv [--threads 2]

An untimed `SELECT count(*)` first counts the rows and warms the page cache; then
`CREATE TEMP TABLE result AS <query>` is timed with time.perf_counter(). Prints one JSON line:
{"rows":..,"seconds":..,"rows_per_s":..,"pupils":..,"peak_rss_mb":..}, the peak being this
process's ru_maxrss. `crates/mns/benches/county_attendance.rs` runs it.
"""

import argparse
import json
import resource
import sys
import time

NOT_POSSIBLE = ("#", "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "Q", "Z")


def sql_string(text):
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def source(path, with_urn):
    """`read_csv` with the columns given, so DuckDB does not sniff."""
    columns = {"UPN": "VARCHAR", "Date": "DATE", "Session": "VARCHAR", "Mark": "VARCHAR"}
    if with_urn:
        columns = {"URN": "VARCHAR", **columns}
    spec = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in columns.items())
    return (
        f"read_csv({sql_string(path)}, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {{{spec}}})"
    )


def query(path, with_urn):
    """Gaps and islands: consecutive I sessions (among the possible ones) share seq - rank."""
    pupil = "urn, upn" if with_urn else "upn"
    urn = "URN AS urn, " if with_urn else ""
    not_possible = ", ".join(sql_string(code) for code in NOT_POSSIBLE)
    return f"""
WITH marks AS (
  SELECT {urn}UPN AS upn, "Date" AS d, "Session" AS s, upper(trim(Mark)) AS mark
  FROM {source(path, with_urn)}),
possible AS (
  SELECT {pupil}, mark, row_number() OVER (PARTITION BY {pupil} ORDER BY d, s) AS seq
  FROM marks WHERE mark NOT IN ({not_possible})),
illness AS (
  SELECT {pupil}, seq - row_number() OVER (PARTITION BY {pupil} ORDER BY seq) AS island
  FROM possible WHERE mark = 'I'),
runs AS (SELECT {pupil}, island, count(*) AS len FROM illness GROUP BY {pupil}, island)
SELECT {pupil}, sum(len) / 2.0 AS health_days, max(len) / 2.0 AS longest_run_days
FROM runs GROUP BY {pupil}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="the long-form attendance CSV")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    args = parser.parse_args()
    try:
        import duckdb
    except ImportError:
        sys.exit("DuckDB not installed: pip install duckdb")

    with open(args.file, "rb") as f:
        header = f.readline().decode("utf-8-sig").strip().split(",")
    with_urn = header[:1] == ["URN"]

    con = duckdb.connect()
    con.execute(f"SET threads = {int(args.threads)}")
    # Untimed: counts the rows and warms the page cache.
    rows = con.execute(f"SELECT count(*) FROM {source(args.file, with_urn)}").fetchone()[0]

    start = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE result AS {query(args.file, with_urn)}")
    seconds = time.perf_counter() - start

    pupils = con.execute("SELECT count(*) FROM result").fetchone()[0]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds) if seconds > 0 else None,
                "pupils": pupils,
                "peak_rss_mb": round(peak_kb / 1024, 1),
            },
            separators=(",", ":"),
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
