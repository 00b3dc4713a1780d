"""The batch pipeline (`nq batch`) against DuckDB running the same SQL files.

Every file of pipelines/batch is translated by sqlglot (BigQuery → DuckDB, with the semantic fixes of
differential/harness.py) and run by DuckDB over the same CSVs nq ingested; every table the pipeline
publishes must equal DuckDB's (as multisets; floats to a relative 1e-9), and the run's dq_report rows must
equal DuckDB's tmp_dq_counts.

Data: the real sample (its watch_history is the sample's 4,500 real events without their timestamp; it has
no recommendation_logs, so that table is empty), and `nq gen` data with two seeds, each with injected
quirks (conflicting keys, unknown users and titles, negative durations, progress outside 0-100, NULL keys).

Run: NQ_BIN=$PWD/.build/debug/nq python3 -m pytest Tests/oracle/test_batch.py -q
"""
from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import pytest
import sqlglot

from conftest import GEN_TABLES, REPO, SAMPLE_DIR, SCHEMA_DIR, parse_schema, run_nq
from differential.harness import compare, duckdb_connection, run_duckdb, run_nq_query, to_duckdb

PIPELINE = REPO / "pipelines" / "batch"
SCHEMAS = {p.stem: parse_schema(p) for p in sorted(SCHEMA_DIR.glob("*.sql"))}
GEN = {"gen_a": (20_000, 5), "gen_b": (12_000, 77)}


def pipeline_statements() -> list[str]:
    """Every statement of pipelines/batch/*.sql, in run order, as GoogleSQL text."""
    out = []
    for f in sorted(PIPELINE.glob("*.sql")):
        out += [e.sql(dialect="bigquery") for e in sqlglot.parse(f.read_text(), read="bigquery") if e is not None]
    return out


def created_tables() -> list[str]:
    names = []
    for s in pipeline_statements():
        t = sqlglot.parse_one(s, read="bigquery").this
        name = (t.this if isinstance(t, sqlglot.exp.Schema) else t).name
        if name not in names:
            names.append(name)
    return names


RESULTS = [t for t in created_tables() if not t.startswith("tmp_")]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def sample_as_csvs(out: Path) -> Path:
    """The sample's four CSVs, its events as watch_history.csv, and an empty recommendation_logs.csv."""
    for t in ["users", "movies", "reviews", "search_logs"]:
        (out / f"{t}.csv").write_bytes((SAMPLE_DIR / f"{t}.csv").read_bytes())
    header = [c for c, _ in SCHEMAS["watch_history"]]
    rows = []
    for line in (SAMPLE_DIR / "watch_events.jsonl").read_text().splitlines():
        e = json.loads(line)  # Python's json reads the bare NaN the events hold
        row = []
        for c in header:
            v = e.get(c)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                row.append("")
            elif isinstance(v, bool):
                row.append("True" if v else "False")
            else:
                row.append(str(v))
        rows.append(row)
    write_csv(out / "watch_history.csv", header, rows)
    write_csv(out / "recommendation_logs.csv", [c for c, _ in SCHEMAS["recommendation_logs"]], [])
    return out


def inject_quirks(csv_dir: Path, seed: int) -> None:
    """Appends rows that exercise every cleaning rule to generated CSVs."""
    rnd = random.Random(seed)
    header, rows = read_csv(csv_dir / "watch_history.csv")
    col = {c: i for i, c in enumerate(header)}
    extra = []
    for i, r in enumerate(rnd.sample(rows, 60)):
        r = list(r)
        kind = i % 6
        if kind == 0:    # same session_id, different content: a conflicting key
            r[col["watch_duration_minutes"]] = f"{rnd.uniform(1, 200):.1f}"
            r[col["action"]] = rnd.choice(["started", "completed", "stopped", "paused"])
        elif kind == 1:  # an unknown user
            r[col["session_id"]] = f"session_x{i:05d}"
            r[col["user_id"]] = f"user_missing_{i}"
        elif kind == 2:  # an unknown title
            r[col["session_id"]] = f"session_y{i:05d}"
            r[col["movie_id"]] = f"movie_missing_{i}"
        elif kind == 3:  # a negative duration
            r[col["session_id"]] = f"session_z{i:05d}"
            r[col["watch_duration_minutes"]] = f"-{rnd.uniform(1, 50):.1f}"
        elif kind == 4:  # progress outside 0-100, and a skip with NULL progress
            r[col["session_id"]] = f"session_w{i:05d}"
            r[col["progress_percentage"]] = rnd.choice(["130.5", "-4.0", ""])
            r[col["action"]] = "stopped"
        else:            # a NULL key
            r[col["session_id"]] = ""
        extra.append(r)
    write_csv(csv_dir / "watch_history.csv", header, rows + extra)
    uh, urows = read_csv(csv_dir / "users.csv")
    ucol = {c: i for i, c in enumerate(uh)}
    conflicts = []
    for r in rnd.sample(urows, 5):
        r = list(r)
        r[ucol["monthly_spend"]] = f"{rnd.uniform(5, 30):.2f}"
        conflicts.append(r)
    write_csv(csv_dir / "users.csv", uh, urows + conflicts)


class Run:
    """One data set: nq store after `nq batch`, and DuckDB after the translated pipeline."""

    def __init__(self, nq: Path, csv_dir: Path, store: Path):
        run_nq(nq, "ingest", *[str(csv_dir / f"{t}.csv") for t in GEN_TABLES], store=store)
        self.batch = run_nq(nq, "batch", store=store, timeout=900)
        self.store = store
        self.con = duckdb_connection(csv_dir, GEN_TABLES, SCHEMAS)
        for s in pipeline_statements():
            self.con.execute(to_duckdb(s, {}))


@pytest.fixture(scope="module")
def runs(nq, tmp_path_factory):
    built: dict[str, Run] = {}

    def get(name: str) -> Run:
        if name not in built:
            if name == "sample":
                if not (SAMPLE_DIR / "watch_events.jsonl").is_file():
                    pytest.skip(f"real data sample not found at {SAMPLE_DIR}")
                csv_dir = sample_as_csvs(tmp_path_factory.mktemp("sample-csv"))
            else:
                events, seed = GEN[name]
                csv_dir = tmp_path_factory.mktemp(f"{name}-csv")
                run_nq(nq, "gen", "--out", str(csv_dir), "--events", str(events), "--seed", str(seed))
                inject_quirks(csv_dir, seed)
            built[name] = Run(nq, csv_dir, tmp_path_factory.mktemp(f"{name}-store"))
        return built[name]

    yield get
    for r in built.values():
        r.con.close()


def test_the_pipeline_publishes_the_documented_tables():
    assert {"monthly_engagement", "cohort_retention", "genre_monthly", "churn_by_segment",
            "monthly_active_users"} <= set(RESULTS)
    for t in ["users", "movies", "watch_history", "reviews", "search_logs", "recommendation_logs"]:
        assert f"{t}_clean" in RESULTS


@pytest.mark.parametrize("table", RESULTS)
@pytest.mark.parametrize("dataset", ["sample", "gen_a", "gen_b"])
def test_result_table_equals_duckdb(runs, nq, dataset, table):
    r = runs(dataset)
    got = run_nq_query(nq, r.store, f"select * from {table}")
    want = run_duckdb(r.con, f'select * from "{table}"')
    empty_by_design = dataset == "sample" and table == "recommendation_logs_clean"  # the sample has none
    assert want or empty_by_design, f"DuckDB's {table} is empty on {dataset}: the comparison would prove little"
    diff = compare(got, want, ordered=False)
    assert diff is None, f"{dataset}.{table}: {diff}"


@pytest.mark.parametrize("dataset", ["sample", "gen_a", "gen_b"])
def test_dq_report_of_the_run_equals_duckdbs_counts(runs, nq, dataset):
    r = runs(dataset)
    got = run_nq_query(nq, r.store, "select `table`, rule, `rows` from dq_report "
                                    "where run_id = (select max(run_id) from _runs where status = 'succeeded')")
    want = run_duckdb(r.con, 'select "table", rule, "rows" from tmp_dq_counts')
    assert compare(got, want, ordered=False) is None, compare(got, want, ordered=False)
    if dataset != "sample":
        counts = {(t, rule): n for t, rule, n in got}
        for rule in ["conflicting_key_rows_dropped", "unknown_user_rows_dropped", "unknown_movie_rows_dropped",
                     "negative_duration_nulled", "progress_out_of_range_nulled", "null_key_rows_dropped"]:
            assert counts[("watch_history", rule)] > 0, f"the injected quirks did not reach rule {rule}"
