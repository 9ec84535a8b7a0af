"""The ``truce`` command: build reports, sweep one over a parameter grid, list them, validate the data.

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
  truce build --executor dask --scheduler tcp://10.0.0.5:8786
                                               build on a running Dask cluster
  truce sweep durability --grid examples/sweep-durability.yaml
                                               run a report over a grid of parameters into
                                               reports/sweeps/durability/ (sweep.csv, index.html)
  truce list                                   reports, their parameters and defaults
  truce validate                               check every dataset in data/
  truce refresh --dry-run                      show what the public APIs would change

exit codes: 0 ok
            1 a report failed to build, timed out or lost its worker (its previous page is kept;
              a failed notebook is kept in <out>/_failed/), or a sweep run failed
            2 bad usage, unknown or mistyped parameter (also in a sweep's grid), unknown vintage,
              invalid data, a report whose .ipynb and jupytext .py differ, or a Dask scheduler
              that cannot be reached
            3-7 refresh failures: 3 network/HTTP, 4 response schema, 5 merged data invalid,
                6 API key missing, 7 local file error (data/ is left untouched)
"""


GRID_HELP = """\
the grid (YAML), one of two shapes:
  as_of: [2026-03-31, 2026-06-30]              a product: every combination of the listed values
  commitment_series: [usda_sales_to_cn, us_exports_to_cn]
  probability_days: 90                         (a single value is set in every run)

  runs:                                        explicit runs: one parameter set each
    - {as_of: 2026-06-30, probability_days: 90}
    - {as_of: 2026-06-30, probability_days: 180}

A run's id (runs/<run-id>.ipynb, sweep.csv) is 8 hex digits of the sha256 of its parameters.
Progress: a line per finished run, `[k/n] run-id params: ok (2.1 s) probability=0.88`, then
`ok N, failed N, skipped N`.
exit codes: 0 every run ok or up to date; 1 a run failed (its row says why); 2 a bad grid, an unknown
            parameter or a bad value (named with the grid file and run; nothing runs), or a Dask
            scheduler that cannot be reached
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
    _executor_arguments(build, "reports")

    sweep = commands.add_parser(
        "sweep", help="run one report over a grid of parameters and tabulate its recorded values",
        description="Run one report notebook once per parameter set of a grid, and write <out>/sweep.csv (a row "
                    "per run: its parameters, the values it recorded, status, error, seconds), the executed "
                    "notebooks <out>/runs/<run-id>.ipynb and an offline summary page <out>/index.html. Every run's "
                    "parameters are checked before anything runs. A rerun into the same folder skips runs whose "
                    "notebook, parameters, data and code are unchanged.",
        epilog=GRID_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("report", metavar="REPORT", help="the report to sweep (see `truce list`)")
    sweep.add_argument("--grid", type=Path, required=True, metavar="GRID.yaml", help="the parameter grid (below)")
    sweep.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: reports/sweeps/REPORT/)")
    sweep.add_argument("-j", "--jobs", type=int, metavar="N",
                       help="runs at once (default: the number of cores, or the Dask cluster's worker threads)")
    sweep.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="limit on each cell of a run (default: %(default)s s); a run also fails when it runs "
                            "past this plus a minute")
    sweep.add_argument("--force", action="store_true", help="run every run, even those that are up to date")
    _executor_arguments(sweep, "runs")

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


def _executor_arguments(command: argparse.ArgumentParser, what: str) -> None:
    """The options that choose where runs execute, shared by `build` and `sweep`."""
    command.add_argument("--executor", choices=["local", "dask"], default="local",
                         help=f"where the {what} run: local worker processes (default), or a Dask cluster: the one "
                              "at --scheduler, else a local cluster of one worker process per core")
    command.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                         help="address of a running Dask scheduler (needs --executor dask); its workers need the "
                              "project installed and the same data; only the outputs travel back. An address that "
                              "cannot be reached exits 2 before anything runs")


def _check_run_options(args) -> None:
    """Refuse a bad --jobs, --timeout or --scheduler before anything runs."""
    from truce.build.executors import check_choice

    if args.jobs is not None and args.jobs < 1:
        raise ParameterError("--jobs", f"{args.jobs} must be at least 1")
    if not args.timeout > 0:
        raise ParameterError("--timeout", f"{args.timeout:g} must be a positive number of seconds")
    check_choice(args.executor, args.scheduler)


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
    _check_run_options(args)
    compiled = None
    if args.compiled is not None:
        import datetime as dt

        try:
            compiled = dt.date.fromisoformat(args.compiled)
        except ValueError:
            raise ParameterError("--compiled", f"{args.compiled!r} is not an ISO date (YYYY-MM-DD)") from None
    return build(args.reports, overrides, args.out, from_cli=frozenset(cli_values), vintage=args.vintage,
                 jobs=args.jobs, force=args.force, timeout=args.timeout, allow_future=args.allow_future,
                 compiled=compiled, executor=args.executor, scheduler=args.scheduler)


def _cmd_sweep(args) -> int:
    from truce.sweep.sweep import sweep

    _check_run_options(args)
    return sweep(args.report, args.grid, args.out, executor=args.executor, scheduler=args.scheduler, jobs=args.jobs,
                 timeout=args.timeout, force=args.force)


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
    handler = {"build": _cmd_build, "sweep": _cmd_sweep, "list": _cmd_list, "validate": _cmd_validate,
               "refresh": _cmd_refresh}[args.command]
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
