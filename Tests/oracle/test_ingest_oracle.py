"""`nq ingest` + `nq describe --summarize` checked against DuckDB over the same CSV files.

For every table of the real sample and of `nq gen --events 30000 --seed 3`, each table is ingested into a
fresh store, and the row count and, per column, the null count, non-null count, min, max and sum are
compared with what DuckDB computes from the CSV read with explicit types taken from schemas/*.sql.
Then: reject handling (`_rejects` line numbers and columns) on small hand-written CSVs.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

import duckdb
import pytest

from conftest import (GEN_TABLES, SAMPLE_TABLES, describe, parse_schema, run_nq, tables_by_name, SCHEMA_DIR)

STRING_BOUND = 64  # ZoneMap.maxStringBound

# DuckDB type used to *read* each GoogleSQL type. INT64 columns are read as DOUBLE because the data writes
# nullable integers as `43.0`; the oracle then checks they are integral and casts them to BIGINT.
READ_TYPE = {"STRING": "VARCHAR", "INT64": "DOUBLE", "FLOAT64": "DOUBLE", "BOOL": "BOOLEAN",
             "DATE": "DATE", "TIMESTAMP": "TIMESTAMP"}

# Row counts and duplicate counts stated by the sample's README.md.
SAMPLE_ROWS = {"users": (10_300, 300), "movies": (1_040, 40), "reviews": (15_450, 450), "search_logs": (26_500, 1_500)}


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def qident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def read_csv_sql(path: Path, columns: list[tuple[str, str]]) -> str:
    cols = ", ".join(f"{sql_str(name)}: {sql_str(READ_TYPE[t])}" for name, t in columns)
    return (f"read_csv({sql_str(str(path))}, header=true, delim=',', quote='\"', escape='\"', "
            f"auto_detect=false, allow_quoted_nulls=false, strict_mode=true, columns={{{cols}}})")


def truncate_min(s: str) -> str:
    """The zone-map lower bound of a string: its first 64 bytes, cut back to a character boundary."""
    b = s.encode("utf-8")
    if len(b) <= STRING_BOUND:
        return s
    cut = STRING_BOUND
    while cut > 0 and (b[cut] & 0xC0) == 0x80:
        cut -= 1
    return b[:cut].decode("utf-8")


def oracle(path: Path, columns: list[tuple[str, str]]) -> dict:
    """Row count and per-column statistics of the CSV, computed by DuckDB."""
    con = duckdb.connect()
    con.execute("SET threads=2")
    con.execute(f"CREATE TABLE t AS SELECT * FROM {read_csv_sql(path, columns)}")
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    distinct = con.execute("SELECT count(*) FROM (SELECT DISTINCT * FROM t)").fetchone()[0]
    stats = {}
    for name, typ in columns:
        c = qident(name)
        if typ == "INT64":
            fractional = con.execute(f"SELECT count(*) FROM t WHERE {c} <> round({c})").fetchone()[0]
            assert fractional == 0, f"oracle: {path.name}.{name} has {fractional} non-integral values"
            c = f"CAST({c} AS BIGINT)"
            extra = f"sum({c})"
        elif typ == "FLOAT64":
            extra = f"fsum({c})"
        elif typ == "BOOL":
            extra = f"count_if({c})"
        else:
            extra = "NULL"
        nonnull, lo, hi, total = con.execute(f"SELECT count({c}), min({c}), max({c}), {extra} FROM t").fetchone()
        stats[name] = {"type": typ, "count": nonnull, "null_count": rows - nonnull, "min": lo, "max": hi,
                       "sum": total}
    con.close()
    return {"rows": rows, "distinct": distinct, "columns": stats}


def csv_record_count(path: Path) -> tuple[int, int]:
    """(CSV records after the header, physical lines after the header), counted by Python's csv module."""
    with open(path, newline="", encoding="utf-8") as f:
        records = sum(1 for _ in csv.reader(f)) - 1
    with open(path, "rb") as f:
        data = f.read()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
    return records, lines


def parse_nq_value(typ: str, text):
    """A min/max text of `nq describe` as a typed Python value."""
    if text is None:
        return None
    if typ == "INT64":
        return int(text)
    if typ == "FLOAT64":
        return float(text)
    if typ == "BOOL":
        assert text in ("true", "false"), f"bad BOOL text {text!r}"
        return text == "true"
    if typ == "DATE":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), f"bad DATE text {text!r}"
        return dt.date.fromisoformat(text)
    if typ == "TIMESTAMP":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?", text), f"bad TIMESTAMP text {text!r}"
        return dt.datetime.fromisoformat(text)
    return text


def compare_table(desc: dict, want: dict, columns: list[tuple[str, str]]) -> list[str]:
    """Every difference between nq's describe output and the oracle, as readable lines."""
    problems = []
    if desc["rows"] != want["rows"]:
        problems.append(f"rows: nq {desc['rows']} != duckdb {want['rows']}")
    got_cols = [c["column"] for c in desc["columns"]]
    if got_cols != [n for n, _ in columns]:
        problems.append(f"columns: nq {got_cols} != schema {[n for n, _ in columns]}")
    for col in desc["columns"]:
        name = col["column"]
        if name not in want["columns"]:
            continue
        w = want["columns"][name]
        typ = w["type"]

        def bad(what, got, exp):
            problems.append(f"{name} ({typ}) {what}: nq {got!r} != oracle {exp!r}")

        if col["type"] != typ:
            bad("type", col["type"], typ)
        if col["null_count"] != w["null_count"]:
            bad("null_count", col["null_count"], w["null_count"])
        if col["count"] != w["count"]:
            bad("count", col["count"], w["count"])
        got_min, got_max = parse_nq_value(typ, col["min"]), parse_nq_value(typ, col["max"])
        exp_min, exp_max = w["min"], w["max"]
        if typ == "STRING" and exp_min is not None:
            exp_min = truncate_min(exp_min)
            if len(exp_max.encode("utf-8")) > STRING_BOUND:
                exp_max = None
        if typ == "FLOAT64":
            same_min = (got_min is None and exp_min is None) or (got_min is not None and exp_min is not None and got_min == exp_min)
            same_max = (got_max is None and exp_max is None) or (got_max is not None and exp_max is not None and got_max == exp_max)
        else:
            same_min, same_max = got_min == exp_min, got_max == exp_max
        if not same_min:
            bad("min", col["min"], exp_min)
        if not same_max:
            bad("max", col["max"], exp_max)
        got_sum = col["sum"]
        if typ in ("INT64", "BOOL"):
            exp_sum = int(w["sum"] or 0)
            if not isinstance(got_sum, int) or got_sum != exp_sum:
                bad("sum", got_sum, exp_sum)
        elif typ == "FLOAT64":
            exp_sum = float(w["sum"] or 0.0)
            if not isinstance(got_sum, (int, float)) or not math.isclose(got_sum, exp_sum, rel_tol=1e-9, abs_tol=1e-9):
                bad("sum", got_sum, exp_sum)
        elif got_sum is not None:
            bad("sum", got_sum, None)
    return problems


INGEST_LINE = re.compile(r"^(?P<path>.+) -> (?P<table>\w+): (?P<loaded>\d+) rows loaded, (?P<rejected>\d+) rejected")


def ingest_lines(stdout: str) -> list[dict]:
    out = []
    for line in stdout.splitlines():
        m = INGEST_LINE.match(line)
        if m:
            out.append({"path": m["path"], "table": m["table"], "loaded": int(m["loaded"]), "rejected": int(m["rejected"])})
    return out


# --------------------------------------------------------------------------- oracle over every table

CASES = [("sample", t) for t in SAMPLE_TABLES] + [("gen", t) for t in GEN_TABLES]


@pytest.fixture(scope="module", params=CASES, ids=[f"{s}-{t}" for s, t in CASES])
def loaded(request, nq, schemas, tmp_path_factory):
    source, table = request.param
    data_dir = request.getfixturevalue("sample_dir" if source == "sample" else "gen_dir")
    path = data_dir / f"{table}.csv"
    store = tmp_path_factory.mktemp(f"store-{source}-{table}")
    ingest = run_nq(nq, "ingest", str(path), store=store)
    return {"source": source, "table": table, "path": path, "store": store, "ingest": ingest.stdout,
            "columns": schemas[table], "describe": describe(nq, store, table),
            "tables": tables_by_name(nq, store), "oracle": oracle(path, schemas[table])}


def test_describe_matches_duckdb(loaded):
    problems = compare_table(loaded["describe"], loaded["oracle"], loaded["columns"])
    assert not problems, f"{loaded['source']} {loaded['table']}:\n  " + "\n  ".join(problems)


def test_loads_without_rejects(loaded):
    lines = ingest_lines(loaded["ingest"])
    assert len(lines) == 1, f"expected one per-file line in:\n{loaded['ingest']}"
    assert lines[0]["table"] == loaded["table"]
    assert lines[0]["rejected"] == 0, loaded["ingest"]
    assert "total: " in loaded["ingest"] and ", 0 rejected" in loaded["ingest"], loaded["ingest"]
    assert "_rejects" not in loaded["tables"], "a _rejects table exists after a clean load"
    assert set(loaded["tables"]) == {loaded["table"]}


def test_row_count_keeps_duplicates(loaded):
    records, lines = csv_record_count(loaded["path"])
    t = loaded["tables"][loaded["table"]]
    ingest = ingest_lines(loaded["ingest"])[0]
    assert t["rows"] == records == loaded["oracle"]["rows"] == ingest["loaded"]
    if records == lines:  # no quoted line breaks: rows equal the data lines too
        assert t["rows"] == lines
    if loaded["source"] == "sample":
        total, dups = SAMPLE_ROWS[loaded["table"]]
        assert records == total, "the sample file is not the one README.md describes"
        assert loaded["oracle"]["distinct"] == total - dups, "the sample's duplicate rows are not as README.md says"
        assert t["rows"] == total


def test_tables_and_describe_agree(loaded):
    t = loaded["tables"][loaded["table"]]
    d = loaded["describe"]
    assert d["table"] == loaded["table"]
    for k in ("rows", "segments", "raw_bytes", "stored_bytes"):
        assert d[k] == t[k], f"{k}: describe {d[k]} != tables {t[k]}"
    assert t["segments"] >= 1 and t["stored_bytes"] > 0


def test_check_passes(loaded, nq):
    out = run_nq(nq, "check", store=loaded["store"]).stdout
    assert out.startswith("ok:"), out


def test_whole_folder_in_one_ingest(nq, gen_dir, tmp_path, schemas):
    """The six generated files ingested as one folder: one commit, same row counts as the oracle."""
    store = tmp_path / "store"
    out = run_nq(nq, "ingest", str(gen_dir), store=store).stdout
    lines = {l["table"]: l for l in ingest_lines(out)}
    assert set(lines) == set(GEN_TABLES), out
    tables = tables_by_name(nq, store)
    assert set(tables) == set(GEN_TABLES)
    for t in GEN_TABLES:
        records, _ = csv_record_count(gen_dir / f"{t}.csv")
        assert tables[t]["rows"] == records == lines[t]["loaded"]
        assert lines[t]["rejected"] == 0


def test_schema_parser_sees_every_table(schemas):
    assert set(schemas) == set(GEN_TABLES)
    assert all(len(cols) >= 10 for cols in schemas.values())


# --------------------------------------------------------------------------- rejects

REVIEWS_COLS = [n for n, _ in parse_schema(SCHEMA_DIR / "reviews.sql")]
HEADER = ",".join(REVIEWS_COLS).encode() + b"\n"


def review(i: int, rating: bytes = b"4", date: bytes = b"2025-03-29", text: bytes = b"Great film.",
           fields: int | None = None) -> bytes:
    values = [f"review_{i:06d}".encode(), b"user_00001", b"movie_0001", rating, date, b"Mobile", b"True",
              b"3.0", b"5.0", text, b"positive", b"0.711"]
    if fields is not None:
        values = values[:fields] if fields < len(values) else values + [b"x"] * (fields - len(values))
    return b",".join(values) + b"\n"


# (id, bad row, expected column (None = whole row), expected reason)
BAD_ROWS = [
    ("int-not-a-number", review(90, rating=b"4x.5"), "rating", "INT64: '4x.5' is not a number"),
    ("int-with-fraction", review(91, rating=b"43.5"), "rating", "INT64: '43.5' is not an integer"),
    ("too-few-fields", review(92, fields=11), None, "expected 12 fields, found 11"),
    ("too-many-fields", review(93, fields=13), None, "expected 12 fields, found 13"),
    ("bad-date", review(94, date=b"2024-02-30"), "review_date", "DATE: '2024-02-30' is not a valid date (YYYY-MM-DD)"),
    ("invalid-utf8", review(95, text=b"Nice \xff\xfe film"), "review_text", "invalid UTF-8 at byte 5"),
]


def rejects_stats(nq, store) -> dict:
    d = describe(nq, store, "_rejects")
    return {"rows": d["rows"], **{c["column"]: c for c in d["columns"]}}


@pytest.mark.parametrize("bad,column,reason", [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS])
def test_single_reject(nq, tmp_path, bad, column, reason):
    """Good rows on lines 2-3 (the second spans two lines: a quoted line break), the bad row on line 5."""
    csv_path = tmp_path / "reviews.csv"
    csv_path.write_bytes(HEADER + review(1) + review(2, text=b'"two\nlines"') + bad + review(3))
    store = tmp_path / "store"
    out = run_nq(nq, "ingest", str(csv_path), store=store).stdout
    lines = ingest_lines(out)
    assert [(l["table"], l["loaded"], l["rejected"]) for l in lines] == [("reviews", 3, 1)], out
    assert "total: 3 rows loaded, 1 rejected" in out, out
    assert tables_by_name(nq, store)["reviews"]["rows"] == 3

    r = rejects_stats(nq, store)
    assert r["rows"] == 1
    assert (r["line_number"]["min"], r["line_number"]["max"], r["line_number"]["sum"]) == ("5", "5", 5)
    assert (r["table_name"]["min"], r["table_name"]["max"]) == ("reviews", "reviews")
    assert r["file"]["min"] == truncate_min(str(csv_path))
    if column is None:
        assert r["column_name"]["null_count"] == 1 and r["column_name"]["min"] is None
    else:
        assert r["column_name"]["null_count"] == 0
        assert (r["column_name"]["min"], r["column_name"]["max"]) == (column, column)
    assert r["reason"]["min"] == truncate_min(reason)
    raw = bad.rstrip(b"\n").decode("utf-8", errors="replace")
    assert r["raw_line"]["min"] == truncate_min(raw)

    # The rejected row left nothing behind in any column (partial rows are undone).
    d = {c["column"]: c for c in describe(nq, store, "reviews")["columns"]}
    assert all(c["count"] + c["null_count"] == 3 for c in d.values()), d
    assert d["review_id"]["max"] == "review_000003" and d["rating"]["sum"] == 12


def test_all_rejects_in_one_file(nq, tmp_path):
    """Every bad row of BAD_ROWS in one file, between good rows: right counts, line numbers and columns."""
    body, bad_lines, line = b"", [], 2
    for i, (_, bad, column, _) in enumerate(BAD_ROWS):
        body += review(100 + i, rating=b"5.0") + bad
        bad_lines.append((line + 1, column))
        line += 2
    body += review(200, rating=b"1")
    csv_path = tmp_path / "reviews.csv"
    csv_path.write_bytes(HEADER + body)
    store = tmp_path / "store"
    out = run_nq(nq, "ingest", str(csv_path), store=store).stdout
    n_bad, n_good = len(BAD_ROWS), len(BAD_ROWS) + 1
    assert [(l["loaded"], l["rejected"]) for l in ingest_lines(out)] == [(n_good, n_bad)], out
    assert f"reviews: {n_good} loaded, {n_bad} rejected" in out, out
    assert f"total: {n_good} rows loaded, {n_bad} rejected" in out and "nq describe _rejects" in out, out

    r = rejects_stats(nq, store)
    assert r["rows"] == n_bad
    nums = [n for n, _ in bad_lines]
    assert (int(r["line_number"]["min"]), int(r["line_number"]["max"]), r["line_number"]["sum"]) == (min(nums), max(nums), sum(nums))
    named = sorted(c for _, c in bad_lines if c is not None)
    assert r["column_name"]["null_count"] == sum(1 for _, c in bad_lines if c is None)
    assert r["column_name"]["count"] == len(named)
    assert (r["column_name"]["min"], r["column_name"]["max"]) == (named[0], named[-1])
    assert r["table_name"]["count"] == n_bad and r["reason"]["null_count"] == 0 and r["raw_line"]["null_count"] == 0

    d = {c["column"]: c for c in describe(nq, store, "reviews")["columns"]}
    assert d["rating"]["sum"] == 5 * len(BAD_ROWS) + 1 and d["rating"]["count"] == n_good
    assert all(c["count"] + c["null_count"] == n_good for c in d.values()), d
    assert run_nq(nq, "check", store=store).stdout.startswith("ok:")


def test_rejects_accumulate_across_ingests(nq, tmp_path):
    """A second file with one bad row appends to _rejects; each reject keeps its own file and line."""
    store = tmp_path / "store"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(HEADER + review(1) + review(2, rating=b"4x.5"))
    b.write_bytes(HEADER + review(3) + review(4) + review(5) + review(6, date=b"2023-02-29"))
    run_nq(nq, "ingest", "--table", "reviews", str(a), store=store)
    out = run_nq(nq, "ingest", "--table", "reviews", "--append", str(b), store=store).stdout
    assert "3 rows loaded, 1 rejected" in out, out
    r = rejects_stats(nq, store)
    assert r["rows"] == 2
    assert (r["line_number"]["min"], r["line_number"]["max"]) == ("3", "5")
    assert (r["file"]["min"], r["file"]["max"]) == (truncate_min(str(a)), str(b) if len(str(b).encode()) <= 64 else None)
    assert (r["column_name"]["min"], r["column_name"]["max"]) == ("rating", "review_date")
    assert tables_by_name(nq, store)["reviews"]["rows"] == 4


# --------------------------------------------------------------------------- 64-byte string bounds

def write_reviews(path: Path, texts: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER.decode())
        for i, text in enumerate(texts):
            f.write(review(i, text=('"' + text.replace('"', '""') + '"').encode()).decode())


LONG_MIN = ["a" * 63 + "é" + "z" * 10,   # 2-byte character across byte 64: the bound is cut to 63 bytes
            "a" * 63 + "ü",               # 65 bytes, larger than the one above
            "b", "ab"]
LONG_MAX = ["a", "€" * 30, "€" * 21 + "x", "zz" + "ß" * 40]  # the maximum has 82 bytes: no bound


@pytest.mark.parametrize("texts", [LONG_MIN, LONG_MAX, ["x" * 64, "y" * 64]], ids=["long-min", "long-max", "exactly-64"])
def test_string_bounds_follow_the_64_byte_rule(nq, tmp_path, schemas, texts):
    csv_path = tmp_path / "reviews.csv"
    write_reviews(csv_path, texts)
    store = tmp_path / "store"
    run_nq(nq, "ingest", str(csv_path), store=store)
    problems = compare_table(describe(nq, store, "reviews"), oracle(csv_path, schemas["reviews"]), schemas["reviews"])
    assert not problems, "\n".join(problems)


def test_short_max_after_a_segment_with_a_long_max(nq, tmp_path, schemas):
    """Segment 1's max is 100 bytes ('c' * 100); segment 2 holds 'd', the table's max, which is 1 byte long."""
    store = tmp_path / "store"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_reviews(a, ["a", "c" * 100])
    write_reviews(b, ["d", "b"])
    run_nq(nq, "ingest", "--table", "reviews", str(a), store=store)
    run_nq(nq, "ingest", "--table", "reviews", "--append", str(b), store=store)
    col = {c["column"]: c for c in describe(nq, store, "reviews")["columns"]}["review_text"]
    assert (col["min"], col["max"]) == ("a", "d")
