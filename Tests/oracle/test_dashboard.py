"""`nq dashboard build` and `nq dashboard serve`, rendered in headless Chromium and checked on the DOM.

Four stores: the fixture tables of Tests/DashboardTests/fixtures (ingested with `nq ingest`), tables
derived from the real sample by Tests/oracle/dashboard_sample.sql, `nq gen` data through the real
`nq batch`, and an empty store. For every
chart the expected series and their point counts are computed here with `nq query` from the tables
(the charts' definitions stated as SQL), never taken from the renderer. Chromium is Debian's
`chromium`, run headless with no network use; pages are read as the DOM it dumps after running them.

NQ_UPDATE_SCREENSHOTS=1 also writes docs/img/dashboard-realtime.png and docs/img/dashboard-historical.png
(from the sample store).
"""
from __future__ import annotations

import csv
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, run_nq

FIXTURES = REPO / "Tests" / "DashboardTests" / "fixtures"
SAMPLE_SQL = Path(__file__).with_name("dashboard_sample.sql")
HISTORICAL = ["mau-by-plan", "mau-by-country", "retention-cohorts", "churn-by-segment", "skip-rate",
              "watch-duration", "genre-rating", "genre-minutes"]
REALTIME = ["rt-active-users", "rt-event-types", "rt-top-genres", "rt-top-countries", "rt-session-duration",
            "rt-late-events", "rt-dead-letters"]
WINDOWS = 30        # the real-time page's default window count
TOP_GENRES = 8      # genres in the genre charts
TOP_BARS = 10       # bars in the top-genres / top-countries charts
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


# ---------------------------------------------------------------- helpers

def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium not found: scripts/setup.sh installs Debian's chromium", pytrace=False)


def browse(url: str, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp / f"chromium-profile-{time.monotonic_ns()}"
    cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr[-3000:]}"
    return p


def dump_dom(url: str, tmp: Path, *extra: str) -> str:
    dom = browse(url, tmp, "--dump-dom", *extra).stdout
    assert "<html" in dom, f"chromium printed no DOM for {url}"
    return dom


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ChartDOM(HTMLParser):
    """Charts of a rendered page: per `svg[data-chart]`, its series `g[data-series]` with the
    `data-points` they claim and the `.pt` marks actually drawn; and the `data-empty` explanations."""

    def __init__(self, html: str):
        super().__init__()
        self.charts: dict[str, dict[str, dict[str, int]]] = {}
        self.text: dict[str, str] = {}
        self.empty: dict[str, str] = {}
        self.figures: list[str] = []
        self.parts: dict[str, set[str]] = {}  # classes of the chart's <g> and <text> elements
        self.attrs_of_body: dict[str, str] = {}
        self._stack: list[tuple[str, str | None, str | None]] = []  # (tag, chart, series)
        self._empty: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        chart = self._stack[-1][1] if self._stack else None
        series = self._stack[-1][2] if self._stack else None
        if tag == "body":
            self.attrs_of_body = {k: v or "" for k, v in a.items()}
        if tag == "figure" and "data-chart-id" in a:
            self.figures.append(a["data-chart-id"])
        if tag == "svg" and "data-chart" in a:
            chart = a["data-chart"]
            self.charts[chart] = {}
            self.text[chart] = ""
        if chart and tag in ("g", "text"):
            for c in (a.get("class") or "").split():
                self.parts.setdefault(chart, set()).add(c)
        if tag == "g" and "data-series" in a and chart:
            series = a["data-series"]
            self.charts[chart][series] = {"claimed": int(a["data-points"]), "drawn": 0}
        if chart and series and "pt" in (a.get("class") or "").split():
            self.charts[chart][series]["drawn"] += 1
        if tag == "p" and "data-empty" in a:
            self._empty = a["data-empty"]
            self.empty[self._empty] = ""
        if tag not in VOID_ELEMENTS:  # HTML void elements have no end tag to pop them
            self._stack.append((tag, chart, series))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        while self._stack:
            t, _, _ = self._stack.pop()
            if t == tag:
                break
        if tag == "p":
            self._empty = None

    def handle_data(self, data):
        if self._empty:
            self.empty[self._empty] += data
        if self._stack and self._stack[-1][1]:
            self.text[self._stack[-1][1]] += data + " "

    def series_points(self, chart: str) -> dict[str, int]:
        got = self.charts[chart]
        for name, s in got.items():
            assert s["claimed"] == s["drawn"], f"{chart}/{name}: data-points={s['claimed']} but {s['drawn']} marks drawn"
        return {name: s["claimed"] for name, s in got.items()}


def slug(value: str) -> str:
    """The static build's file-name form of a filter value (documented in docs/decisions.md)."""
    return "".join(chr(b) if chr(b).isascii() and chr(b).isalnum() else f"_{b:02x}" for b in value.encode())


def q(nq: Path, store: Path, sql: str) -> list[dict]:
    out = run_nq(nq, "query", sql, "--format", "json", store=store).stdout
    return json.loads(out) if out.strip() else []


def table_exists(nq: Path, store: Path, table: str) -> bool:
    return any(t["name"] == table for t in json.loads(run_nq(nq, "tables", "--format", "json", store=store).stdout or "[]"))


def counts(rows: list[dict], key: str = "s", value: str = "n") -> dict[str, int]:
    return {str(r[key]): int(r[value]) for r in rows if int(r[value]) > 0}


def expected_historical(nq: Path, store: Path, country: str | None = None, plan: str | None = None) -> dict[str, dict[str, int]]:
    """Series → point count per historical chart, from the tables (filters as the page applies them)."""
    conds = []
    if country:
        conds.append(f"country = '{country}'")
    if plan:
        conds.append(f"subscription_plan = '{plan}'")
    where = ("where " + " and ".join(conds)) if conds else ""
    me = f"(select * from monthly_engagement {where})"
    months = q(nq, store, f"select count(distinct month) as n from {me}")[0]["n"]
    top = q(nq, store, "select genre_primary as g from genre_monthly group by 1 "
                       f"order by sum(total_watch_minutes) desc, genre_primary limit {TOP_GENRES}")
    top_list = ", ".join("'" + r["g"] + "'" for r in top)
    cohorts = q(nq, store, "select cast(cohort_month as string) as c, count(*) as n from cohort_retention "
                           "where retention_rate is not null group by 1")
    return {
        "mau-by-plan": counts(q(nq, store, f"select subscription_plan as s, count(distinct month) as n from {me} group by 1")),
        "mau-by-country": counts(q(nq, store, f"select country as s, count(distinct month) as n from {me} group by 1")),
        "retention-cohorts": {r["c"][:7]: int(r["n"]) for r in cohorts},
        "churn-by-segment": counts(q(nq, store, "select subscription_plan as s, count(*) as n from churn_by_segment "
                                                f"{where} group by 1")),
        "skip-rate": {"skip rate": months, "completion rate": months} if months else {},
        "watch-duration": {"avg minutes per session": months} if months else {},
        "genre-rating": counts(q(nq, store, f"select genre_primary as s, count(*) as n from genre_monthly where genre_primary in ({top_list}) "
                                            "and avg_rating is not null group by 1")),
        "genre-minutes": counts(q(nq, store, f"select genre_primary as s, count(*) as n from genre_monthly where genre_primary in ({top_list}) "
                                             "and total_watch_minutes is not null group by 1")),
    }


def expected_realtime(nq: Path, store: Path) -> dict[str, dict[str, int]]:
    starts = [r["w"] for r in q(nq, store, "select distinct cast(window_start as string) as w from rt_engagement order by 1 desc")]
    since = starts[:WINDOWS][-1]
    w = f"window_start >= timestamp '{since}'"

    def n(sql: str) -> int:
        return int(q(nq, store, sql)[0]["n"])

    exp = {
        "rt-active-users": {"active users": n(f"select count(*) as n from rt_engagement where {w}")},
        "rt-event-types": counts(q(nq, store, f"select action as s, count(distinct window_start) as n from rt_event_types where {w} group by 1")),
        "rt-top-genres": {"events": min(TOP_BARS, n(f"select count(distinct genre) as n from rt_top_genres where {w}"))},
        "rt-top-countries": {"events": min(TOP_BARS, n(f"select count(distinct country) as n from rt_top_countries where {w}"))},
        "rt-session-duration": {"avg session minutes": n(f"select count(*) as n from rt_engagement where {w} and avg_session_minutes is not null")},
        "rt-late-events": {"late events": n(f"select count(*) as n from rt_late_events where {w}")},
    }
    if table_exists(nq, store, "_dead_letters"):
        minutes = {r["t"][:16] for r in q(nq, store, f"select cast(received_at as string) as t from _dead_letters where received_at >= timestamp '{since}'")}
        exp["rt-dead-letters"] = {"dead letters": len(minutes)} if minutes else {}
    else:
        exp["rt-dead-letters"] = {}
    return exp


def check_page(dom: ChartDOM, expected: dict[str, dict[str, int]], order: list[str]):
    assert dom.figures == order, f"charts on the page: {dom.figures}"
    for chart in order:
        want = expected[chart]
        if not want:
            assert chart in dom.empty and chart not in dom.charts, f"{chart}: expected an explanation, not a chart"
            continue
        assert chart in dom.charts, f"{chart}: not drawn (explanation: {dom.empty.get(chart)!r})"
        assert dom.series_points(chart) == want, f"{chart}: series/points differ"
        text = dom.text[chart]
        assert "Source:" in text, f"{chart}: no freshness note"
        missing = {"chart-title", "axis-label", "legend", "freshness"} - dom.parts.get(chart, set())
        assert not missing, f"{chart}: lacks {missing}"


# ---------------------------------------------------------------- stores

def ingest_fixtures(nq: Path, store: Path, only: set[str] | None = None):
    for f in sorted(FIXTURES.glob("*.csv")):
        if only is None or f.stem in only:
            run_nq(nq, "ingest", str(f), "--table", f.stem, store=store)


@pytest.fixture(scope="module")
def fixture_store(nq: Path, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("dash-fixture") / "store"
    ingest_fixtures(nq, store)
    return store


@pytest.fixture(scope="module")
def sample_store(nq: Path, sample_dir: Path, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dash-sample")
    store = tmp / "store"
    for t in ("users", "movies", "reviews"):
        run_nq(nq, "ingest", str(sample_dir / f"{t}.csv"), store=store)
    events = sample_dir / "watch_events.jsonl"
    if not events.is_file():
        pytest.skip(f"{events} not found")
    with open(events) as src, open(tmp / "watch_events.csv", "w", newline="") as dst:
        out = None
        for line in src:
            e = json.loads(line)  # Python reads the bare NaN the sample writes
            e["ts"] = e.pop("timestamp")
            if out is None:
                out = csv.DictWriter(dst, fieldnames=list(e))
                out.writeheader()
            out.writerow({k: ("" if isinstance(v, float) and v != v else v) for k, v in e.items()})
    run_nq(nq, "ingest", str(tmp / "watch_events.csv"), "--table", "watch_events", store=store)
    run_nq(nq, "query", "-f", str(SAMPLE_SQL), store=store, timeout=600)
    # A batch-run record for the freshness note ("last run").
    (tmp / "_runs.csv").write_text("run_id,started_at,ended_at,status,row_counts\n"
                                   "sample-1,2025-12-31 23:00:00,2025-12-31 23:02:30,succeeded,{}\n")
    run_nq(nq, "ingest", str(tmp / "_runs.csv"), "--table", "_runs", store=store)
    return store


@pytest.fixture(scope="module")
def batch_store(nq: Path, gen_dir: Path, tmp_path_factory) -> Path:
    """`nq gen` data through the real batch pipeline (`nq batch`)."""
    store = tmp_path_factory.mktemp("dash-batch") / "store"
    run_nq(nq, "ingest", str(gen_dir), store=store)
    run_nq(nq, "batch", "--quiet", store=store, timeout=900)
    return store


# ---------------------------------------------------------------- tests: fixture types

AGREED_TYPES = {
    "monthly_engagement": "month DATE, country STRING, subscription_plan STRING, active_users INT64, sessions INT64, total_watch_minutes FLOAT64, avg_watch_minutes FLOAT64, distinct_titles INT64, completion_rate FLOAT64, skip_rate FLOAT64, retained_users INT64, retention_rate FLOAT64",
    "cohort_retention": "cohort_month DATE, months_since_signup INT64, cohort_size INT64, active_users INT64, retention_rate FLOAT64",
    "genre_monthly": "month DATE, genre_primary STRING, sessions INT64, total_watch_minutes FLOAT64, completion_rate FLOAT64, skip_rate FLOAT64, reviews INT64, avg_rating FLOAT64",
    "churn_by_segment": "country STRING, subscription_plan STRING, users INT64, inactive_users INT64, churn_rate FLOAT64, avg_monthly_spend FLOAT64",
    "monthly_active_users": "month DATE, active_users INT64, sessions INT64, total_watch_minutes FLOAT64",
    "_runs": "run_id STRING, started_at TIMESTAMP, ended_at TIMESTAMP, status STRING, row_counts STRING",
    "rt_engagement": "window_start TIMESTAMP, window_end TIMESTAMP, active_users INT64, events INT64, sessions INT64, avg_session_minutes FLOAT64, skips INT64",
    "rt_event_types": "window_start TIMESTAMP, window_end TIMESTAMP, action STRING, events INT64",
    "rt_top_genres": "window_start TIMESTAMP, window_end TIMESTAMP, genre STRING, events INT64, active_users INT64, rank INT64",
    "rt_top_countries": "window_start TIMESTAMP, window_end TIMESTAMP, country STRING, events INT64, active_users INT64",
    "rt_late_events": "window_start TIMESTAMP, window_end TIMESTAMP, late_events INT64",
    "_dead_letters": "topic STRING, partition INT64, offset INT64, key STRING, payload STRING, reason STRING, received_at TIMESTAMP",
}


@pytest.mark.parametrize("table", sorted(AGREED_TYPES))
def test_fixture_tables_have_the_agreed_schemas(nq, fixture_store, table):
    d = json.loads(run_nq(nq, "describe", table, "--format", "json", store=fixture_store).stdout)
    cols = d["columns"] if isinstance(d, dict) else d
    got = ", ".join(f"{c['column']} {c['type']}" for c in cols)
    assert got == AGREED_TYPES[table]


@pytest.mark.parametrize("table", ["monthly_engagement", "cohort_retention", "genre_monthly", "churn_by_segment",
                                   "monthly_active_users", "rt_engagement", "rt_event_types", "rt_top_genres",
                                   "rt_top_countries", "rt_late_events"])
def test_sample_tables_have_the_agreed_schemas(nq, sample_store, table):
    d = json.loads(run_nq(nq, "describe", table, "--format", "json", store=sample_store).stdout)
    cols = d["columns"] if isinstance(d, dict) else d
    assert ", ".join(f"{c['column']} {c['type']}" for c in cols) == AGREED_TYPES[table]


# ---------------------------------------------------------------- tests: static build

def build(nq: Path, store: Path, out: Path) -> Path:
    p = run_nq(nq, "dashboard", "build", "--out", str(out), store=store)
    assert f"open {out}/index.html" in p.stdout
    return out


@pytest.mark.parametrize("which", ["fixture", "sample"])
def test_static_dashboards_draw_every_series_and_point_the_tables_hold(nq, which, request, tmp_path):
    store = request.getfixturevalue(f"{which}_store")
    site = build(nq, store, tmp_path / "site")
    check_page(ChartDOM(dump_dom((site / "historical.html").as_uri(), tmp_path)), expected_historical(nq, store), HISTORICAL)
    rt = ChartDOM(dump_dom((site / "realtime.html").as_uri(), tmp_path))
    check_page(rt, expected_realtime(nq, store), REALTIME)
    index = dump_dom((site / "index.html").as_uri(), tmp_path)
    assert 'href="realtime.html"' in index and 'href="historical.html"' in index


def test_the_historical_dashboard_draws_the_tables_of_nq_batch(nq, batch_store, tmp_path):
    site = build(nq, batch_store, tmp_path / "site")
    dom = ChartDOM(dump_dom((site / "historical.html").as_uri(), tmp_path))
    check_page(dom, expected_historical(nq, batch_store), HISTORICAL)
    assert not dom.empty, f"charts left empty by the batch tables: {dom.empty}"
    last_run = q(nq, batch_store, "select cast(max(ended_at) as string) as t from _runs where status = 'succeeded'")[0]["t"]
    assert last_run[:19] in dom.text["mau-by-plan"]
    country = q(nq, batch_store, "select min(country) as c from monthly_engagement")[0]["c"]
    plan = q(nq, batch_store, "select max(subscription_plan) as p from monthly_engagement")[0]["p"]
    page = site / f"historical--country-{slug(country)}--plan-{slug(plan)}.html"
    check_page(ChartDOM(dump_dom(page.as_uri(), tmp_path)), expected_historical(nq, batch_store, country, plan), HISTORICAL)


def test_static_filter_pages_show_only_the_chosen_country_and_plan(nq, fixture_store, tmp_path):
    site = build(nq, fixture_store, tmp_path / "site")
    country, plan = "Canada", "Basic"
    page = site / f"historical--country-{country}--plan-{plan}.html"
    dom = ChartDOM(dump_dom(page.as_uri(), tmp_path))
    check_page(dom, expected_historical(nq, fixture_store, country, plan), HISTORICAL)
    assert set(dom.charts["mau-by-plan"]) == {plan} and set(dom.charts["mau-by-country"]) == {country}
    html = page.read_text()
    assert re.search(rf'<option value="{country}" selected>', html) and re.search(rf'<option value="{plan}" selected>', html)
    # The form's script maps every country x plan choice (or "all") to a page the build wrote.
    pages = json.loads(re.search(r"const pages = (\{.*?\});", html).group(1))
    countries = {r["c"] for r in q(nq, fixture_store, "select distinct country as c from monthly_engagement union all "
                                                      "select distinct country from churn_by_segment")}
    plans = {r["p"] for r in q(nq, fixture_store, "select distinct subscription_plan as p from monthly_engagement union all "
                                                  "select distinct subscription_plan from churn_by_segment")}
    assert set(pages) == {f"{c}\x1f{p}" for c in countries | {""} for p in plans | {""}}
    assert all((site / f).is_file() for f in pages.values())
    assert pages["\x1f"] == "historical.html" and pages[f"{country}\x1f{plan}"] == page.name


def test_the_built_pages_load_nothing_from_elsewhere(nq, fixture_store, tmp_path):
    site = build(nq, fixture_store, tmp_path / "site")
    for page in site.glob("*.html"):
        html = page.read_text()
        assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=|<link\b|@import|url\(", html, re.I), page.name
        for m in re.finditer(r'(?:href|src)="([^"]+)"', html):
            assert not re.match(r"[a-z]+:", m.group(1)), f"{page.name} links {m.group(1)}"
        assert "https://" not in html


def test_an_empty_store_shows_an_explanation_for_every_chart(nq, tmp_path):
    site = build(nq, tmp_path / "no-store", tmp_path / "site")
    hist = ChartDOM(dump_dom((site / "historical.html").as_uri(), tmp_path))
    assert hist.figures == HISTORICAL and not hist.charts
    assert all("nq batch" in hist.empty[c] for c in HISTORICAL)
    rt = ChartDOM(dump_dom((site / "realtime.html").as_uri(), tmp_path))
    assert rt.figures == REALTIME and not rt.charts
    assert "nq consume" in rt.empty["rt-active-users"]
    assert not (tmp_path / "no-store").exists(), "building the dashboards must not create a store"


def test_missing_empty_and_misshapen_tables_are_explained_next_to_drawn_charts(nq, tmp_path):
    store = tmp_path / "store"
    ingest_fixtures(nq, store, {"monthly_engagement"})
    # genre_monthly with the right columns and no rows; churn_by_segment without churn_rate.
    run_nq(nq, "query", "create table genre_monthly as select month, country as genre_primary, sessions, total_watch_minutes, "
                        "completion_rate, skip_rate, active_users as reviews, skip_rate as avg_rating "
                        "from monthly_engagement where false", store=store)
    run_nq(nq, "query", "create table churn_by_segment as select country, subscription_plan, active_users as users "
                        "from monthly_engagement", store=store)
    site = build(nq, store, tmp_path / "site")
    hist = ChartDOM(dump_dom((site / "historical.html").as_uri(), tmp_path))
    assert hist.figures == HISTORICAL
    assert set(hist.charts) == {"mau-by-plan", "mau-by-country", "skip-rate", "watch-duration"}
    assert hist.empty["retention-cohorts"] == "No batch run yet: run nq batch to build it."
    assert hist.empty["genre-rating"].startswith("genre_monthly is empty.")
    assert hist.empty["churn-by-segment"].startswith("churn_by_segment lacks a column this chart needs")
    rt = ChartDOM(dump_dom((site / "realtime.html").as_uri(), tmp_path))
    assert not rt.charts and all("nq consume" in rt.empty[c] for c in REALTIME)


# ---------------------------------------------------------------- tests: serve

class Server:
    def __init__(self, nq: Path, store: Path, *args: str):
        self.proc = subprocess.Popen([str(nq), "--store", str(store), "dashboard", "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            line = self.proc.stdout.readline()
            if line.startswith("serving "):
                break
            if self.proc.poll() is not None:
                raise AssertionError(f"nq dashboard serve exited {self.proc.returncode}: {self.proc.stderr.read()}")
        if not line.startswith("serving "):
            self.proc.kill()
        m = re.match(r"serving (http://127\.0\.0\.1:(\d+)/)", line)
        assert m, f"no 'serving http://127.0.0.1:PORT/' line: {line!r}"
        self.base = m.group(1)

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(self.base + path.lstrip("/"), timeout=30) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def server(nq, fixture_store):
    s = Server(nq, fixture_store, "--refresh", "2")
    yield s
    s.stop()


def test_serve_listens_on_loopback_by_default(nq, fixture_store):
    s = Server(nq, fixture_store)
    try:
        assert s.base.startswith("http://127.0.0.1:")
        status, ctype, body = s.get("/")
        assert status == 200 and ctype.startswith("text/html")
        assert 'href="realtime.html"' in body and 'href="historical.html"' in body
        assert s.get("/no-such-page")[0] == 404
    finally:
        s.stop()
    assert s.proc.returncode == 0, "SIGINT stops the server cleanly"


def test_served_pages_draw_the_same_charts_as_the_tables_hold(nq, fixture_store, server, tmp_path):
    hist = ChartDOM(dump_dom(server.base + "historical.html", tmp_path))
    check_page(hist, expected_historical(nq, fixture_store), HISTORICAL)
    filtered = ChartDOM(dump_dom(server.base + "historical.html?country=USA&plan=Premium", tmp_path))
    check_page(filtered, expected_historical(nq, fixture_store, "USA", "Premium"), HISTORICAL)
    rt = ChartDOM(dump_dom(server.base + "realtime.html", tmp_path))
    check_page(rt, expected_realtime(nq, fixture_store), REALTIME)


def test_the_served_realtime_page_refreshes_itself_with_new_windows(nq, tmp_path):
    store = tmp_path / "store"
    ingest_fixtures(nq, store, {"rt_engagement"})
    s = Server(nq, store, "--refresh", "1")
    try:
        rows = q(nq, store, "select count(*) as n from rt_engagement")[0]["n"]
        page = ChartDOM(dump_dom(s.base + "realtime.html?windows=1000", tmp_path, "--virtual-time-budget=3500"))
        assert int(page.attrs_of_body.get("data-refreshed", "0")) >= 1, "the page did not reload its charts"
        assert page.series_points("rt-active-users") == {"active users": rows}
        # A new window arrives (as `nq consume` appends it): the next load shows it.
        (tmp_path / "more.csv").write_text("window_start,window_end,active_users,events,sessions,avg_session_minutes,skips\n"
                                           "2025-12-01 11:00:00,2025-12-01 11:01:00,7,9,8,3.5,3\n")
        run_nq(nq, "ingest", str(tmp_path / "more.csv"), "--table", "rt_engagement", "--append", store=store)
        page = ChartDOM(dump_dom(s.base + "realtime.html?windows=1000", tmp_path))
        assert page.series_points("rt-active-users") == {"active users": rows + 1}
    finally:
        s.stop()


def test_api_returns_the_rows_of_the_table_for_the_filters(nq, fixture_store, server):
    status, ctype, body = server.get("api/monthly_engagement?from=2025-02-01&to=2025-05-31&country=USA&plan=Standard")
    assert status == 200 and ctype.startswith("application/json")
    got = json.loads(body)
    want = q(nq, fixture_store, "select * from monthly_engagement where country = 'USA' and subscription_plan = 'Standard' "
                                "and month between '2025-02-01' and '2025-05-31' order by month")
    assert got["row_count"] == len(want) > 0
    assert [r["month"] for r in got["rows"]] == [r["month"] for r in want]
    for g, w in zip(got["rows"], want):
        assert g["active_users"] == w["active_users"] and g["sessions"] == w["sessions"]
        assert abs(g["skip_rate"] - w["skip_rate"]) < 1e-9
    assert got["freshness"]["last_run"].startswith(q(nq, fixture_store, "select cast(max(ended_at) as string) as t from _runs where status = 'succeeded'")[0]["t"][:19])
    status, _, body = server.get("api/_dead_letters?from=2025-12-01&to=2025-12-01")
    assert status == 200 and json.loads(body)["row_count"] == q(nq, fixture_store, "select count(*) as n from _dead_letters")[0]["n"]
    status, _, body = server.get("api")
    assert status == 200 and {t["table"] for t in json.loads(body)["tables"]} >= {"monthly_engagement", "rt_engagement"}


@pytest.mark.parametrize("path, status, message", [
    ("api/monthly_engagement?from=yesterday", 400, "'from' must be a date YYYY-MM-DD"),
    ("api/monthly_engagement?from=2025-06-01&to=2025-01-01", 400, "is after 'to'"),
    ("api/monthly_engagement?country=Atlantis", 400, "unknown country 'Atlantis'"),
    ("api/monthly_engagement?plan=Basic%27%20OR%20%271%27%3D%271", 400, "unknown plan 'Basic' OR '1'='1'"),
    ("api/monthly_engagement?country=USA%27%3B%20drop%20table%20monthly_engagement%3B--", 400, "unknown country"),
    ("api/monthly_engagement?sql=select%201", 400, "unknown parameter 'sql'"),
    ("api/monthly_engagement?where=1%3D1", 400, "unknown parameter 'where'"),
    ("api/churn_by_segment?to=2025-01-01", 400, "has no time column"),
    ("api/monthly_engagement?limit=-1", 400, "'limit' must be an integer"),
    ("api/users", 404, "unknown table 'users'"),
    ("api/monthly_engagement%3B%20drop%20table%20_runs", 404, "unknown table"),
    ("api/_rejects", 404, "unknown table '_rejects'"),
])
def test_api_rejects_bad_parameters_and_reaches_no_sql(nq, fixture_store, server, path, status, message):
    before = {t["name"]: t["rows"] for t in json.loads(run_nq(nq, "tables", "--format", "json", store=fixture_store).stdout)}
    got_status, ctype, body = server.get(path)
    assert got_status == status and ctype.startswith("application/json"), body
    assert message in json.loads(body)["error"]
    after = {t["name"]: t["rows"] for t in json.loads(run_nq(nq, "tables", "--format", "json", store=fixture_store).stdout)}
    assert after == before


@pytest.mark.parametrize("path", ["historical.html?country=Atlantis", "realtime.html?windows=0", "historical.html?sql=1"])
def test_served_pages_reject_bad_filters_with_400(server, path):
    status, _, body = server.get(path)
    assert status == 400 and "Bad request" in body


# ---------------------------------------------------------------- screenshots

def test_screenshots_of_both_dashboards(nq, sample_store, tmp_path):
    site = build(nq, sample_store, tmp_path / "site")
    update = os.environ.get("NQ_UPDATE_SCREENSHOTS") == "1"
    out_dir = REPO / "docs" / "img" if update else tmp_path
    for page, height in (("realtime", 1700), ("historical", 2320)):
        png = out_dir / f"dashboard-{page}.png"
        browse((site / f"{page}.html").as_uri(), tmp_path, f"--screenshot={png}", f"--window-size=1500,{height}",
               "--hide-scrollbars")
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, f"{png} is not a real screenshot"
