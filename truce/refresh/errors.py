"""Refresh failures and the exit codes ``truce refresh`` returns for them."""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NETWORK = 3
EXIT_RESPONSE = 4
EXIT_INVALID = 5
EXIT_NO_KEY = 6
EXIT_WRITE = 7


class RefreshError(Exception):
    """A refresh failure; ``code`` is the exit code :func:`run` returns."""

    code = 1


class MissingKeyError(RefreshError):
    """A source needs an API key and its environment variable is empty."""

    code = EXIT_NO_KEY


class FetchError(RefreshError):
    """The request failed: no connection, timeout, redirect or an HTTP error status."""

    code = EXIT_NETWORK

    def __init__(self, source: str, url: str, message: str):
        self.source, self.url = source, url
        super().__init__(f"{source}: {url}: {message}")


class ResponseError(RefreshError):
    """A response is not JSON or not in the documented shape.

    The message names the source, the URL, the index of the offending record
    (or row) in the JSON array and the field (or column), when known.
    """

    code = EXIT_RESPONSE

    def __init__(self, source: str, url: str, message: str, index: int | None = None,
                 field: str | None = None, index_name: str = "record", field_name: str = "field"):
        self.source, self.url, self.index, self.field = source, url, index, field
        where = [f"{source}: {url}"]
        if index is not None:
            where.append(f"{index_name} {index}")
        if field is not None:
            where.append(f"{field_name} {field!r}")
        super().__init__(": ".join(where + [message]))


class DataInvalid(RefreshError):
    """The current or the merged data fails the datasets' validation."""

    code = EXIT_INVALID

    def __init__(self, message: str, problems: list):
        self.problems = problems
        shown = [f"  {line}" for line in problems[:20]]
        if len(problems) > 20:
            shown.append(f"  ... and {len(problems) - 20} more")
        super().__init__("\n".join([message, *shown]))
