"""The ``goalengine`` command: a thin layer over the library.

Exit codes (documented in the README):
  0  no goal at or beyond ``--fail-on`` (default: missed) and no goal in error
  1  some goal missed (or at/beyond ``--fail-on``)
  2  a rule, data or usage error (a goal in ``error``, a missing path, a bad option)
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import Diagnostic, GoalEngineError, Span
from .models import Report, Verdict
from .periods import parse_as_of
from .rulefile import find_rule_files, read_rules
from .ruleset import RuleSet

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_FAIL_ON = {
    "missed": Verdict.MISSED.rank,
    "at-risk": Verdict.AT_RISK.rank,
    "unknown": Verdict.UNKNOWN.rank,
    "never": None,
}


class UsageError(GoalEngineError):
    """A bad command line (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goalengine",
        description="Judge policy goals against measured data: met, on track, at risk, missed.",
        epilog="examples:\n  goalengine check rules/\n  goalengine check rules/ --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"goalengine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="judge the goals of rule files",
        description="Judge every goal in the rule files (directories are searched for *.yaml).",
        epilog=(
            "examples:\n"
            "  goalengine check rules/\n"
            "  goalengine check rules/ --as-of 2010-06-30 --format json\n"
            "exit codes: 0 fine, 1 a goal missed, 2 rule/data/usage error"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    check.add_argument("--as-of", metavar="DATE", help="report date (a date or a period)")
    check.add_argument(
        "--format",
        choices=("table", "json"),
        help="output format (default: table on a terminal, json when piped)",
    )
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    check.add_argument("--data", metavar="FILE", help="judge the rules against this dataset")
    check.add_argument("--method", metavar="NAME", help="progress method for every goal")
    check.add_argument(
        "--fail-on",
        choices=tuple(_FAIL_ON),
        default="missed",
        help="exit 1 when a goal is at or beyond this verdict (default: missed)",
    )
    check.add_argument("--no-color", action="store_true", help="no colours (also NO_COLOR)")
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    test = commands.add_parser("test", help="run the tests: fixtures embedded in rule files")
    test.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    test.add_argument("--no-color", action="store_true", help="no colours (also NO_COLOR)")
    test.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises on user errors)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and bad usage
        return int(stop.code or 0) if stop.code in (0, None) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _test(args) if args.command == "test" else _check(args)
    except GoalEngineError as error:
        _print_diagnostics([error.diagnostic()], args)
        return EXIT_USAGE
    except Exception:
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(
                "goalengine: internal error (run with --debug for the traceback)", file=sys.stderr
            )
        return EXIT_USAGE


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


def _stderr_console(args: argparse.Namespace) -> object:
    from rich.console import Console

    return Console(stderr=True, highlight=False, no_color=_no_color(args), soft_wrap=True)


def _no_color(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "no_color", False) or os.environ.get("NO_COLOR"))


def _print_diagnostics(diagnostics: Sequence[Diagnostic], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True, highlight=False, no_color=_no_color(args), soft_wrap=True)
    for diagnostic in diagnostics:
        style = "bold red" if diagnostic.severity == "error" else "yellow"
        console.print(Text(diagnostic.format(), style=style if console.is_terminal else ""))


def _collect(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"no such file or directory: {raw}", Span(file=raw))
        found = find_rule_files(path)
        if not found:
            raise UsageError(
                "no rule files found", Span(file=raw), hint="rule files end in .yaml or .yml"
            )
        files.extend(found)
    return files


def _check(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_many

    as_of = None
    if args.as_of:
        try:
            as_of = parse_as_of(args.as_of)
        except GoalEngineError as error:
            raise UsageError(f"--as-of: {error.message}", hint=error.hint) from None
    if args.method:
        from . import methods

        methods.get(args.method)  # fail early, with a did-you-mean
    rulesets: list[RuleSet] = []
    diagnostics: list[Diagnostic] = []
    for path in _collect(args.paths):
        try:
            ruleset = read_rules(path)
        except GoalEngineError as error:
            diagnostics.append(error.diagnostic())
            continue
        diagnostics.extend(ruleset.diagnostics)
        rulesets.append(ruleset)
    report = evaluate_many(rulesets, data=args.data, as_of=as_of, method=args.method)
    _print_diagnostics(diagnostics, args)
    _emit(report, args)
    return _exit_code(report, diagnostics, args.fail_on)


def _test(args: argparse.Namespace) -> int:
    from .testing import run_fixtures

    failed = total = 0
    diagnostics: list[Diagnostic] = []
    for path in _collect(args.paths):
        try:
            ruleset = read_rules(path)
        except GoalEngineError as error:
            diagnostics.append(error.diagnostic())
            continue
        diagnostics.extend(d for d in ruleset.diagnostics if d.severity == "error")
        for outcome in run_fixtures(ruleset):
            total += 1
            where = f"{outcome.file}:{outcome.line or 1}"
            if outcome.passed:
                print(f"PASS {where} {outcome.name}")
                continue
            failed += 1
            print(f"FAIL {where} {outcome.name}")
            if outcome.error:
                print(f"  {outcome.error}")
            for miss in outcome.mismatches:
                print(f"  {miss.goal}: expected {miss.expected}, got {miss.actual}")
                print(f"    {miss.explanation}")
    _print_diagnostics(diagnostics, args)
    print(f"{total} tests: {total - failed} passed, {failed} failed")
    if diagnostics:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _exit_code(report: Report, diagnostics: Sequence[Diagnostic], fail_on: str) -> int:
    if any(d.severity == "error" for d in diagnostics) or any(
        r.verdict is Verdict.ERROR for r in report.results
    ):
        return EXIT_USAGE
    threshold = _FAIL_ON[fail_on]
    if threshold is not None and any(
        r.verdict.rank >= threshold and r.verdict is not Verdict.ERROR for r in report.results
    ):
        return EXIT_FAILED
    return EXIT_OK


def _emit(report: Report, args: argparse.Namespace) -> None:
    from rich.console import Console

    to_file = args.output is not None
    stream = open(args.output, "w", encoding="utf-8") if to_file else sys.stdout  # noqa: SIM115
    try:
        fmt = args.format or ("table" if stream.isatty() else "json")
        if fmt == "json":
            from .render.json import render_json

            stream.write(render_json(report))
            return
        from .render.table import render_table

        console = Console(file=stream, no_color=_no_color(args), highlight=False)
        console.print(render_table(report))
    finally:
        if to_file:
            stream.close()
