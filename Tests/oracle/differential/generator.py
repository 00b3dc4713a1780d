"""A seeded generator of type-correct GoogleSQL queries over the six tables of schemas/*.sql.

Every query is deterministic in its result, so it can be compared with DuckDB:
- a LIMIT always comes with an ORDER BY over every output column (rows that tie are identical);
- window functions order by a row's id (rows sharing an id are exact duplicates) or by group keys;
- ANY_VALUE is not generated; APPROX_COUNT_DISTINCT is not generated (hand-written cases cover it);
- `/` never divides by a value that can be zero (SAFE_DIVIDE does);
- no CAST(FLOAT64 AS STRING), no SUBSTR from position 0 or before the start (formatting and position rules
  differ between BigQuery and DuckDB; see handwritten.py);
- HAVING compares only integer aggregates (a float aggregate summed in another order could cross the bound).

Queries are ordered (`ordered=True`) when their ORDER BY covers every output column or the group keys.
"""
from __future__ import annotations

import random

from .harness import Query

# Per table: columns as (name, type, domain). Domains guide literals toward realistic selectivity.
#   ("cat", [values])  low-cardinality strings;  ("id", prefix, width, max)  identifiers;
#   ("text", [fragments])  free text (LIKE patterns);  ("int"/"float", lo, hi);  ("date", lo, hi);  ("bool",)
CATS = {
    "device4": ["Mobile", "Smart TV", "Tablet", "Laptop"],
    "device5": ["Smart TV", "Tablet", "Desktop", "Mobile", "Laptop"],
    "device6": ["Desktop", "Tablet", "Laptop", "Smart TV", "Gaming Console", "Mobile"],
    "country": ["USA", "Canada"],
    "genre": ["Action", "Comedy", "Drama", "Horror", "Sci-Fi", "Romance", "Documentary", "Thriller", "War", "Music"],
}

TABLES: dict[str, list[tuple]] = {
    "users": [
        ("user_id", "STRING", ("id", "user_", 5, 10000)),
        ("email", "STRING", ("text", ["example.org", "example.com", "a", "son", "j"])),
        ("first_name", "STRING", ("text", ["A", "M", "an", "e"])),
        ("last_name", "STRING", ("text", ["S", "B", "er", "son"])),
        ("age", "INT64", ("int", -7, 109)),
        ("gender", "STRING", ("cat", ["Female", "Male", "Other", "Prefer not to say"])),
        ("country", "STRING", ("cat", CATS["country"])),
        ("state_province", "STRING", ("cat", ["Texas", "Ontario", "Quebec", "Ohio", "California", "New York"])),
        ("city", "STRING", ("text", ["North", "Lake", "ville", "port"])),
        ("subscription_plan", "STRING", ("cat", ["Basic", "Standard", "Premium", "Premium+"])),
        ("subscription_start_date", "DATE", ("date", "2022-08-02", "2025-08-01")),
        ("is_active", "BOOL", ("bool",)),
        ("monthly_spend", "FLOAT64", ("float", 0.1, 60.0)),
        ("primary_device", "STRING", ("cat", CATS["device6"])),
        ("household_size", "INT64", ("int", 1, 8)),
        ("created_at", "TIMESTAMP", ("ts", "2022-08-03", "2025-08-02")),
    ],
    "movies": [
        ("movie_id", "STRING", ("id", "movie_", 4, 1000)),
        ("title", "STRING", ("text", ["The", "War", "Dark", "Love", "a"])),
        ("content_type", "STRING", ("cat", ["Movie", "TV Series", "Documentary", "Stand-up Comedy", "Limited Series"])),
        ("genre_primary", "STRING", ("cat", CATS["genre"])),
        ("genre_secondary", "STRING", ("cat", CATS["genre"])),
        ("release_year", "INT64", ("int", 1953, 2024)),
        ("duration_minutes", "INT64", ("int", 0, 300)),
        ("rating", "STRING", ("cat", ["G", "PG", "PG-13", "R", "TV-MA", "TV-14", "TV-Y"])),
        ("language", "STRING", ("cat", ["English", "Spanish", "French", "Hindi", "Japanese", "Korean"])),
        ("country_of_origin", "STRING", ("cat", ["USA", "UK", "India", "Japan", "South Korea", "France"])),
        ("imdb_rating", "FLOAT64", ("float", 1.0, 10.0)),
        ("production_budget", "FLOAT64", ("float", 1e5, 1.5e8)),
        ("box_office_revenue", "FLOAT64", ("float", 1e5, 1e9)),
        ("number_of_seasons", "INT64", ("int", 1, 14)),
        ("number_of_episodes", "INT64", ("int", 6, 199)),
        ("is_netflix_original", "BOOL", ("bool",)),
        ("added_to_platform", "DATE", ("date", "2020-08-02", "2025-08-01")),
        ("content_warning", "BOOL", ("bool",)),
    ],
    "watch_history": [
        ("session_id", "STRING", ("id", "session_", 6, 20000)),
        ("user_id", "STRING", ("id", "user_", 5, 10000)),
        ("movie_id", "STRING", ("id", "movie_", 4, 1000)),
        ("watch_date", "DATE", ("date", "2024-01-01", "2025-12-31")),
        ("device_type", "STRING", ("cat", CATS["device5"])),
        ("watch_duration_minutes", "FLOAT64", ("float", 0.0, 200.0)),
        ("progress_percentage", "FLOAT64", ("float", 0.0, 100.0)),
        ("action", "STRING", ("cat", ["started", "completed", "stopped", "paused"])),
        ("quality", "STRING", ("cat", ["HD", "4K", "SD", "Ultra HD"])),
        ("location_country", "STRING", ("cat", CATS["country"])),
        ("is_download", "BOOL", ("bool",)),
        ("user_rating", "INT64", ("int", 1, 5)),
    ],
    "reviews": [
        ("review_id", "STRING", ("id", "review_", 6, 15000)),
        ("user_id", "STRING", ("id", "user_", 5, 10000)),
        ("movie_id", "STRING", ("id", "movie_", 4, 1000)),
        ("rating", "INT64", ("int", 1, 5)),
        ("review_date", "DATE", ("date", "2024-01-01", "2025-12-31")),
        ("device_type", "STRING", ("cat", CATS["device4"])),
        ("is_verified_watch", "BOOL", ("bool",)),
        ("helpful_votes", "INT64", ("int", 0, 13)),
        ("total_votes", "INT64", ("int", 0, 16)),
        ("review_text", "STRING", ("text", ["movie", "watch", "Not", "plot", "."])),
        ("sentiment", "STRING", ("cat", ["negative", "neutral", "positive"])),
        ("sentiment_score", "FLOAT64", ("float", 0.0, 1.0)),
    ],
    "search_logs": [
        ("search_id", "STRING", ("id", "search_", 6, 25000)),
        ("user_id", "STRING", ("id", "user_", 5, 10000)),
        ("search_query", "STRING", ("text", ["movies", "comedy", "action", "new", "best", "a"])),
        ("search_date", "DATE", ("date", "2024-01-01", "2025-12-31")),
        ("results_returned", "INT64", ("int", 0, 100)),
        ("clicked_result_position", "INT64", ("int", 1, 10)),
        ("device_type", "STRING", ("cat", CATS["device4"])),
        ("search_duration_seconds", "FLOAT64", ("float", 0.2, 126.8)),
        ("had_typo", "BOOL", ("bool",)),
        ("used_filters", "BOOL", ("bool",)),
        ("location_country", "STRING", ("cat", CATS["country"])),
    ],
    "recommendation_logs": [
        ("recommendation_id", "STRING", ("id", "rec_", 6, 10000)),
        ("user_id", "STRING", ("id", "user_", 5, 10000)),
        ("movie_id", "STRING", ("id", "movie_", 4, 1000)),
        ("recommendation_date", "DATE", ("date", "2024-01-01", "2025-12-31")),
        ("recommendation_type", "STRING", ("cat", ["personalized", "trending", "genre_based", "similar_users",
                                                   "new_releases"])),
        ("recommendation_score", "FLOAT64", ("float", 0.0, 1.0)),
        ("was_clicked", "BOOL", ("bool",)),
        ("position_in_list", "INT64", ("int", 1, 20)),
        ("device_type", "STRING", ("cat", CATS["device4"])),
        ("time_of_day", "STRING", ("cat", ["morning", "afternoon", "evening", "night"])),
        ("algorithm_version", "STRING", ("cat", ["v1.2", "v1.3", "v1.4", "v2.0"])),
    ],
}

ID_COLUMN = {"users": "user_id", "movies": "movie_id", "watch_history": "session_id", "reviews": "review_id",
             "search_logs": "search_id", "recommendation_logs": "recommendation_id"}
SAMPLE_TABLES = ["users", "movies", "reviews", "search_logs"]
# (fact table, dimension table, key): joins the generator may write.
JOINS = [("reviews", "users", "user_id"), ("reviews", "movies", "movie_id"), ("search_logs", "users", "user_id"),
         ("watch_history", "users", "user_id"), ("watch_history", "movies", "movie_id"),
         ("recommendation_logs", "users", "user_id"), ("recommendation_logs", "movies", "movie_id")]


def _q(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    # ----------------------------------------------------------------------------------- literals
    def lit(self, typ: str, dom: tuple) -> str:
        r = self.r
        kind = dom[0]
        if kind == "cat":
            return _q(r.choice(dom[1]))
        if kind == "id":
            _, prefix, width, top = dom
            return _q(f"{prefix}{r.randint(1, top):0{width}d}")
        if kind == "text":
            return _q(r.choice(dom[1]))
        if kind == "int":
            return str(r.randint(dom[1], dom[2]))
        if kind == "float":
            v = r.uniform(dom[1], dom[2])
            return f"{v:.{r.choice([0, 1, 2])}f}" if v >= 1 else f"{v:.2f}"
        if kind == "date":
            return f"DATE '{self.date_between(dom[1], dom[2])}'"
        if kind == "ts":
            d = self.date_between(dom[1], dom[2])
            return f"TIMESTAMP '{d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}'"
        if kind == "bool":
            return r.choice(["TRUE", "FALSE"])
        raise ValueError(kind)

    def date_between(self, lo: str, hi: str) -> str:
        import datetime as dt
        a, b = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
        return (a + dt.timedelta(days=self.r.randint(0, (b - a).days))).isoformat()

    # ----------------------------------------------------------------------------------- expressions
    def cols(self, table: str, typ: str | None = None, alias: str | None = None):
        out = [(f"{alias}.{n}" if alias else n, t, d) for n, t, d in TABLES[table] if typ is None or t == typ]
        return out

    def scalar(self, table: str, alias: str | None = None, want: str | None = None) -> tuple[str, str]:
        """A type-correct scalar expression over one row of `table`: (sql, type)."""
        r = self.r
        c, typ, dom = r.choice(self.cols(table, alias=alias) if want is None else
                               self.cols(table, want, alias) or self.cols(table, alias=alias))
        if typ == "INT64":
            k = r.randint(2, 9)
            return r.choice([
                (c, "INT64"), (f"{c} + {k}", "INT64"), (f"{c} * {k}", "INT64"), (f"{c} - {self.lit(typ, dom)}", "INT64"),
                (f"ABS({c} - {self.lit(typ, dom)})", "INT64"), (f"MOD({c}, {k})", "INT64"), (f"DIV({c}, {k})", "INT64"),
                (f"{c} / {k}", "FLOAT64"), (f"COALESCE({c}, {k})", "INT64"), (f"IFNULL({c}, -1)", "INT64"),
                (f"CAST({c} AS FLOAT64)", "FLOAT64"), (f"NULLIF({c}, {self.lit(typ, dom)})", "INT64"),
                (f"IF({c} > {self.lit(typ, dom)}, {c}, NULL)", "INT64"), (f"CAST({c} AS STRING)", "STRING"),
                (f"SAFE_DIVIDE({c}, {c} - {self.lit(typ, dom)})", "FLOAT64"),
                (f"GREATEST({c}, {self.lit(typ, dom)})", "INT64"),
            ])
        if typ == "FLOAT64":
            k = r.randint(2, 9)
            return r.choice([
                (c, "FLOAT64"), (f"{c} * {k}", "FLOAT64"), (f"{c} + {self.lit(typ, dom)}", "FLOAT64"),
                (f"{c} / {k}", "FLOAT64"), (f"ROUND({c})", "FLOAT64"), (f"ROUND({c}, {r.randint(0, 2)})", "FLOAT64"),
                (f"ABS({c} - {self.lit(typ, dom)})", "FLOAT64"), (f"FLOOR({c})", "FLOAT64"), (f"CEIL({c})", "FLOAT64"),
                (f"COALESCE({c}, 0)", "FLOAT64"), (f"CAST({c} AS INT64)", "INT64"), (f"SAFE_CAST({c} AS INT64)", "INT64"),
                (f"IF({c} >= {self.lit(typ, dom)}, 'hi', 'lo')", "STRING"), (f"SAFE_DIVIDE({k}, {c})", "FLOAT64"),
                (f"CASE WHEN {c} < {self.lit(typ, dom)} THEN 1 WHEN {c} IS NULL THEN NULL ELSE 2 END", "INT64"),
            ])
        if typ == "STRING":
            return r.choice([
                (c, "STRING"), (f"LOWER({c})", "STRING"), (f"UPPER({c})", "STRING"), (f"LENGTH({c})", "INT64"),
                (f"SUBSTR({c}, {r.randint(1, 4)}, {r.randint(1, 5)})", "STRING"), (f"SUBSTR({c}, {r.randint(1, 3)})", "STRING"),
                (f"CONCAT({c}, '-', {c})", "STRING"), (f"STARTS_WITH({c}, {self.lit(typ, dom)})", "BOOL"),
                (f"{c} LIKE '%{r.choice('aeiost')}%'", "BOOL"), (f"IFNULL({c}, '(none)')", "STRING"),
                (f"STRPOS({c}, {_q(r.choice('aeo'))})", "INT64"), (f"ENDS_WITH({c}, {_q(r.choice('aesy'))})", "BOOL"),
                (f"REPLACE({c}, {_q(r.choice('aeo'))}, '*')", "STRING"), (f"LEFT({c}, {r.randint(1, 4)})", "STRING"),
                (f"{c} = {self.lit(typ, dom)}", "BOOL"), (f"{c} || '!'", "STRING"),
            ])
        if typ == "DATE":
            part = r.choice(["DAY", "WEEK", "MONTH", "QUARTER", "YEAR", "ISOWEEK"])
            return r.choice([
                (c, "DATE"), (f"DATE_TRUNC({c}, {part})", "DATE"),
                (f"EXTRACT({r.choice(['YEAR', 'MONTH', 'DAY', 'DAYOFWEEK', 'DAYOFYEAR', 'QUARTER', 'WEEK', 'ISOWEEK', 'ISOYEAR'])} FROM {c})", "INT64"),
                (f"DATE_DIFF({c}, {self.lit(typ, dom)}, {r.choice(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'ISOWEEK'])})", "INT64"),
                (f"DATE_ADD({c}, INTERVAL {r.randint(1, 40)} {r.choice(['DAY', 'WEEK', 'MONTH', 'YEAR'])})", "DATE"),
                (f"DATE_SUB({c}, INTERVAL {r.randint(1, 40)} {r.choice(['DAY', 'MONTH', 'QUARTER'])})", "DATE"),
                (f"FORMAT_DATE({_q(r.choice(['%Y-%m', '%Y%m%d', '%b %Y', '%A', '%j', '%U', '%y/%m/%d']))}, {c})", "STRING"),
                (f"CAST({c} AS STRING)", "STRING"), (f"{c} > {self.lit(typ, dom)}", "BOOL"),
            ])
        if typ == "TIMESTAMP":
            return r.choice([
                (c, "TIMESTAMP"), (f"TIMESTAMP_TRUNC({c}, {r.choice(['HOUR', 'DAY', 'MONTH', 'YEAR', 'WEEK', 'MINUTE'])})", "TIMESTAMP"),
                (f"EXTRACT({r.choice(['HOUR', 'MINUTE', 'SECOND', 'YEAR', 'MONTH', 'DAYOFWEEK'])} FROM {c})", "INT64"),
                (f"DATE({c})", "DATE"), (f"CAST({c} AS DATE)", "DATE"),
                (f"FORMAT_TIMESTAMP('%Y-%m-%d %H', {c})", "STRING"),
                (f"TIMESTAMP_DIFF({c}, {self.lit(typ, dom)}, {r.choice(['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY'])})", "INT64"),
                (f"TIMESTAMP_ADD({c}, INTERVAL {r.randint(-90, 90)} {r.choice(['SECOND', 'MINUTE', 'HOUR', 'DAY'])})", "TIMESTAMP"),
            ])
        if typ == "BOOL":
            return r.choice([(c, "BOOL"), (f"NOT {c}", "BOOL"), (f"IF({c}, 'yes', 'no')", "STRING"),
                             (f"CAST({c} AS STRING)", "STRING"), (f"{c} IS NOT TRUE", "BOOL"),
                             (f"CAST({c} AS INT64)", "INT64")])
        raise ValueError(typ)

    def predicate(self, table: str, alias: str | None = None, depth: int = 0) -> str:
        r = self.r
        if depth < 2 and r.random() < 0.3:
            op = r.choice(["AND", "OR"])
            p = f"({self.predicate(table, alias, depth + 1)} {op} {self.predicate(table, alias, depth + 1)})"
            return f"NOT {p}" if r.random() < 0.15 else p
        c, typ, dom = r.choice(self.cols(table, alias=alias))
        if r.random() < 0.12:
            return f"{c} IS {r.choice(['', 'NOT '])}NULL"
        same = [o for o, t, _ in self.cols(table, alias=alias) if t == typ and o != c and t != "BOOL"]
        if same and typ != "STRING" and r.random() < 0.12:  # two columns of one type (INT64 with FLOAT64 too)
            return f"{c} {r.choice(['<', '<=', '>', '>=', '=', '<>'])} {r.choice(same)}"
        if typ == "BOOL":
            return r.choice([c, f"NOT {c}", f"{c} = {self.lit(typ, dom)}", f"{c} IS TRUE"])
        if typ == "STRING" and dom[0] == "cat":
            vals = r.sample(dom[1], min(len(dom[1]), r.randint(1, 3)))
            return r.choice([f"{c} = {_q(vals[0])}", f"{c} <> {_q(vals[0])}",
                             f"{c} IN ({', '.join(map(_q, vals))})", f"{c} NOT IN ({', '.join(map(_q, vals))})"])
        if typ == "STRING":
            frag = r.choice(dom[1]) if dom[0] == "text" else ""
            if dom[0] == "id":
                return f"{c} {r.choice(['<', '>=', '<=', '>'])} {self.lit(typ, dom)}"
            return r.choice([f"{c} LIKE {_q('%' + frag + '%')}", f"{c} LIKE {_q(frag + '%')}",
                             f"{c} NOT LIKE {_q('%' + frag)}", f"STARTS_WITH({c}, {_q(frag)})",
                             f"LENGTH({c}) > {r.randint(3, 20)}", f"{c} < {_q(frag)}"])
        if typ in ("INT64", "FLOAT64", "DATE", "TIMESTAMP"):
            a, b = self.lit(typ, dom), self.lit(typ, dom)
            if r.random() < 0.25:
                if r.random() < 0.85:  # mostly a non-empty range
                    a, b = sorted([a, b], key=lambda s: float(s) if typ in ("INT64", "FLOAT64") else s)
                return f"{c} {r.choice(['', 'NOT '])}BETWEEN {a} AND {b}"
            if typ == "INT64" and r.random() < 0.2:
                return f"{c} IN ({a}, {b}, {self.lit(typ, dom)})"
            if typ == "DATE" and r.random() < 0.3:
                return f"EXTRACT({r.choice(['MONTH', 'DAYOFWEEK', 'QUARTER', 'YEAR'])} FROM {c}) = {r.randint(1, 4)}"
            return f"{c} {r.choice(['<', '<=', '>', '>=', '=', '<>'])} {a}"
        raise ValueError(typ)

    def group_key(self, table: str, alias: str | None = None) -> str:
        """A low-cardinality grouping expression."""
        r = self.r
        choices = []
        for c, typ, dom in self.cols(table, alias=alias):
            if dom[0] == "cat" or typ == "BOOL":
                choices.append(c)
            if typ == "INT64" and dom[0] == "int" and dom[2] - dom[1] <= 20:
                choices.append(c)
            if typ == "INT64" and dom[0] == "int" and dom[2] - dom[1] > 20:
                choices.append(f"DIV({c}, {r.choice([10, 25])})")
            if typ == "FLOAT64":
                choices.append(f"CAST(FLOOR({c} / {max(1, int(dom[2] / 5))}) AS INT64)")
                choices.append(f"{c} IS NULL")
            if typ == "DATE":
                choices.append(f"DATE_TRUNC({c}, {r.choice(['MONTH', 'QUARTER', 'YEAR'])})")
                choices.append(f"EXTRACT({r.choice(['DAYOFWEEK', 'MONTH', 'QUARTER', 'YEAR'])} FROM {c})")
                choices.append(f"FORMAT_DATE('%Y-%m', {c})")
            if typ == "TIMESTAMP":
                choices.append(f"EXTRACT(HOUR FROM {c})")
                choices.append(f"TIMESTAMP_TRUNC({c}, YEAR)")
            if typ == "STRING" and dom[0] == "text":
                choices.append(f"SUBSTR({c}, 1, 1)")
            if typ == "STRING" and dom[0] == "id":
                choices.append(f"RIGHT({c}, 1)")
        return r.choice(choices)

    def aggregate(self, table: str, alias: str | None = None) -> str:
        r = self.r
        c, typ, dom = r.choice(self.cols(table, alias=alias))
        if typ in ("INT64", "FLOAT64"):
            e = c
            if r.random() < 0.3:
                e, et = self.scalar(table, alias, want=typ)
                if et not in ("INT64", "FLOAT64"):
                    e = c
            return r.choice([f"SUM({e})", f"AVG({e})", f"MIN({e})", f"MAX({e})", f"COUNT({e})",
                             f"COUNT(DISTINCT {c})", f"COUNTIF({c} > {self.lit(typ, dom)})"])
        if typ == "BOOL":
            return r.choice([f"COUNTIF({c})", f"COUNTIF(NOT {c})", f"COUNT({c})", f"COUNTIF({c} IS NULL)"])
        if typ in ("DATE", "TIMESTAMP"):
            return r.choice([f"MIN({c})", f"MAX({c})", f"COUNT(DISTINCT {c})"])
        return r.choice([f"MIN({c})", f"MAX({c})", f"COUNT(DISTINCT {c})", f"COUNT({c})", f"MAX(LENGTH({c}))",
                         f"COUNTIF({self.predicate(table, alias, 2)})"])

    # ----------------------------------------------------------------------------------- templates
    def projection(self, table: str) -> tuple[str, bool]:
        r = self.r
        n = r.randint(1, 4)
        exprs = [self.scalar(table)[0] for _ in range(n)]
        ident = ID_COLUMN[table]
        items = [ident] + exprs
        sel = ", ".join(f"{e} AS c{i}" for i, e in enumerate(items))
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.85 else ""
        order = ", ".join(str(i + 1) for i in range(len(items)))
        if r.random() < 0.5:
            return f"SELECT {sel} FROM {table}{where} ORDER BY {order} LIMIT {r.choice([10, 50, 200])}", True
        return f"SELECT {sel} FROM {table}{where} AND {ident} < {self.lit('STRING', TABLES[table][0][2])}" \
            if where else f"SELECT {sel} FROM {table} WHERE {ident} < {self.lit('STRING', TABLES[table][0][2])}", False

    def distinct(self, table: str) -> tuple[str, bool]:
        r = self.r
        keys = list(dict.fromkeys(self.group_key(table) for _ in range(r.randint(1, 2))))
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.6 else ""
        sel = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
        order = ", ".join(f"{i + 1}{r.choice(['', ' DESC', ' NULLS LAST', ' DESC NULLS FIRST'])}" for i in range(len(keys)))
        return f"SELECT DISTINCT {sel} FROM {table}{where} ORDER BY {order}", True

    def group_by(self, table: str) -> tuple[str, bool]:
        r = self.r
        keys = list(dict.fromkeys(self.group_key(table) for _ in range(r.randint(1, 2))))
        aggs = ["COUNT(*)"] + [self.aggregate(table) for _ in range(r.randint(1, 4))]
        sel = ", ".join([f"{k} AS k{i}" for i, k in enumerate(keys)] + [f"{a} AS a{i}" for i, a in enumerate(aggs)])
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.6 else ""
        style = r.choice(["ordinal", "alias", "expr"])
        if style == "ordinal":
            group = ", ".join(str(i + 1) for i in range(len(keys)))
        elif style == "alias":
            group = ", ".join(f"k{i}" for i in range(len(keys)))
        else:
            group = ", ".join(keys)
        having = f" HAVING COUNT(*) > {r.choice([1, 5, 20, 100])}" if r.random() < 0.3 else ""
        order = ", ".join(f"{i + 1}{r.choice(['', ' DESC', ' NULLS LAST', ' DESC NULLS FIRST'])}" for i in range(len(keys)))
        return f"SELECT {sel} FROM {table}{where} GROUP BY {group}{having} ORDER BY {order}", True

    def global_agg(self, table: str) -> tuple[str, bool]:
        r = self.r
        aggs = [self.aggregate(table) for _ in range(r.randint(2, 5))]
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.8 else ""
        return f"SELECT {', '.join(aggs)} FROM {table}{where}", True

    def join(self, fact: str, dim: str, key: str) -> tuple[str, bool]:
        r = self.r
        kind = r.choice(["JOIN", "JOIN", "LEFT JOIN", "INNER JOIN"])
        k = self.group_key(dim, "d")
        aggs = ["COUNT(*)"] + [self.aggregate(fact, "f") for _ in range(r.randint(1, 3))]
        where = f" WHERE {self.predicate(fact, 'f')}" if r.random() < 0.6 else ""
        if kind == "LEFT JOIN":  # dimension rows without facts form groups with COUNT(f.x) = 0
            aggs.append(f"COUNT(f.{key})")
            frm = f"{dim} d LEFT JOIN {fact} f ON d.{key} = f.{key}"
            where = f" WHERE {self.predicate(dim, 'd')}" if where else ""
        elif r.random() < 0.3:
            frm = f"{fact} f {kind} {dim} d USING ({key})"
        else:
            frm = f"{fact} f {kind} {dim} d ON f.{key} = d.{key}"
        sel = ", ".join([f"{k} AS k0"] + [f"{a} AS a{i}" for i, a in enumerate(aggs)])
        return f"SELECT {sel} FROM {frm}{where} GROUP BY 1 ORDER BY 1", True

    def in_subquery(self, fact: str, dim: str, key: str) -> tuple[str, bool]:
        r = self.r
        neg = r.choice(["", "NOT "])
        aggs = ["COUNT(*)"] + [self.aggregate(fact) for _ in range(r.randint(1, 3))]
        return (f"SELECT {', '.join(aggs)} FROM {fact} WHERE {key} {neg}IN (SELECT {key} FROM {dim} "
                f"WHERE {self.predicate(dim)})"), True

    def window(self, table: str) -> tuple[str, bool]:
        r = self.r
        ident = ID_COLUMN[table]
        part = self.group_key(table)
        num = r.choice(self.cols(table, "INT64") + self.cols(table, "FLOAT64"))[0]
        fn = r.choice([
            f"ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {ident})",
            f"RANK() OVER (PARTITION BY {part} ORDER BY {num} DESC)",
            f"DENSE_RANK() OVER (ORDER BY {num})",
            f"LAG({num}) OVER (PARTITION BY {part} ORDER BY {ident})",
            f"LEAD({num}, 2) OVER (ORDER BY {ident})",
            f"SUM({num}) OVER (PARTITION BY {part})",
            f"SUM({num}) OVER (PARTITION BY {part} ORDER BY {ident})",
            f"COUNT(*) OVER (PARTITION BY {part})",
            f"AVG({num}) OVER (PARTITION BY {part})",
            f"MAX({num}) OVER (PARTITION BY {part})",
            f"COUNT({num}) OVER (PARTITION BY {part} ORDER BY {ident})",
        ])
        if r.random() < 0.3:
            return (f"SELECT {ident}, {num} AS v FROM {table} WHERE {self.predicate(table)} "
                    f"QUALIFY ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {ident} DESC) <= {r.randint(1, 3)}"), False
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.7 else ""
        return (f"SELECT {ident} AS id, {num} AS v, {fn} AS w FROM {table}{where} ORDER BY 1, 2, 3 "
                f"LIMIT {r.choice([20, 100, 300])}"), True

    def cte_union(self, table: str) -> tuple[str, bool]:
        r = self.r
        k = self.group_key(table)
        p1, p2 = self.predicate(table), self.predicate(table)
        agg = self.aggregate(table)
        return (f"WITH a AS (SELECT {k} AS k, {agg} AS v FROM {table} WHERE {p1} GROUP BY 1), "
                f"b AS (SELECT {k} AS k, {agg} AS v FROM {table} WHERE {p2} GROUP BY 1) "
                f"SELECT 'a' AS src, k, v FROM a UNION ALL SELECT 'b', k, v FROM b"), False

    def top_n(self, table: str) -> tuple[str, bool]:
        """Groups ordered by an aggregate, then by the key: a total order, so LIMIT is deterministic."""
        r = self.r
        k = self.group_key(table)
        c = r.choice(self.cols(table))[0]
        # Exact aggregates only: a float SUM or AVG summed in another order could swap near-equal groups.
        agg = r.choice(["COUNT(*)", f"COUNT(DISTINCT {ID_COLUMN[table]})", f"COUNT({c})", f"MIN({c})", f"MAX({c})",
                        f"COUNT(DISTINCT {c})"])
        where = f" WHERE {self.predicate(table)}" if r.random() < 0.5 else ""
        direction = r.choice(["DESC", "ASC", "DESC NULLS FIRST", "ASC NULLS LAST"])
        return (f"SELECT {k} AS k, {agg} AS v FROM {table}{where} GROUP BY k ORDER BY v {direction}, k "
                f"LIMIT {r.randint(1, 12)}"), True

    def outer_join(self, fact: str, dim: str, key: str) -> tuple[str, bool]:
        """FULL / RIGHT / LEFT joins of two filtered derived tables, counted from both sides."""
        r = self.r
        kind = r.choice(["FULL JOIN", "FULL OUTER JOIN", "RIGHT JOIN", "LEFT OUTER JOIN"])
        a = f"(SELECT * FROM {dim} WHERE {self.predicate(dim)})"
        b = f"(SELECT * FROM {fact} WHERE {self.predicate(fact)})"
        k = self.group_key(dim, "a")
        if r.random() < 0.5:
            return (f"SELECT COUNT(*), COUNT(a.{key}), COUNT(b.{key}), COUNT(DISTINCT {key}) FROM {a} a {kind} {b} b "
                    f"USING ({key})"), True
        return (f"SELECT {k} AS k, COUNT(*) AS n, COUNT(b.{key}) AS matched, {self.aggregate(fact, 'b')} AS x "
                f"FROM {a} a {kind} {b} b ON a.{key} = b.{key} GROUP BY 1 ORDER BY 1"), True

    def scalar_subquery(self, table: str) -> tuple[str, bool]:
        r = self.r
        c, typ, dom = r.choice(self.cols(table, "INT64") + self.cols(table, "FLOAT64"))
        fn = r.choice(["AVG", "MIN", "MAX"])
        agg = r.choice(["COUNT(*)", self.aggregate(table)])
        return (f"SELECT {agg}, COUNT(*) FROM {table} WHERE {c} {r.choice(['>', '<', '>=', '='])} "
                f"(SELECT {fn}({c}) FROM {table} WHERE {self.predicate(table)})"), True

    def nested_window(self, table: str) -> tuple[str, bool]:
        """Aggregates over a window's output: deterministic even where the window's own order is not."""
        r = self.r
        ident = ID_COLUMN[table]
        part = self.group_key(table)
        num = r.choice(self.cols(table, "INT64") + self.cols(table, "FLOAT64"))[0]
        w = r.choice([f"ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {ident})",
                      f"RANK() OVER (PARTITION BY {part} ORDER BY {num})",
                      f"COUNT({num}) OVER (PARTITION BY {part})",
                      f"LAG({num}) OVER (PARTITION BY {part} ORDER BY {ident})"])
        return (f"SELECT k, COUNT(*), SUM(w), MAX(w), COUNT(w) FROM (SELECT {part} AS k, {w} AS w FROM {table} "
                f"WHERE {self.predicate(table)}) GROUP BY k ORDER BY k"), True

    def case_group(self, table: str) -> tuple[str, bool]:
        r = self.r
        c, typ, dom = r.choice(self.cols(table, "INT64") + self.cols(table, "FLOAT64") + self.cols(table, "DATE"))
        a, b = sorted([self.lit(typ, dom), self.lit(typ, dom)],
                      key=lambda s: float(s) if typ in ("INT64", "FLOAT64") else s)
        bucket = (f"CASE WHEN {c} IS NULL THEN 'none' WHEN {c} < {a} THEN 'low' WHEN {c} < {b} THEN 'mid' "
                  f"ELSE 'high' END")
        aggs = ", ".join(self.aggregate(table) for _ in range(r.randint(1, 3)))
        return f"SELECT {bucket} AS bucket, COUNT(*), {aggs} FROM {table} GROUP BY bucket ORDER BY bucket", True

    def derived(self, table: str) -> tuple[str, bool]:
        r = self.r
        k = self.group_key(table)
        agg = r.choice(["COUNT(*)", f"COUNT(DISTINCT {ID_COLUMN[table]})"])
        return (f"SELECT n, COUNT(*) AS n_groups FROM (SELECT {k} AS k, {agg} AS n FROM {table} "
                f"WHERE {self.predicate(table)} GROUP BY k) GROUP BY n ORDER BY n"), True


def generate(count: int = 300, seed: int = 20250317) -> list[Query]:
    """`count` queries; query i runs on the sample, gen or gen2 data in turn (watch_history and
    recommendation_logs only exist in gen data)."""
    g = Gen(seed)
    out: list[Query] = []
    datasets = ["sample", "gen", "gen2"]
    kinds = ["projection", "projection", "distinct", "group_by", "group_by", "group_by", "global_agg", "join",
             "join", "in_subquery", "window", "window", "cte_union", "derived", "top_n", "outer_join",
             "scalar_subquery", "nested_window", "case_group"]
    seen = set()
    i = 0
    while len(out) < count:
        i += 1
        data = datasets[len(out) % 3]
        tables = SAMPLE_TABLES if data == "sample" else list(TABLES)
        joins = [j for j in JOINS if j[0] in tables and j[1] in tables]
        kind = g.r.choice(kinds)
        if kind in ("join", "in_subquery", "outer_join"):
            sql, ordered = getattr(g, kind)(*g.r.choice(joins))
        else:
            sql, ordered = getattr(g, kind)(g.r.choice(tables))
        if sql in seen:
            continue
        seen.add(sql)
        out.append(Query(name=f"g{len(out) + 1:03d}_{kind}", sql=sql, data=data, ordered=ordered))
    return out
