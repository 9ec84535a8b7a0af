"""The ``truce`` command: build reports, list them, validate the data.

Heavy libraries are imported inside the subcommands, so ``truce --help`` and
``truce list`` start quickly.

Exit codes: 0 success; 1 a report failed to build; 2 bad usage, a bad
parameter or invalid data (``truce validate`` lists every problem); 3-7 the
refresh failures documented in :mod:`truce.refresh.errors`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import config
from truce.build.engine import DEFAULT_TIMEOUT
from analysis.errors import DataError, NotebookPairError, ParameterError

EPILOG = """\
examples:
  truce build                                  build every report into reports/
  truce build purchases -p as_of 2026-01-31    rebuild one report as it stood on a date
                                               (as_of defaults to today: the build date)
  truce build purchases -f examples/purchases-2026-01-31.yaml --out /tmp/one-off
                                               parameters from a YAML file, published elsewhere
  truce build --vintage 2026-10-01             rebuild from the data as it stood in that vintage
  truce build --force -j 1                     rebuild everything, one report at a time
  truce build --timeout 120                    fail any report whose cell runs over two minutes
  truce list                                   reports, their parameters and defaults
  truce validate                               check every dataset in data/
  truce refresh --dry-run                      show what the public APIs would change

exit codes: 0 ok
            1 a report failed to build, timed out or lost its worker (its previous page is kept;
              a failed notebook is kept in <out>/_failed/)
            2 bad usage, unknown or mistyped parameter, unknown vintage, invalid data, or a report
              whose .ipynb and jupytext .py differ
            3-7 refresh failures: 3 network/HTTP, 4 response schema, 5 merged data invalid,
                6 API key missing, 7 local file error (data/ is left untouched)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="truce",
        description="US-China Truce Monitor: build the reports, list them, validate the data.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    build = commands.add_parser(
        "build", help="run report notebooks and publish HTML",
        description="Run report notebooks with papermill and publish <out>/<report>.html (code hidden) "
                    "and the executed <out>/<report>.ipynb. A failed report leaves its previous HTML in place.",
    )
    build.add_argument("reports", nargs="*", metavar="REPORT", help="report names (default: all; see `truce list`)")
    build.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                       help="set a parameter (repeatable); the value is read as the default's type")
    build.add_argument("-f", "--parameters-file", type=Path, metavar="PARAMS.yaml",
                       help="YAML mapping of parameters; -p wins over the file")
    build.add_argument("--out", type=Path, default=config.REPORTS_DIR, metavar="DIR",
                       help=f"output folder (default: {config.REPORTS_DIR.relative_to(config.PROJ_ROOT)}/)")
    build.add_argument("-j", "--jobs", type=int, metavar="N",
                       help="reports built at once (default: the number of cores)")
    build.add_argument("--force", action="store_true",
                       help="rebuild even reports whose notebook, parameters, data and code are unchanged")
    build.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="limit on each cell of a report (default: %(default)s s); a report also fails when it "
                            "runs past this plus a minute for starting its kernel and rendering its page, and keeps "
                            "its previously published page")
    build.add_argument("--allow-future", action="store_true",
                       help="accept an as_of later than today (refused by default: no evidence can be dated then)")
    build.add_argument("--compiled", metavar="YYYY-MM-DD",
                       help="the compiled date the pages state (default: today); a page's rebuild command pins it, "
                            "with its as_of, to reproduce the page byte for byte")
    build.add_argument("--vintage", metavar="YYYY-MM-DD",
                       help="read the data as it stood in data/vintages/YYYY-MM-DD/data (saved by `truce refresh`)")

    refresh = commands.add_parser(
        "refresh", help="update soybean data from the USDA and Census APIs",
        description="Fetch USDA FAS weekly export sales to China (needs USDA_FAS_API_KEY) and US Census monthly "
                    "soybean exports to China (CENSUS_API_KEY optional), save the raw responses as a dated vintage, "
                    "validate, and only then replace data/soybeans.csv and data/sources.csv. On any failure the "
                    "last good data is kept and the exit code says what failed (see below).",
        epilog="exit codes: 0 ok or nothing new, 3 network/HTTP failure (after retries), 4 a response is not in "
               "the documented shape, 5 the merged data fails validation, 6 an API key is missing, "
               "7 a local file could not be written",
    )
    refresh.add_argument("--source", default="all", choices=["usda-esr", "census", "all"],
                         help="which API to refresh (default: all, all-or-nothing)")
    refresh.add_argument("--dry-run", action="store_true", help="fetch and show what would change; write nothing")

    commands.add_parser("list", help="list reports with their parameters and defaults",
                        description="List every report notebook with its parameters, defaults and help.")

    validate = commands.add_parser("validate", help="check every dataset against its schema",
                                   description="Validate every dataset: schema, types, allowed values, "
                                               "source references, duplicate keys, preferred rows. "
                                               "Prints file:line: column: message for each problem.")
    validate.add_argument("path", nargs="?", type=Path, metavar="PATH",
                          help="data folder to check (default: the project's data/)")
    return parser


def _read_parameters_file(path: Path) -> dict:
    import yaml

    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ParameterError("-f", f"cannot read {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ParameterError("-f", f"{path} is not valid YAML: {err}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ParameterError("-f", f"{path} must hold a mapping of name: value")
    return values


def _cmd_build(args) -> int:
    from truce.build.engine import build

    overrides = _read_parameters_file(args.parameters_file) if args.parameters_file else {}
    cli_values = dict(args.parameter)
    overrides.update(cli_values)
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError("--jobs", f"{args.jobs} must be at least 1")
    if not args.timeout > 0:
        raise ParameterError("--timeout", f"{args.timeout:g} must be a positive number of seconds")
    compiled = None
    if args.compiled is not None:
        import datetime as dt

        try:
            compiled = dt.date.fromisoformat(args.compiled)
        except ValueError:
            raise ParameterError("--compiled", f"{args.compiled!r} is not an ISO date (YYYY-MM-DD)") from None
    return build(args.reports, overrides, args.out, from_cli=frozenset(cli_values), vintage=args.vintage,
                 jobs=args.jobs, force=args.force, timeout=args.timeout, allow_future=args.allow_future,
                 compiled=compiled)


def _cmd_refresh(args) -> int:
    from truce.refresh import run as refresh

    return refresh.run(source=args.source, dry_run=args.dry_run)


def _cmd_list(_args) -> int:
    from truce.build.catalog import discover

    for report in discover(echo=print).values():
        print(f"{report.name}: {report.title}")
        summary = report.meta.get("summary")
        if summary:
            print(f"  {summary}")
        for p in report.parameters:
            help_text = f"  # {p.help}" if p.help else ""
            print(f"    {p.name} = {p.default!r}{help_text}")
    return 0


def _cmd_validate(args) -> int:
    from analysis.data.loaders import DATASETS, validate_all

    problems = validate_all(args.path)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    print(f"all {len(DATASETS)} datasets valid")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``truce`` and ``python -m truce``."""
    args = _parser().parse_args(argv)
    handler = {"build": _cmd_build, "list": _cmd_list, "validate": _cmd_validate, "refresh": _cmd_refresh}[args.command]
    try:
        return handler(args)
    except ParameterError as err:
        print(f"truce: {err}", file=sys.stderr)
        return 2
    except DataError as err:
        print(f"truce: {err}", file=sys.stderr)
        return 2
    except NotebookPairError as err:
        print(f"truce: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("truce: interrupted; published files are unchanged or complete", file=sys.stderr)
        return 130
