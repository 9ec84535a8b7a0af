"""US Census Bureau International Trade API: monthly US exports of HS 1201 soybeans to China.

One request::

    GET https://api.census.gov/data/timeseries/intltrade/exports/hs?get=CTY_CODE,CTY_NAME,E_COMMODITY,
        ALL_VAL_MO,QTY_1_MO,UNIT_QY1&E_COMMODITY=1201&CTY_CODE=5700&COMM_LVL=HS4&time=from+2017-01
        [&key=<$CENSUS_API_KEY>]

The key is optional (light use works without one) and is added only to the
request, never to the URL that is recorded or printed.

The answer is a JSON array of arrays: the first row names the columns, each
later row is one month, and every cell is a string. The API echoes the query's
predicates (``time``, ``COMM_LVL``, sometimes ``CTY_CODE`` and ``E_COMMODITY``
a second time) as extra columns; an echoed column must repeat the first
occurrence's value. Columns not asked for are ignored. A missing column, a
cell that is not a string of the right form, another country, commodity or
quantity unit raises :class:`~truce.refresh.run.ResponseError` naming the
source, the URL, the row index (the header is row 0) and the column.
An HTTP 204 with an empty body means "no data" and yields no month.

Each month becomes two ``us_exports_to_cn`` rows of ``soybeans.csv`` over
the calendar month: the total value ``ALL_VAL_MO`` in US dollars, and the
quantity ``QTY_1_MO`` in tonnes. ``UNIT_QY1`` ``KG`` is divided by 1000;
``T`` (the Census code for metric tons) is taken as it is. Months with no
exports to China are absent from the API's answer and get no row: nothing
is filled in.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from decimal import Decimal

import requests

from truce.refresh.errors import ResponseError
from truce.refresh.http import Fetched, format_number, http_get

SOURCE = "census"
SOURCE_ID = "census-intltrade-api"
KEY_ENV = "CENSUS_API_KEY"
COMMODITY = "1201"
COUNTRY = "5700"
FIRST_MONTH = "2017-01"
SERIES = "us_exports_to_cn"
URL = (
    "https://api.census.gov/data/timeseries/intltrade/exports/hs"
    "?get=CTY_CODE,CTY_NAME,E_COMMODITY,ALL_VAL_MO,QTY_1_MO,UNIT_QY1"
    f"&E_COMMODITY={COMMODITY}&CTY_CODE={COUNTRY}&COMM_LVL=HS4&time=from+{FIRST_MONTH}"
)
COLUMNS = ("CTY_CODE", "CTY_NAME", "E_COMMODITY", "ALL_VAL_MO", "QTY_1_MO", "UNIT_QY1", "time")
# Tonnes per reported quantity unit. Schedule B reports soybeans by weight; any
# other unit (a count, a volume) cannot be turned into tonnes.
TONNES_PER_UNIT = {"KG": Decimal("0.001"), "T": Decimal(1)}
WHOLE = re.compile(r"\d+")
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

SOURCE_ROW = {
    "source_id": SOURCE_ID,
    "publisher": "US Census Bureau",
    "title": "International Trade API: monthly US exports of soybeans (HS 1201) to China "
             "(country 5700), value and quantity",
    "url": URL,
    "published": "",
    "reliability": "primary",
    "note": "official API, read by truce refresh; value is the total (f.a.s.) export value in US dollars; "
            "raw responses and their sha256 are kept under vintages/<date>/census/",
}


@dataclass(frozen=True)
class Month:
    """One validated month: export value (US$) and quantity (tonnes)."""

    month: str  # YYYY-MM
    value_usd: int
    tonnes: Decimal
    quantity: str  # as published, with its unit, for the note
    unit: str


def fetch(session: requests.Session, key: str | None) -> Fetched:
    """Download the monthly series (raw bytes, not yet validated)."""
    params = {"key": key} if key else None
    return http_get(session, SOURCE, f"exports_hs{COMMODITY}_{COUNTRY}", URL, params=params,
                    headers={"Accept": "application/json"}, secrets=(key,) if key else ())


def _fail(where: str, message: str, index: int | None = None, field: str | None = None) -> ResponseError:
    return ResponseError(SOURCE, where, message, index=index, field=field, index_name="row",
                         field_name="column")


def parse(content: bytes, where: str) -> list[Month]:
    """Validate a Census response and return its months in date order.

    Parameters
    ----------
    content : bytes
        The raw response body (empty for HTTP 204, no data).
    where : str
        The URL it came from (without any key), for error messages.

    Returns
    -------
    list of Month

    Raises
    ------
    ResponseError
        On anything but the documented shape, naming the row index and column.
    """
    if not content.strip():
        return []
    try:
        payload = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise _fail(where, f"response is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise _fail(where, f"response is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from None
    if not isinstance(payload, list) or not payload:
        raise _fail(where, "expected a JSON array whose first row names the columns")
    header = payload[0]
    if not isinstance(header, list) or not all(isinstance(name, str) for name in header):
        raise _fail(where, "the first row must be a list of column names", 0)
    for name in COLUMNS:
        if name not in header:
            raise _fail(where, "column is missing from the header", 0, name)
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        positions.setdefault(name, []).append(position)

    months: dict[str, Month] = {}
    for index, row in enumerate(payload[1:], start=1):
        if not isinstance(row, list) or len(row) != len(header):
            raise _fail(where, f"expected a list of {len(header)} cells like the header", index)
        cells = {}
        for name, where_in_row in positions.items():
            values = [row[p] for p in where_in_row]
            for value in values:
                if not isinstance(value, str):
                    raise _fail(where, f"expected a string, got {value!r}", index, name)
            if len(set(values)) > 1:
                raise _fail(where, f"repeated column disagrees with itself: {values!r}", index, name)
            cells[name] = values[0]
        month = _check_row(cells, where, index)
        if month.month in months:
            raise _fail(where, f"month {month.month} appears twice", index, "time")
        months[month.month] = month
    return [months[m] for m in sorted(months)]


def _check_row(cells: dict, where: str, index: int) -> Month:
    for name, wanted in (("CTY_CODE", COUNTRY), ("E_COMMODITY", COMMODITY)):
        if cells[name] != wanted:
            raise _fail(where, f"expected {wanted!r}, got {cells[name]!r}", index, name)
    if "COMM_LVL" in cells and cells["COMM_LVL"] != "HS4":
        raise _fail(where, f"expected 'HS4', got {cells['COMM_LVL']!r}", index, "COMM_LVL")
    if not MONTH.fullmatch(cells["time"]):
        raise _fail(where, f"expected a month YYYY-MM, got {cells['time']!r}", index, "time")
    for name in ("ALL_VAL_MO", "QTY_1_MO"):
        if not WHOLE.fullmatch(cells[name]):
            raise _fail(where, f"expected a whole number as a string, got {cells[name]!r}", index, name)
    unit = cells["UNIT_QY1"]
    if unit not in TONNES_PER_UNIT:
        raise _fail(where, f"unit {unit!r} cannot be converted to tonnes (expected one of: "
                           f"{', '.join(TONNES_PER_UNIT)})", index, "UNIT_QY1")
    quantity = cells["QTY_1_MO"]
    return Month(cells["time"], int(cells["ALL_VAL_MO"]), Decimal(quantity) * TONNES_PER_UNIT[unit], quantity, unit)


def rows(months: list[Month]) -> list[dict]:
    """Turn validated months into ``soybeans.csv`` rows: one in tonnes, one in US dollars."""
    out = []
    for month in months:
        year, number = (int(part) for part in month.month.split("-"))
        start = f"{month.month}-01"
        end = f"{month.month}-{calendar.monthrange(year, number)[1]:02d}"
        base = {"series": SERIES, "period_start": start, "period_end": end, "bound": "exact",
                "derived": "false", "derivation": "", "preferred": "true", "source_id": SOURCE_ID}
        conversion = "" if month.unit == "T" else f" ({month.quantity} kg / 1000)"
        out.append({**base, "value": format_number(month.tonnes), "unit": "t",
                    "note": f"Census monthly exports of HS 1201 to China, quantity{conversion}"})
        out.append({**base, "value": format_number(month.value_usd), "unit": "usd",
                    "note": "Census monthly exports of HS 1201 to China, total value"})
    return out
