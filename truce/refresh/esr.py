"""USDA FAS Open Data, Export Sales Reporting (ESR): weekly US soybean sales to China.

One request per marketing year::

    GET https://apps.fas.usda.gov/OpenData/api/esr/exports/commodityCode/801/countryCode/5700/marketYear/{MY}
    API_KEY: <key from $USDA_FAS_API_KEY>

The answer is a JSON array with one object per reporting week (weeks end on
a Thursday). Every object must carry the fields in :data:`FIELDS` with the
right JSON type; anything else (not JSON, not an array, a missing field, a
string where a number belongs, another commodity, country or unit) is a
schema change and raises :class:`~truce.refresh.run.ResponseError` naming the
source, the URL, the record index and the field. Fields the API may add
later are ignored: they cannot change the meaning of the ones read here.

ESR numbers marketing years by the calendar year in which they end: soybeans
run September to August, so MY2025/26 (Sep 2025 - Aug 2026) is ``2026``.

Each week becomes one ``usda_sales_to_cn`` row of ``soybeans.csv``: the
week's ``currentMYTotalCommitment`` (accumulated exports plus outstanding
sales) as a running total from the marketing year's first day (1 September)
to ``weekEndingDate``. A total is never negative, does not depend on every
earlier week being present, and takes in USDA's revisions of earlier weeks;
weekly net sales would be negative after cancellations (the schema forbids
negative amounts) and their sum drifts from the published totals.

The running total also holds new-crop sales booked before 1 September (they
were the previous year's ``nextMYOutstandingSales``), and leaves out sales for
the following year. Re-basing a pledge that spans 1 September needs those
next-year figures (:mod:`analysis.domain.usda_sales`), so each week's
``nextMYOutstandingSales`` is kept as a ``usda_next_my_sales_to_cn`` row over
the same period, once the data package lists that series.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import requests

from analysis.domain.usda_sales import NEXT_YEAR_SERIES, label, marketing_year, marketing_year_start
from truce.refresh.errors import ResponseError
from truce.refresh.http import Fetched, format_number, http_get

SOURCE = "usda-esr"
SOURCE_ID = "usda-fas-esr-api"
KEY_ENV = "USDA_FAS_API_KEY"
KEY_HEADER = "API_KEY"
BASE_URL = "https://apps.fas.usda.gov/OpenData/api/esr/exports"
COMMODITY_CODE = 801  # soybeans
COUNTRY_CODE = 5700  # China
# ESR unit 1 is metric tons (the API's unitsOfMeasure list); soybeans are reported in it.
# Any other unit would need a conversion we cannot verify, so it is a schema change.
UNIT_METRIC_TONS = 1
SERIES = "usda_sales_to_cn"

# Field name -> JSON kind. "integer" and "number" exclude booleans, which JSON
# decoders would otherwise let through as 0/1.
FIELDS = {
    "commodityCode": "integer",
    "countryCode": "integer",
    "weeklyExports": "number",
    "accumulatedExports": "number",
    "outstandingSales": "number",
    "grossNewSales": "number",
    "currentMYNetSales": "number",
    "currentMYTotalCommitment": "number",
    "nextMYOutstandingSales": "number",
    "nextMYNetSales": "number",
    "unitId": "integer",
    "weekEndingDate": "datetime",
}
WEEK_ENDING = re.compile(r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(\.\d+)?)?")

SOURCE_ROW = {
    "source_id": SOURCE_ID,
    "publisher": "USDA Foreign Agricultural Service",
    "title": "Export Sales Reporting (ESR) API: weekly US soybean export sales to China "
             "(commodity 801, country 5700), by marketing year",
    "url": f"{BASE_URL}/commodityCode/{COMMODITY_CODE}/countryCode/{COUNTRY_CODE}/marketYear/{{marketYear}}",
    "published": "",
    "reliability": "primary",
    "note": "official API, read by truce refresh; the marketYear path segment selects the year "
            "(2026 = MY2025/26); raw responses and their sha256 are kept under vintages/<date>/usda-esr/",
}


@dataclass(frozen=True)
class Week:
    """One validated ESR record: total commitments to China as of a week's end.

    ``next_year_sales`` is USDA's outstanding sales for the following
    marketing year (all of them still to ship): what re-basing a
    calendar-year pledge across 1 September needs to subtract or add
    (:mod:`analysis.domain.usda_sales`).
    """

    week_ending: date
    total_commitment: Decimal | int
    next_year_sales: Decimal | int = 0


def url(market_year: int) -> str:
    """The ESR endpoint for soybeans to China in ``market_year`` (the key travels in a header)."""
    return f"{BASE_URL}/commodityCode/{COMMODITY_CODE}/countryCode/{COUNTRY_CODE}/marketYear/{market_year}"


def market_years(today: date) -> list[int]:
    """The previous and the current marketing year on ``today``, oldest first.

    The previous year is fetched too because USDA revises its closing weeks
    after the new year has begun.

    >>> market_years(date(2026, 11, 23))
    [2026, 2027]
    """
    current = marketing_year(today)
    return [current - 1, current]


def fetch(session: requests.Session, market_year: int, key: str) -> Fetched:
    """Download one marketing year's weekly records (raw bytes, not yet validated)."""
    return http_get(
        session, SOURCE, f"esr_{market_year}", url(market_year),
        headers={KEY_HEADER: key, "Accept": "application/json"}, secrets=(key,),
    )


def _fail(where: str, message: str, index: int | None = None, field: str | None = None) -> ResponseError:
    return ResponseError(SOURCE, where, message, index=index, field=field)


def _check_kind(value, kind: str) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int)
    if kind == "number":
        return isinstance(value, (int, Decimal))
    return isinstance(value, str) and WEEK_ENDING.fullmatch(value) is not None


def parse(content: bytes, where: str, market_year: int) -> list[Week]:
    """Validate an ESR response and return its weeks in date order.

    Parameters
    ----------
    content : bytes
        The raw response body.
    where : str
        The URL it came from (without any key), for error messages.
    market_year : int
        The marketing year asked for; every week must fall inside it.

    Returns
    -------
    list of Week
        Empty when USDA has no week yet for that year.

    Raises
    ------
    ResponseError
        On anything but the documented shape, naming the record index and field.
    """
    try:
        # Decimal keeps the published digits exactly; floats would print 0.1 as 0.1000000001.
        payload = json.loads(content.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as err:
        raise _fail(where, f"response is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise _fail(where, f"response is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from None
    if not isinstance(payload, list):
        raise _fail(where, f"expected a JSON array of weekly records, got a JSON {_kind_name(payload)}")

    start = marketing_year_start(market_year)
    # The last ESR week of a year can end a few days after 31 August.
    last = date(market_year, 8, 31) + timedelta(days=6)
    weeks: dict[date, Week] = {}
    for index, record in enumerate(payload):
        if not isinstance(record, dict):
            raise _fail(where, f"expected a JSON object, got a JSON {_kind_name(record)}", index)
        for name, kind in FIELDS.items():
            if name not in record:
                raise _fail(where, "field is missing", index, name)
            if not _check_kind(record[name], kind):
                expected = {"integer": "a whole number", "number": "a number",
                            "datetime": "an ISO date or date-time string"}[kind]
                raise _fail(where, f"expected {expected}, got {record[name]!r}", index, name)
        for name, wanted in (("commodityCode", COMMODITY_CODE), ("countryCode", COUNTRY_CODE),
                             ("unitId", UNIT_METRIC_TONS)):
            if record[name] != wanted:
                raise _fail(where, f"expected {wanted}, got {record[name]!r}", index, name)
        try:
            week_ending = date.fromisoformat(WEEK_ENDING.fullmatch(record["weekEndingDate"]).group(1))
        except ValueError:
            raise _fail(where, f"{record['weekEndingDate']!r} is not a calendar date", index, "weekEndingDate") from None
        if not start <= week_ending <= last:
            raise _fail(where, f"{week_ending} is outside {label(market_year)} ({start} to {last})",
                        index, "weekEndingDate")
        if week_ending in weeks:
            raise _fail(where, f"week ending {week_ending} appears twice", index, "weekEndingDate")
        for name in ("currentMYTotalCommitment", "nextMYOutstandingSales"):
            if record[name] < 0:
                raise _fail(where, f"a total cannot be negative ({record[name]})", index, name)
        weeks[week_ending] = Week(week_ending, record["currentMYTotalCommitment"], record["nextMYOutstandingSales"])
    return [weeks[d] for d in sorted(weeks)]


def _kind_name(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def rows(weeks: list[Week], market_year: int) -> list[dict]:
    """Turn validated weeks into ``soybeans.csv`` rows (all values as CSV strings)."""
    start = marketing_year_start(market_year).isoformat()
    return [_row(SERIES, start, week, week.total_commitment,
                 f"ESR total commitments (accumulated exports + outstanding sales) to China for "
                 f"{label(market_year)} as of the week ending {week.week_ending}; counts sales booked "
                 f"before 1 Sep, not sales for the next year") for week in weeks]


def _row(series: str, start: str, week: Week, value, note: str) -> dict:
    """One ``soybeans.csv`` row from one ESR week (values as CSV strings): exact, reported, preferred."""
    return {"series": series, "period_start": start, "period_end": week.week_ending.isoformat(),
            "value": format_number(value), "unit": "t", "bound": "exact", "derived": "false", "derivation": "",
            "preferred": "true", "source_id": SOURCE_ID, "note": note}


def next_year_rows(weeks: list[Week], market_year: int) -> list[dict]:
    """``usda_next_my_sales_to_cn`` rows: next-year sales on the books at each week's end.

    Same period as the week's running total (1 September to the week's end,
    the only time such sales can be booked), a different series: it is
    another quantity, not a rival figure for the same one. The refresh writes
    them only once the data package lists the series (see :func:`truce.refresh.run.run`).
    """
    start = marketing_year_start(market_year).isoformat()
    return [_row(NEXT_YEAR_SERIES, start, week, week.next_year_sales,
                 f"ESR outstanding sales to China for {label(market_year + 1)} (the next marketing year), booked "
                 f"during {label(market_year)} up to the week ending {week.week_ending}") for week in weeks]
