"""`truce refresh`: fetch, merge, validate, write vintages, and fail safely.

No test touches the network. Recorded responses (synthetic figures in the
real shapes, under tests/truce/refresh/fixtures/refresh/) are served by a fake transport
mounted on the session; the retry tests use the real HTTPAdapter and retry
policy against a throwaway HTTP server on the loopback interface. Every run
works on a copy of data/ in a temporary folder.
"""

import csv
import hashlib
import io
import json
import re
import shutil
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

from truce.refresh import census as census_client
from analysis import config
from truce.refresh import esr as esr_client
from analysis.data import loaders
from truce.refresh import errors, http
from truce.refresh import run as refresh

FIXTURES = Path(__file__).parent / "fixtures" / "refresh"
TODAY = date(2026, 11, 23)  # MY2026/27, so ESR years 2026 and 2027 are fetched
ESR_KEY = "esr-test-key-7f3a9c"
CENSUS_KEY = "census-test-key-51be0d"
ESR_URLS = {my: esr_client.url(my) for my in (2026, 2027)}
CENSUS_URL = census_client.URL


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def normal_routes() -> dict:
    return {
        ESR_URLS[2026]: (200, fixture_bytes("esr_2026.json")),
        ESR_URLS[2027]: (200, fixture_bytes("esr_2027.json")),
        CENSUS_URL: (200, fixture_bytes("exports_hs1201_5700.json")),
    }


def without_key(url: str) -> str:
    return re.sub(r"&key=[^&]*", "", url)


class FakeTransport(BaseAdapter):
    """Answers from a dict of URL (without key) -> (status, body); records every request."""

    def __init__(self, routes: dict):
        super().__init__()
        self.routes = routes
        self.requests = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.requests.append((request, timeout))
        answer = self.routes.get(without_key(request.url), (404, b'{"message": "no such route"}'))
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url = request.url
        response.request = request
        response.reason = {200: "OK", 404: "Not Found"}.get(status, "")
        return response

    def close(self):
        pass


def fake_session(routes: dict) -> tuple[requests.Session, FakeTransport]:
    session = requests.Session()
    transport = FakeTransport(routes)
    session.mount("https://", transport)
    return session, transport


class LoopbackAdapter(HTTPAdapter):
    """The real HTTPAdapter (and retry policy), sent to a local server instead of the API host."""

    def __init__(self, port: int, **kwargs):
        self.port = port
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
        return super().send(request, **kwargs)


@pytest.fixture
def server():
    """A local HTTP server answering every GET with a set status; counts the hits."""
    state = {"status": 500, "headers": {}, "hits": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state["hits"].append(self.path)
            body = b'{"error": "synthetic failure"}'
            self.send_response(state["status"])
            for name, value in state["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["port"] = httpd.server_address[1]
    yield state
    httpd.shutdown()
    httpd.server_close()


def loopback_session(port: int) -> requests.Session:
    session = requests.Session()
    session.mount("https://", LoopbackAdapter(port, max_retries=http.retry_policy(backoff_factor=0)))
    return session


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of the project's data CSVs, with both API keys set."""
    folder = tmp_path / "data"
    folder.mkdir()
    for path in config.DEFAULT_DATA_DIR.glob("*.csv"):
        shutil.copyfile(path, folder / path.name)
    monkeypatch.setenv(esr_client.KEY_ENV, ESR_KEY)
    monkeypatch.setenv(census_client.KEY_ENV, CENSUS_KEY)
    return folder


def tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rows_of(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def run(data_dir, session, source="all", dry_run=False, today=TODAY):
    lines = []
    code = refresh.run(source=source, dry_run=dry_run, data_dir=data_dir, today=today,
                       session=session, echo=lines.append)
    return code, "\n".join(lines)


def find(rows, series, start, end, unit, source_id=None):
    return [r for r in rows if (r["series"], r["period_start"], r["period_end"], r["unit"]) == (series, start, end, unit)
            and (source_id is None or r["source_id"] == source_id)]


# --- the normal refresh --------------------------------------------------------------------


def test_marketing_year_numbering():
    assert esr_client.marketing_year(date(2026, 8, 31)) == 2026
    assert esr_client.marketing_year(date(2026, 9, 1)) == 2027
    assert esr_client.market_years(TODAY) == [2026, 2027]
    assert esr_client.marketing_year_start(2026) == date(2025, 9, 1)


def test_refresh_adds_rows_flips_preferred_and_validates(data):
    before = rows_of(data / "soybeans.csv")
    session, transport = fake_session(normal_routes())
    code, out = run(data, session)
    assert code == 0, out
    after = rows_of(data / "soybeans.csv")
    # ESR: 8 + 3 weeks, each a sales total and a next-year row; Census: 7 months in tonnes and dollars.
    assert len(after) == len(before) + (8 + 3) * 2 + 7 * 2
    assert loaders.validate_all(data) == []

    # ESR: the week's total commitment as a running total from 1 September.
    (week,) = find(after, "usda_sales_to_cn", "2025-09-01", "2025-11-13", "t")
    assert (week["value"], week["bound"], week["derived"], week["preferred"], week["source_id"]) == (
        "1024000", "exact", "false", "true", "usda-fas-esr-api")
    assert "total commitments" in week["note"]
    assert find(after, "usda_sales_to_cn", "2026-09-01", "2026-11-19", "t")[0]["value"] == "8990000"
    # The curated zero for 1-18 Sep 2025 (Argus) meets the ESR week ending 18 Sep: both kept, ESR preferred.
    argus = find(after, "usda_sales_to_cn", "2025-09-01", "2025-09-18", "t", "argus-us-soy-commitments-sep-2025")[0]
    assert argus["preferred"] == "false" and "superseded by usda-fas-esr-api" in argus["note"]
    assert find(after, "usda_sales_to_cn", "2025-09-01", "2025-09-18", "t", "usda-fas-esr-api")[0]["preferred"] == "true"

    # Census: one row per month and unit; kilograms become tonnes exactly.
    (tonnes,) = find(after, "us_exports_to_cn", "2025-11-01", "2025-11-30", "t")
    (dollars,) = find(after, "us_exports_to_cn", "2025-11-01", "2025-11-30", "usd")
    assert (tonnes["value"], dollars["value"]) == ("123456.789", "55210987")
    assert find(after, "us_exports_to_cn", "2024-12-01", "2024-12-31", "t")[0]["value"] == "5176554.327"
    assert find(after, "us_exports_to_cn", "2020-09-01", "2020-09-30", "t")[0]["preferred"] == "true"
    brock = find(after, "us_exports_to_cn", "2020-09-01", "2020-09-30", "usd", "brockreport-us-ag-exports-cn-sep-2020")
    assert brock[0]["preferred"] == "false"

    # Curated rows are all still there, unchanged apart from the two flips.
    flipped = {"argus-us-soy-commitments-sep-2025", "brockreport-us-ag-exports-cn-sep-2020"}
    kept = [r for r in before if r["source_id"] not in flipped]
    assert all(r in after for r in kept)
    assert "preferred usda_sales_to_cn 2025-09-01..2025-09-18 (t): argus-us-soy-commitments-sep-2025" in out

    sources = {r["source_id"]: r for r in rows_of(data / "sources.csv")}
    for source_id, url in (("usda-fas-esr-api", esr_client.SOURCE_ROW["url"]), ("census-intltrade-api", CENSUS_URL)):
        assert sources[source_id]["accessed"] == "2026-11-23"
        assert sources[source_id]["reliability"] == "primary"
        assert sources[source_id]["url"] == url and "key" not in url

    # The key went to the API and nowhere else; every request had a timeout.
    esr_requests = [r for r, _ in transport.requests if "apps.fas.usda.gov" in r.url]
    assert len(esr_requests) == 2 and all(r.headers["API_KEY"] == ESR_KEY for r in esr_requests)
    (census_request,) = [r for r, _ in transport.requests if "api.census.gov" in r.url]
    assert census_request.url.endswith(f"&key={CENSUS_KEY}")
    assert all(timeout is not None for _, timeout in transport.requests)
    for relative, content in tree(data).items():
        assert ESR_KEY.encode() not in content and CENSUS_KEY.encode() not in content, relative
    assert ESR_KEY not in out and CENSUS_KEY not in out


def test_file_order_and_format_are_kept(data):
    original = (data / "soybeans.csv").read_bytes()
    original_sources = (data / "sources.csv").read_bytes()
    code, out = run(data, fake_session(normal_routes())[0])
    assert code == 0, out
    text = (data / "soybeans.csv").read_bytes()
    assert b"\r" not in text and text.endswith(b"\n")
    assert text.split(b"\n")[0] == original.split(b"\n")[0]
    rows = rows_of(data / "soybeans.csv")
    assert rows == sorted(rows, key=refresh.soybeans_order)
    # The original file already follows the rule, so the merge moves no existing row.
    original_rows = rows_of(Path(config.DEFAULT_DATA_DIR) / "soybeans.csv")
    assert original_rows == sorted(original_rows, key=refresh.soybeans_order)
    new = [r for r in rows if r["source_id"] in ("usda-fas-esr-api", "census-intltrade-api")]
    assert all(re.fullmatch(r"\d+(\.\d*[1-9])?", r["value"]) for r in new)
    ids = [r["source_id"] for r in rows_of(data / "sources.csv")]
    assert ids == sorted(ids)
    # Only the two new source lines were inserted into sources.csv.
    assert len(original_sources.split(b"\n")) + 2 == len((data / "sources.csv").read_bytes().split(b"\n"))


def test_vintage_holds_raw_responses_provenance_and_data(data):
    code, out = run(data, fake_session(normal_routes())[0])
    assert code == 0, out
    vintage = data / "vintages" / "2026-11-23"
    expected = {
        "usda-esr/esr_2026": ("esr_2026.json", ESR_URLS[2026]),
        "usda-esr/esr_2027": ("esr_2027.json", ESR_URLS[2027]),
        "census/exports_hs1201_5700": ("exports_hs1201_5700.json", CENSUS_URL),
    }
    for stem, (fixture, url) in expected.items():
        raw = (vintage / f"{stem}.json").read_bytes()
        assert raw == fixture_bytes(fixture)
        provenance = json.loads((vintage / f"{stem}.provenance.json").read_text(encoding="utf-8"))
        assert provenance["sha256"] == hashlib.sha256(raw).hexdigest()
        assert provenance["url"] == url
        assert provenance["http_status"] == 200 and provenance["bytes"] == len(raw)
        assert provenance["source_id"] in ("usda-fas-esr-api", "census-intltrade-api")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", provenance["accessed"])
    snapshot = vintage / "data"
    assert sorted(p.name for p in snapshot.iterdir()) == sorted(f"{n}.csv" for n in loaders.DATASETS)
    for name in loaders.DATASETS:
        assert (snapshot / f"{name}.csv").read_bytes() == (data / f"{name}.csv").read_bytes()
    assert loaders.validate_all(snapshot) == []
    # No staging folder is left behind.
    assert not [p for p in data.iterdir() if p.name.startswith(".")]


def test_second_run_changes_nothing(data):
    assert run(data, fake_session(normal_routes())[0])[0] == 0
    first = {name: (data / f"{name}.csv").read_bytes() for name in loaders.DATASETS}
    code, out = run(data, fake_session(normal_routes())[0])
    assert code == 0 and "nothing new" in out
    # A week later the same answers still change nothing, not even the access dates.
    code, out = run(data, fake_session(normal_routes())[0], today=date(2026, 11, 30))
    assert code == 0 and "nothing new" in out and "data files unchanged" in out
    assert {name: (data / f"{name}.csv").read_bytes() for name in loaders.DATASETS} == first


def test_revised_week_updates_its_row(data):
    assert run(data, fake_session(normal_routes())[0])[0] == 0
    records = json.loads(fixture_bytes("esr_2027.json"))
    records[-1]["outstandingSales"] += 5000
    records[-1]["currentMYTotalCommitment"] += 5000
    routes = {**normal_routes(), ESR_URLS[2027]: (200, json.dumps(records).encode())}
    code, out = run(data, fake_session(routes)[0], today=date(2026, 11, 30))
    assert code == 0, out
    assert "usda_sales_to_cn (t): 0 rows added, 1 changed" in out
    (row,) = find(rows_of(data / "soybeans.csv"), "usda_sales_to_cn", "2026-09-01", "2026-11-19", "t")
    assert row["value"] == "8995000"
    esr = {r["source_id"]: r for r in rows_of(data / "sources.csv")}["usda-fas-esr-api"]
    assert esr["accessed"] == "2026-11-30"


def test_dry_run_writes_nothing(data):
    before = tree(data)
    code, out = run(data, fake_session(normal_routes())[0], dry_run=True)
    assert code == 0, out
    assert tree(data) == before
    assert "usda_sales_to_cn (t): 11 rows would be added" in out
    assert "us_exports_to_cn (usd): 7 rows would be added" in out
    assert "brockreport-us-ag-exports-cn-sep-2020 would be set to false" in out
    assert "nothing written" in out


def test_single_source_fetches_only_it(data):
    session, transport = fake_session(normal_routes())
    code, out = run(data, session, source="census")
    assert code == 0, out
    assert all("api.census.gov" in r.url for r, _ in transport.requests)
    assert not (data / "vintages" / "2026-11-23" / "usda-esr").exists()
    assert (data / "vintages" / "2026-11-23" / "data" / "events.csv").exists()


def test_census_key_is_optional(data, monkeypatch):
    monkeypatch.delenv(census_client.KEY_ENV)
    session, transport = fake_session(normal_routes())
    assert run(data, session, source="census")[0] == 0
    assert "key=" not in transport.requests[0][0].url


# --- failures: each leaves data/ byte-identical --------------------------------------------


def assert_untouched(data, before, code, expected, out):
    assert code == expected, out
    assert tree(data) == before
    assert "data left unchanged" in out


def test_missing_esr_key(data, monkeypatch):
    monkeypatch.delenv(esr_client.KEY_ENV)
    before = tree(data)
    session, transport = fake_session(normal_routes())
    code, out = run(data, session)
    assert_untouched(data, before, code, errors.EXIT_NO_KEY, out)
    assert esr_client.KEY_ENV in out
    assert transport.requests == []  # all or nothing: Census is not fetched either


def test_connection_error(data):
    before = tree(data)
    routes = {**normal_routes(), ESR_URLS[2026]: requests.ConnectionError("Name or service not known")}
    code, out = run(data, fake_session(routes)[0])
    assert_untouched(data, before, code, errors.EXIT_NETWORK, out)
    assert f"usda-esr: {ESR_URLS[2026]}: could not connect" in out


def test_connection_refused_is_retried_and_key_kept_out_of_messages(data):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    before = tree(data)
    code, out = run(data, loopback_session(port), source="census")
    assert_untouched(data, before, code, errors.EXIT_NETWORK, out)
    assert "could not connect" in out and CENSUS_URL in out
    assert CENSUS_KEY not in out


def test_http_500_after_retries(data, server):
    before = tree(data)
    code, out = run(data, loopback_session(server["port"]))
    assert_untouched(data, before, code, errors.EXIT_NETWORK, out)
    assert len(server["hits"]) == http.RETRIES + 1  # first ESR year, retried, then stop
    assert "HTTP 500" in out and f"after {http.RETRIES + 1} attempts" in out
    # Each retry is announced as it starts, so a long retry loop is not silent.
    total = http.RETRIES + 1
    for attempt in range(2, total + 1):
        assert f"usda-esr: attempt {attempt}/{total} after HTTP error 500" in out


def test_rate_limited_after_retries(data, server):
    server.update(status=429, headers={"Retry-After": "0"})
    before = tree(data)
    code, out = run(data, loopback_session(server["port"]), source="census")
    assert_untouched(data, before, code, errors.EXIT_NETWORK, out)
    assert len(server["hits"]) == http.RETRIES + 1
    assert all(f"key={CENSUS_KEY}" in hit for hit in server["hits"])
    assert "rate limited (HTTP 429)" in out and CENSUS_KEY not in out


def test_retry_policy_covers_rate_limits_and_server_errors():
    policy = http.retry_policy()
    assert {429, 500, 502, 503, 504} <= set(policy.status_forcelist)
    assert policy.respect_retry_after_header and policy.allowed_methods == frozenset({"GET"})
    assert policy.backoff_factor > 0 and policy.raise_on_status is False


def test_http_error_status(data):
    before = tree(data)
    routes = {**normal_routes(), CENSUS_URL: (404, b'{"message": "no such route"}')}
    code, out = run(data, fake_session(routes)[0])
    assert_untouched(data, before, code, errors.EXIT_NETWORK, out)
    assert f"census: {CENSUS_URL}: HTTP 404" in out


def esr_with(change) -> dict:
    records = json.loads(fixture_bytes("esr_2026.json"))
    change(records)
    return {**normal_routes(), ESR_URLS[2026]: (200, json.dumps(records).encode())}


def census_with(change) -> dict:
    table = json.loads(fixture_bytes("exports_hs1201_5700.json"))
    change(table)
    return {**normal_routes(), CENSUS_URL: (200, json.dumps(table).encode())}


SCHEMA_CHANGES = {
    "esr missing field": (esr_with(lambda r: r[3].pop("currentMYTotalCommitment")),
                          f"usda-esr: {ESR_URLS[2026]}: record 3: field 'currentMYTotalCommitment': field is missing"),
    "esr wrong type": (esr_with(lambda r: r[1].update(weeklyExports="1,200")),
                       "record 1: field 'weeklyExports': expected a number, got '1,200'"),
    "esr negative next-year sales": (esr_with(lambda r: r[7].update(nextMYOutstandingSales=-5)),
                                     "record 7: field 'nextMYOutstandingSales': a total cannot be negative (-5)"),
    "esr other unit": (esr_with(lambda r: r[0].update(unitId=2)), "record 0: field 'unitId': expected 1, got 2"),
    "esr not a list": ({**normal_routes(), ESR_URLS[2026]: (200, b'{"message": "API key required"}')},
                       "expected a JSON array of weekly records, got a JSON object"),
    "esr malformed": ({**normal_routes(), ESR_URLS[2026]: (200, fixture_bytes("malformed.json"))},
                      f"usda-esr: {ESR_URLS[2026]}: response is not valid JSON"),
    "census renamed column": (census_with(lambda t: t[0].__setitem__(4, "QTY_1_MONTH")),
                              f"census: {CENSUS_URL}: row 0: column 'QTY_1_MO': column is missing from the header"),
    "census number not a string": (census_with(lambda t: t[2].__setitem__(3, 2613770416)),
                                   "row 2: column 'ALL_VAL_MO': expected a string, got 2613770416"),
    "census other unit": (census_with(lambda t: t[1].__setitem__(5, "NO")),
                          "row 1: column 'UNIT_QY1': unit 'NO' cannot be converted to tonnes"),
    "census malformed": ({**normal_routes(), CENSUS_URL: (200, b"<html>Invalid Key</html>")},
                         f"census: {CENSUS_URL}: response is not valid JSON"),
}


@pytest.mark.parametrize("case", SCHEMA_CHANGES)
def test_response_schema_changes(data, case):
    routes, message = SCHEMA_CHANGES[case]
    before = tree(data)
    code, out = run(data, fake_session(routes)[0])
    assert_untouched(data, before, code, errors.EXIT_RESPONSE, out)
    assert message in out


def test_merged_data_failing_validation(data):
    # A month the client accepts but the schema does not (periods end by 2030-12-31).
    routes = census_with(lambda t: t.append(["5700", "CHINA", "1201", "10", "1000", "KG", "1201", "5700", "HS4", "2031-01"]))
    before = tree(data)
    code, out = run(data, fake_session(routes)[0])
    assert_untouched(data, before, code, errors.EXIT_INVALID, out)
    assert "merged soybeans.csv:" in out and "above the maximum 2030-12-31" in out


def test_dry_run_reports_invalid_merge(data):
    routes = census_with(lambda t: t.append(["5700", "CHINA", "1201", "10", "1000", "KG", "1201", "5700", "HS4", "2031-01"]))
    before = tree(data)
    code, out = run(data, fake_session(routes)[0], dry_run=True)
    assert_untouched(data, before, code, errors.EXIT_INVALID, out)


def test_invalid_current_data_stops_before_fetching(data):
    path = data / "soybeans.csv"
    path.write_bytes(path.read_bytes().replace(b",2017-12-31,32900000,", b",2017-12-31,lots,", 1))
    before = tree(data)
    session, transport = fake_session(normal_routes())
    code, out = run(data, session)
    assert_untouched(data, before, code, errors.EXIT_INVALID, out)
    assert "soybeans.csv:2: value: 'lots' is not a number" in out
    assert transport.requests == []


def test_unwritable_vintage_folder(data):
    (data / "vintages").write_text("not a folder", encoding="utf-8")
    before = tree(data)
    code, out = run(data, fake_session(normal_routes())[0])
    assert_untouched(data, before, code, errors.EXIT_WRITE, out)


def test_unknown_source(data):
    code, out = run(data, fake_session(normal_routes())[0], source="comtrade")
    assert code == errors.EXIT_USAGE and "usda-esr, census, all" in out
