"""Fetching from the public APIs: one GET with timeouts and announced retries, and the raw response kept.

The API clients (:mod:`truce.refresh.esr`, :mod:`truce.refresh.census`) call
:func:`http_get`; :mod:`truce.refresh.run` only orchestrates them.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from truce.refresh.errors import FetchError

# (connect, read) seconds: a stalled server must not hang a scheduled job.
TIMEOUT = (10, 60)
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRIES = 4


@dataclass(frozen=True)
class Fetched:
    """One raw API response, as it will be stored in the vintage."""

    source: str  # "usda-esr" or "census"
    name: str  # file stem in the vintage, e.g. "esr_2026"
    url: str  # without any key
    status: int
    accessed: datetime
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


# Who is being fetched, and where progress lines go, for the retry rule to report each new attempt.
_SOURCE: ContextVar[str] = ContextVar("refresh_source", default="refresh")
_PROGRESS: ContextVar = ContextVar("refresh_progress", default=None)


class ProgressRetry(Retry):
    """The retry rule, saying each new attempt: a retry loop of half a minute should not be silent."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        after = super().increment(method, url, response, error, _pool, _stacktrace)  # raises when none are left
        echo = _PROGRESS.get()
        if echo is not None:
            done = len(after.history)
            if response is not None and response.status:
                cause = f"HTTP error {response.status}"
            else:
                cause = f"{type(error).__name__ if error else 'error'}"
            echo(f"{_SOURCE.get()}: attempt {done + 1}/{done + 1 + (after.total or 0)} after {cause}; "
                 f"waiting {after.get_backoff_time():.0f} s or as the server asks")
        return after


def retry_policy(backoff_factor: float = 2.0, retries: int = RETRIES) -> Retry:
    """The retry rule for API calls: GET only, on connection errors, 429 and 5xx.

    Waits grow exponentially (``backoff_factor`` seconds, doubled each time,
    at most a minute) unless the server sends ``Retry-After``, which is obeyed
    up to two minutes. When retries run out the last response is returned
    (not raised), so its status can be reported.
    """
    return ProgressRetry(
        total=retries, connect=retries, read=retries, status=retries, redirect=0,
        allowed_methods=frozenset({"GET"}), status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor, backoff_max=60, respect_retry_after_header=True,
        retry_after_max=120, raise_on_status=False, raise_on_redirect=False,
    )


def build_session(retry: Retry | None = None) -> requests.Session:
    """A ``requests.Session`` whose HTTP(S) adapters retry with :func:`retry_policy`."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry or retry_policy())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def scrub(text: str, secrets) -> str:
    """Replace every secret (plain or URL-encoded) in ``text`` with ``***``.

    >>> scrub("url?key=a b&x=1", ["a b"])
    'url?key=***&x=1'
    """
    for secret in secrets:
        if secret:
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                text = text.replace(form, "***")
    return text


def http_get(session: requests.Session, source: str, name: str, url: str, *, headers: dict | None = None,
             params: dict | None = None, secrets=()) -> Fetched:
    """GET ``url`` and return its raw body, or raise :class:`FetchError`.

    Parameters
    ----------
    session : requests.Session
        Retries are the session's business (see :func:`build_session`).
    source, name : str
        Source name and vintage file stem, carried into the result.
    url : str
        The URL without any key; this is what is recorded and printed.
    headers, params : dict, optional
        Sent with the request only (API keys go here).
    secrets : iterable of str
        Values to blank out of any error message.
    """
    accessed = datetime.now(timezone.utc)
    _SOURCE.set(source)
    try:
        # Redirects are not followed: an API answering with a redirect (Census does
        # so for a bad key) is not answering the question asked.
        response = session.get(url, headers=headers, params=params, timeout=TIMEOUT, allow_redirects=False)
    except requests.exceptions.RetryError as err:
        raise FetchError(source, url, f"gave up after retries: {scrub(str(err), secrets)}") from None
    except requests.Timeout as err:
        raise FetchError(source, url, f"timed out: {scrub(str(err), secrets)}") from None
    except requests.ConnectionError as err:
        raise FetchError(source, url, f"could not connect: {scrub(str(err), secrets)}") from None
    except requests.RequestException as err:
        raise FetchError(source, url, f"request failed: {scrub(str(err), secrets)}") from None
    status = response.status_code
    if status in (200, 204):
        return Fetched(source, name, url, status, accessed, response.content or b"")
    history = getattr(getattr(response.raw, "retries", None), "history", ()) or ()
    attempts = f" after {len(history) + 1} attempts" if history else ""
    if status == 429:
        wait = response.headers.get("Retry-After")
        hint = f"; the server asks to wait {wait} s" if wait else ""
        raise FetchError(source, url, f"rate limited (HTTP 429){attempts}{hint}")
    if 300 <= status < 400:
        target = scrub(response.headers.get("Location", "?"), secrets)
        raise FetchError(source, url, f"HTTP {status}: redirected to {target} (an invalid API key does this)")
    body = " ".join(response.content[:300].decode("utf-8", "replace").split())
    hint = " (is the API key valid?)" if status in (401, 403) else ""
    detail = f": {scrub(body, secrets)}" if body else ""
    raise FetchError(source, url, f"HTTP {status} {response.reason or ''}".rstrip() + f"{attempts}{hint}{detail}")


def format_number(value) -> str:
    """Write a number the way the CSVs do: no exponent, no needless decimals.

    >>> format_number(2151000), format_number(Decimal("1234.5670")), format_number(Decimal("1E+3"))
    ('2151000', '1234.567', '1000')
    >>> format_number(Decimal("0.000")), format_number(Decimal("-0"))
    ('0', '0')
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")
