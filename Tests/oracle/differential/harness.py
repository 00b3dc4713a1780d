"""Loading data into DuckDB, translating BigQuery SQL for DuckDB, running nq, comparing results.

The DuckDB side follows BigQuery's documented semantics, not DuckDB's: every place where sqlglot's
BigQuery → DuckDB translation (or a DuckDB default) differs from BigQuery is adjusted here, on the
DuckDB side only, with a comment saying why. nq always gets the original GoogleSQL text.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import math
import subprocess
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

# --------------------------------------------------------------------------------------------------
# Queries

@dataclasses.dataclass(frozen=True)
class Query:
    """One differential case.

    sql      GoogleSQL text given to nq (and, translated, to DuckDB).
    data     which data set it runs on: "sample" (the real Kaggle sample), "gen" (`nq gen` seed A) or
             "gen2" (`nq gen` seed B).
    ordered  True when the ORDER BY totally orders the result (rows compared in order); otherwise the
             rows are compared as multisets.
    duck     hand-written DuckDB SQL replacing the translation (only where sqlglot cannot express
             BigQuery's semantics; each use says why in `note`).
    approx   relative tolerance for numeric values (APPROX_COUNT_DISTINCT is approximate in BigQuery).
    unsupported  why nq rejects the query as "not supported" (outside its subset): the case is skipped
             while nq says so, and compared as soon as nq runs it.
    """
    name: str
    sql: str
    data: str = "sample"
    ordered: bool = False
    duck: str | None = None
    approx: float | None = None
    note: str = ""
    unsupported: str = ""


# --------------------------------------------------------------------------------------------------
# DuckDB data loading

READ_TYPE = {"STRING": "VARCHAR", "INT64": "DOUBLE", "FLOAT64": "DOUBLE", "BOOL": "BOOLEAN",
             "DATE": "DATE", "TIMESTAMP": "TIMESTAMP"}


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def qident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def read_csv_sql(path: Path, columns: list[tuple[str, str]]) -> str:
    cols = ", ".join(f"{sql_str(name)}: {sql_str(READ_TYPE[t])}" for name, t in columns)
    return (f"read_csv({sql_str(str(path))}, header=true, delim=',', quote='\"', escape='\"', "
            f"auto_detect=false, allow_quoted_nulls=false, strict_mode=true, columns={{{cols}}})")


def duckdb_connection(csv_dir: Path, tables: list[str], schemas: dict[str, list[tuple[str, str]]]):
    """An in-memory DuckDB holding `tables` read from csv_dir with the types of schemas/*.sql.

    INT64 columns are read as DOUBLE (the data writes nullable integers as `43.0`) and cast to BIGINT.
    """
    con = duckdb.connect()
    con.execute("SET threads=2")
    # BigQuery TIMESTAMP is an instant printed in UTC; sqlglot maps it to TIMESTAMPTZ (see also the
    # TIMESTAMPTZ → TIMESTAMP rewrite below), so make the session zone UTC.
    con.execute("SET TimeZone='UTC'")
    # NULL ordering: BigQuery sorts NULLs first ascending and last descending; DuckDB's default is NULLS
    # LAST for both. sqlglot writes an explicit NULLS FIRST for BigQuery's ascending default (and relies on
    # DuckDB's default for DESC and for an explicit ASC NULLS LAST), so the default must stay as it is.
    for t in tables:
        cols = schemas[t]
        select = ", ".join(f"CAST({qident(c)} AS BIGINT) AS {qident(c)}" if typ == "INT64" else qident(c)
                           for c, typ in cols)
        con.execute(f"CREATE TABLE {qident(t)} AS SELECT {select} FROM {read_csv_sql(csv_dir / (t + '.csv'), cols)}")
    return con


# --------------------------------------------------------------------------------------------------
# BigQuery → DuckDB translation

def _lit_upper(node) -> str:
    return (node.name if node is not None else "").upper()


def _fix_node(node: exp.Expression) -> exp.Expression:
    # EXTRACT(DAYOFWEEK ...): BigQuery 1 (Sunday) .. 7; DuckDB 0 (Sunday) .. 6.
    if isinstance(node, exp.Extract):
        part = _lit_upper(node.this)
        if part == "DAYOFWEEK":
            return exp.Paren(this=exp.Add(this=node.copy(), expression=exp.Literal.number(1)))
        # EXTRACT(WEEK ...): BigQuery counts Sunday-started weeks, days before the first Sunday are week 0
        # (strftime %U); DuckDB's WEEK is the ISO week.
        if part == "WEEK":
            return exp.Cast(this=exp.Anonymous(this="STRFTIME", expressions=[node.expression.copy(), exp.Literal.string("%U")]),
                            to=exp.DataType.build("BIGINT"))
        # EXTRACT(ISOWEEK ...): DuckDB calls the ISO week WEEK.
        if part == "ISOWEEK":
            return exp.Extract(this=exp.var("WEEK"), expression=node.expression.copy())
    # DATE_TRUNC(date, part), DATE_ADD/DATE_SUB(date, INTERVAL ...) and DATE_FROM_UNIX_DATE are DATEs in
    # BigQuery; DuckDB's date_trunc of a DATE and DATE ± INTERVAL are TIMESTAMPs.
    if isinstance(node, (exp.DateTrunc, exp.DateAdd, exp.DateSub, exp.DateFromUnixDate)):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DATE"))
    # COUNTIF: BigQuery returns 0 when no row is TRUE (zero rows, or all NULL); DuckDB's count_if returns
    # NULL then. COUNT(CASE WHEN x THEN 1 END) counts like BigQuery (also as a window function).
    if isinstance(node, exp.CountIf):
        return exp.Count(this=exp.Case(ifs=[exp.If(this=node.this.copy(), true=exp.Literal.number(1))]))
    # LIKE: BigQuery patterns escape % and _ with a backslash; DuckDB's LIKE has no escape character
    # unless told.
    if isinstance(node, exp.Like) and isinstance(node.expression, exp.Literal) and "\\" in node.expression.this \
            and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
    # TIMESTAMP_DIFF counts whole units between the instants (truncating); sqlglot writes DuckDB's
    # date_diff, which counts unit boundaries crossed (00:59 → 01:01 is 1 HOUR there, 0 in BigQuery).
    # DuckDB's date_sub counts whole units.
    if isinstance(node, exp.TimestampDiff):
        unit = (node.unit.name if node.unit is not None else "DAY").upper()
        return exp.Anonymous(this="DATE_SUB", expressions=[exp.Literal.string(unit), node.expression.copy(), node.this.copy()])
    # BYTE_LENGTH: sqlglot writes OCTET_LENGTH, which DuckDB only has for BLOBs; count the UTF-8 bytes.
    if isinstance(node, exp.ByteLength):
        return exp.Anonymous(this="OCTET_LENGTH", expressions=[exp.Anonymous(this="ENCODE", expressions=[node.this.copy()])])
    # APPROX_COUNT_DISTINCT: DuckDB's HyperLogLog estimate is compared with a tolerance anyway; use the
    # exact count as the reference.
    if isinstance(node, exp.ApproxDistinct):
        return exp.Count(this=exp.Distinct(expressions=[node.this.copy()]))
    # BigQuery TIMESTAMP (an absolute instant) → sqlglot writes TIMESTAMPTZ; nq's tables hold TIMESTAMP
    # columns (UTC), so keep everything TIMESTAMP to avoid zone-aware results (the session zone is UTC).
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMPTZ:
        return exp.DataType.build("TIMESTAMP")
    # Float literals (1.5) are FLOAT64 in BigQuery; DuckDB makes them DECIMAL.
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this
        if any(ch in text for ch in ".eE") and not isinstance(node.parent, (exp.Interval,)):
            return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    return node


_INT_TYPES = {exp.DataType.Type.BIGINT, exp.DataType.Type.INT}
_FLOAT_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT, exp.DataType.Type.DECIMAL}


def _round_float_to_int_casts(tree: exp.Expression, schema: dict) -> exp.Expression | None:
    """CAST(float AS INT64) rounds halfway cases away from zero in BigQuery; DuckDB rounds them to even.

    Qualifies and type-annotates the tree (sqlglot's optimizer) and wraps the argument of each such cast in
    ROUND (which rounds half away from zero in DuckDB). Returns the rewritten (qualified) tree, or None
    when there is no such cast.
    """
    casts = [c for c in tree.find_all(exp.Cast, exp.TryCast) if c.to.this in _INT_TYPES]
    if not casts:
        return None
    q = qualify(tree.copy(), schema=schema, dialect="bigquery", validate_qualify_columns=False,
                quote_identifiers=False, identify=False)
    q = annotate_types(q, schema=schema, dialect="bigquery")
    changed = False
    for c in list(q.find_all(exp.Cast, exp.TryCast)):
        if c.to.this in _INT_TYPES and c.this.type is not None and c.this.type.this in _FLOAT_TYPES:
            c.set("this", exp.Anonymous(this="ROUND", expressions=[c.this.copy()]))
            changed = True
    return q if changed else None


def to_duckdb(sql: str, schema: dict) -> str:
    """sqlglot's BigQuery → DuckDB translation of `sql`, with the semantic fixes above."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    rounded = _round_float_to_int_casts(tree, schema)
    if rounded is not None:
        tree = rounded
    # Innermost first, so that a rewritten node copies its already rewritten children.
    for node in reversed(list(tree.walk(bfs=False))):
        new = _fix_node(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree.sql(dialect="duckdb")


def sqlglot_schema(schemas: dict[str, list[tuple[str, str]]]) -> dict:
    return {t: {c: typ for c, typ in cols} for t, cols in schemas.items()}


# --------------------------------------------------------------------------------------------------
# Running

class NqError(Exception):
    pass


def run_nq_query(nq: Path, store: Path, sql: str, timeout: float = 60) -> list[list]:
    try:
        p = subprocess.run([str(nq), "--store", str(store), "query", sql, "--format", "json"],
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NqError(f"nq did not answer within {timeout:g} s") from None
    if p.returncode != 0:
        raise NqError(f"nq exited {p.returncode}: {p.stderr.strip()[:2000]}")
    try:
        return json.loads(p.stdout, object_pairs_hook=lambda pairs: [v for _, v in pairs])
    except json.JSONDecodeError as e:
        raise NqError(f"nq printed invalid JSON ({e}):\n{p.stdout[:2000]}") from None


def run_duckdb(con, sql: str) -> list[list]:
    return [list(r) for r in con.execute(sql).fetchall()]


# --------------------------------------------------------------------------------------------------
# Normalization and comparison

def norm_duck(v):
    """A DuckDB value as nq's JSON prints it: BOOL as "true"/"false", DATE 'YYYY-MM-DD', TIMESTAMP
    'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC), NaN/±Infinity as strings, numbers as numbers."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        v = float(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, (int, str)):
        return v
    return str(v)


def norm_nq(v):
    if isinstance(v, bool):  # never produced by nq's JSON, but be safe
        return "true" if v else "false"
    return v


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def values_equal(a, b, rel: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if _is_num(a) and _is_num(b):
        if isinstance(a, int) and isinstance(b, int) and rel <= 1e-9:
            return a == b
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return type(a) is type(b) and a == b


def _sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif _is_num(v):
            key.append((1, float(f"{float(v):.8g}")))  # robust to last-digit float noise
        else:
            key.append((2, str(v)))
    return key


def compare(nq_rows: list[list], duck_rows: list[list], ordered: bool, rel: float = 1e-9) -> str | None:
    """None when equal, else a readable description of the first difference."""
    got = [[norm_nq(v) for v in r] for r in nq_rows]
    want = [[norm_duck(v) for v in r] for r in duck_rows]
    if len(got) != len(want):
        return f"row count: nq {len(got)} != duckdb {len(want)}\n" + _preview(got, want)
    if got and len(got[0]) != len(want[0]):
        return f"column count: nq {len(got[0])} != duckdb {len(want[0])}\n" + _preview(got, want)
    if not ordered:
        got = sorted(got, key=_sort_key)
        want = sorted(want, key=_sort_key)
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w) or not all(values_equal(a, b, rel) for a, b in zip(g, w)):
            return (f"{'row' if ordered else 'sorted row'} {i}: nq {g!r} != duckdb {w!r}\n" + _preview(got, want))
    return None


def _preview(got, want, n=5) -> str:
    return f"  nq     ({len(got)} rows): {got[:n]!r}\n  duckdb ({len(want)} rows): {want[:n]!r}"
