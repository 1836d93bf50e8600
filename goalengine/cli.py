"""The ``goalengine`` command: ``check``, ``validate``, ``explain`` and ``test``.

A thin layer over the library: read rule files, judge them, hand the report to a renderer
in :mod:`goalengine.render`. Every problem reaches the user as one diagnostic format on
stderr (``path:line:col: severity: message (hint)`` with a caret excerpt), never as a
Python traceback (``--debug`` shows one). Exit codes:

  0  fine: no goal at or beyond ``--fail-on`` (default: missed), none in error
  1  some goal at or beyond ``--fail-on``, or a failing test
  2  a rule, data or usage error (including any goal in ``error``)

Importing this module stays light: rich and the renderers load when a command runs.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .errors import Diagnostic, GoalEngineError, Span, did_you_mean
from .limits import DEFAULT_LIMITS, MAX_DATA_FILE_BYTES, Limits
from .models import Report, Result, Verdict

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from .data import Dataset
    from .engine.run import Run, Totals
    from .render import FileInfo, RenderContext, Writer
    from .render.console import OutputMode
    from .render.explain import SeriesView
    from .ruleset import Goal, RuleSet

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "FAIL_ON", "build_parser", "main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: The verdicts that make ``check`` exit 1, per ``--fail-on`` (each level includes the
#: previous one; ``error`` always exits 2).
FAIL_ON: dict[str, frozenset[Verdict]] = {
    "missed": frozenset({Verdict.MISSED}),
    "at-risk": frozenset({Verdict.MISSED, Verdict.AT_RISK}),
    "unknown": frozenset({Verdict.MISSED, Verdict.AT_RISK, Verdict.UNKNOWN}),
    "never": frozenset(),
}
PROGRESS_ABOVE = 200
TRANSLATED_FORMATS = ("html", "markdown", "table", "json", "junit")
"""The output formats that ``--lang`` translates (a plug-in format may not: refused)."""


class UsageError(GoalEngineError):
    """A bad command line (exit 2)."""


# -- the parser ---------------------------------------------------------------------------

_MAIN_EPILOG = """\
examples:
  goalengine check rules/                       judge every goal (table on a terminal)
  goalengine check rules/ --format junit -o goals.xml --fail-on at-risk
  goalengine validate rules/                    parse and resolve only, every problem at once
  goalengine explain rules/okonomiudvalget-2012 tryghed-halved
  goalengine test rules/                        run the fixtures embedded in rule files

exit codes:
  0  fine   1  a goal at or beyond --fail-on (default: missed), or a failing test
  2  a rule, data or usage error (a goal in error always exits 2)

Colour: --no-color or NO_COLOR=1 turns it off; FORCE_COLOR=1 turns it on when piped.
Docs: docs/cli.md"""

_CHECK_EPILOG = """\
examples:
  goalengine check rules/
  goalengine check rules/integration-2009 --as-of 2009-03-31
  goalengine check rules/ --format markdown --output status.md
  goalengine check rules/ --format junit --output goals.xml --fail-on at-risk
  goalengine check rules/ --select 'employment-*' --exclude employment-men
  goalengine check rules/ --exclude no-data
  goalengine check rules/ --format json | jq '.summary'

--select and --exclude take goal ids or tags, with shell wildcards (* ? [..]); repeat them
or separate patterns by commas. A --select pattern that matches nothing is an error.

--fail-on: missed (default) exits 1 on a missed goal; at-risk also on at-risk goals;
unknown also on goals that cannot be judged; never does not exit 1. A goal in error
always exits 2.

exit codes: 0 fine, 1 a goal at or beyond --fail-on, 2 rule/data/usage error"""

_VALIDATE_EPILOG = """\
examples:
  goalengine validate rules/
  goalengine validate rules/integration-2009 --data datasets/integration-2009.csv

Every problem in every file is reported at once, as path:line:col: error: message (hint)
with a caret under the place. Metric names are checked against the rule file's data when
that data loads (or against --data); without data only the rules themselves are checked.

exit codes: 0 no errors (warnings allowed), 2 any error"""

_EXPLAIN_EPILOG = """\
examples:
  goalengine explain rules/okonomiudvalget-2012/sikker-by.yaml tryghed-halved
  goalengine explain rules/ tryghed-halved --as-of 2012-06-30
  goalengine explain rules/ web-traffic --format json
  goalengine explain rules/entities no-new-vulnerable-area-per-area@Tingbjerg
  goalengine explain rules/integration-2009 --select 'budget-*'

PATH may be a rule file or a directory (the goal id must then be unique in it).
GOAL_ID@ENTITY explains one entity of a for_each goal; --select/--exclude (as in
check) explain every goal they keep instead of one GOAL_ID.

exit codes: 0 explained, 2 the goal is in error, or a rule/data/usage error"""

_TEST_EPILOG = """\
examples:
  goalengine test rules/
  goalengine test rules/okonomiudvalget-2012/sikker-by.yaml --properties

Runs the fixtures under tests: in each rule file (a date, optional inline data and the
verdicts expected) and prints PASS or FAIL per fixture, with expected and actual verdicts
for each failure. --properties also checks the goals' properties.

exit codes: 0 all passed, 1 a test failed, 2 a rule/data/usage error"""


def _add_common(parser: argparse.ArgumentParser, top: bool, quiet: bool = True) -> None:
    default: Any = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--no-color",
        action="store_true",
        default=default,
        help="no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)",
    )
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show tracebacks of errors"
    )
    if quiet:
        loudness = parser.add_mutually_exclusive_group()
        loudness.add_argument(
            "-q", "--quiet", action="store_true", default=default, help="only show problems"
        )
        loudness.add_argument(
            "-v", "--verbose", action="store_true", default=default, help="show more detail"
        )


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-root",
        metavar="DIR",
        help="data files named in rule files may lie anywhere under DIR (default: the "
        "current directory if PATH is in it, else PATH's folder)",
    )
    parser.add_argument(
        "--max-data-bytes",
        metavar="N",
        type=_byte_count,
        help=f"refuse data files larger than N bytes (default: {MAX_DATA_FILE_BYTES:,})",
    )
    parser.add_argument(
        "--allow-database",
        metavar="URL",
        nargs="?",
        action="append",
        const="*",
        help="let rule files connect to database servers (only URL, if given; repeatable); "
        "database files inside the data root need no leave",
    )


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=("da", "en"),
        help="language of verdicts and explanations (HTML, Markdown: default the rule files' "
        "lang:, then the locale; table, JSON, JUnit: English unless given)",
    )
    parser.add_argument(
        "--include-series",
        action="store_true",
        help="JSON: add the observations behind each result (what its chart draws)",
    )


_REPORT_EPILOG = """\
examples:
  goalengine report rules/integration-2009 -o status.html
  goalengine report rules/ --lang da -o status-da.html
  goalengine report rules/ --select hovedmål --as-of 2009-03-31 -o main-goals.html

One self-contained HTML file (inline CSS and SVG charts; opens offline, prints on A4):
a summary per file, owner and tag, then a card per goal. Charts need the report extra:
pip install 'goalengine[report]'. Without --output the page goes to stdout. Docs:
docs/reports.md

exit codes: 0 written (whatever the verdicts; --fail-on as in check), 2 rule/data/usage
error"""


def _add_report_command(commands: Any) -> None:
    """``goalengine report``: ``check --format html`` with a reader's defaults."""
    report = _subparser(
        commands,
        "report",
        "write the HTML report people read",
        "Judge every goal and write one HTML page: verdicts, explanations and charts.",
        _REPORT_EPILOG,
    )
    report.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    report.add_argument("--output", "-o", metavar="FILE", help="write the page to FILE")
    report.add_argument("--as-of", metavar="DATE", help="report date (default: each file's)")
    report.add_argument("--lang", choices=("da", "en"),
                        help="da or en (default: the files' lang:, then the locale)")  # fmt: skip
    _add_selection(report)
    report.add_argument("--data", metavar="FILE", help="judge the rules against this dataset")
    report.add_argument("--method", metavar="NAME", help="use this progress method")
    report.add_argument("--fail-on", choices=tuple(FAIL_ON), default="never",
                        help="exit 1 at or beyond this verdict (default: never)")  # fmt: skip
    report.set_defaults(format="html", include_series=False)
    _add_data(report)
    _add_common(report, top=False)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    """``--select``/``--exclude`` as ``check`` has them (for ``test`` and ``explain``)."""
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only goals whose id or a tag matches (wildcards; repeat or use commas)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="leave out goals whose id or a tag matches",
    )


def _byte_count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of bytes: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _subparser(
    commands: Any, name: str, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goalengine",
        description="Judge policy goals against measured data: met, on track, at risk, missed.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"goalengine {__version__}")
    _add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = _subparser(
        commands,
        "check",
        "judge the goals of rule files",
        "Judge every goal in the rule files (directories are searched for *.yaml and *.yml).",
        _CHECK_EPILOG,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    check.add_argument(
        "--as-of", metavar="DATE", help="report date: a date or a period (default: each file's)"
    )
    from .render import format_names

    names = format_names()
    check.add_argument(
        "--format",
        "-f",
        choices=(*names, "parquet"),
        help=f"{', '.join(names[:-1])} or {names[-1]} (default: table on a terminal, json "
        "when piped; with --output, from the file's suffix)",
    )
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--fail-on",
        choices=tuple(FAIL_ON),
        default="missed",
        help="exit 1 when a goal is at or beyond this verdict (default: missed)",
    )
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only goals whose id or a tag matches (wildcards; repeat or use commas)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="leave out goals whose id or a tag matches",
    )
    check.add_argument(
        "--data",
        metavar="FILE",
        help="judge the rules against this dataset (-: a CSV on standard input)",
    )
    check.add_argument("--method", metavar="NAME", help="use this progress method for every goal")
    _add_report_options(check)
    _add_data(check)
    _add_cluster(check)
    _add_common(check, top=False)
    _add_report_command(commands)

    validate = _subparser(
        commands,
        "validate",
        "parse and resolve rule files, report every problem",
        "Parse every rule file and resolve its metrics; report every problem at once.",
        _VALIDATE_EPILOG,
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    validate.add_argument(
        "--data", metavar="FILE", help="check metric names against this data (-: stdin)"
    )
    _add_data(validate)
    _add_common(validate, top=False)

    explain = _subparser(
        commands,
        "explain",
        "show how one goal got its verdict",
        "Show every step of one goal's explanation, its series as a chart, the projection "
        "and the verdict.",
        _EXPLAIN_EPILOG,
    )
    explain.add_argument("path", metavar="PATH", help="a rule file or a directory")
    explain.add_argument(
        "goal",
        nargs="?",
        metavar="GOAL_ID",
        help="the goal's id; GOAL_ID@ENTITY for one entity of a for_each goal",
    )
    explain.add_argument("--as-of", metavar="DATE", help="report date: a date or a period")
    explain.add_argument("--data", metavar="FILE", help="judge against this dataset")
    explain.add_argument("--method", metavar="NAME", help="use this progress method")
    explain.add_argument(
        "--format", "-f", choices=("text", "json"), default="text", help="text (default) or json"
    )
    _add_selection(explain)
    _add_data(explain)
    _add_common(explain, top=False, quiet=False)

    test = _subparser(
        commands,
        "test",
        "run the fixtures embedded in rule files",
        "Run the tests: fixtures of rule files and report each as PASS or FAIL.",
        _TEST_EPILOG,
    )
    test.add_argument("paths", nargs="+", metavar="PATH", help="rule files or directories")
    test.add_argument(
        "--properties",
        action="store_true",
        help="also check the goals' properties (goalengine.testing.properties)",
    )
    _add_selection(test)
    _add_data(test)
    _add_common(test, top=False)
    return parser


# -- running ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises on user errors)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and bad usage
        return EXIT_OK if stop.code in (0, None) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    session = _Session(args)
    commands: dict[str, Callable[[_Session], int]] = {
        "check": _check,
        "report": _check,
        "validate": _validate,
        "explain": _explain,
        "test": _test,
    }
    from .errors import suggestion_budget

    try:
        with suggestion_budget():
            return commands[args.command](session)
    except _Exit as stop:
        return stop.code
    except GoalEngineError as error:
        session.trace()
        session.diagnostics([error.diagnostic()])
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return session.code
    except KeyboardInterrupt as stop:
        from .render.output import Terminated

        if isinstance(stop, Terminated):  # SIGTERM while --output was written
            session.say("goalengine: terminated; the report file was left as it was")
            return 128 + 15  # as a shell reports a process that SIGTERM ended
        session.say("goalengine: interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:
        session.trace()
        session.diagnostics(
            [
                Diagnostic(
                    "error",
                    f"internal error: {type(error).__name__}: {error}",
                    Span(),
                    None if session.debug else "run with --debug for the traceback",
                )
            ]
        )
        return EXIT_USAGE


def run() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)


def _silence_stdout() -> None:
    """After ``| head`` closed the pipe: point stdout at /dev/null so exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@dataclass
class _Session:
    """One run: the arguments, where output goes and how it looks."""

    args: argparse.Namespace
    code: int = EXIT_OK
    """The exit code so far (returned if stdout goes away while writing)."""
    started: float = field(default_factory=time.perf_counter)
    closing: list[Callable[[], None]] = field(default_factory=list)
    """What to stop before the command's last messages (a progress bar)."""

    @property
    def debug(self) -> bool:
        return bool(getattr(self.args, "debug", False))

    @property
    def quiet(self) -> bool:
        return bool(getattr(self.args, "quiet", False))

    @property
    def verbose(self) -> bool:
        return bool(getattr(self.args, "verbose", False))

    @property
    def no_color(self) -> bool:
        return bool(getattr(self.args, "no_color", False))

    @cached_property
    def limits(self) -> Limits:
        size = getattr(self.args, "max_data_bytes", None)
        return DEFAULT_LIMITS if size is None else replace(DEFAULT_LIMITS, data_file_bytes=size)

    @cached_property
    def data_root(self) -> Path | None:
        """``--data-root``, checked; None: each PATH's default root."""
        given = getattr(self.args, "data_root", None)
        if given is None:
            return None
        if not Path(given).is_dir():
            _usage(f"--data-root: not a directory: {given}")
        return Path(given)

    @property
    def allow_database(self) -> bool | frozenset[str]:
        """``--allow-database``: True for any server, else the URLs it names."""
        given: list[str] = getattr(self.args, "allow_database", None) or []
        return True if "*" in given else frozenset(given)

    def mode(self, stream: TextIO) -> OutputMode:
        from .render.console import output_mode

        return output_mode(stream, self.no_color)

    @cached_property
    def err(self) -> Console:
        from .render.console import make_console

        return make_console(sys.stderr, self.mode(sys.stderr))

    def trace(self) -> None:
        if self.debug:
            traceback.print_exc(file=sys.stderr)

    def say(self, message: str) -> None:
        """A line of plain text on stderr."""
        from rich.text import Text

        self.err.print(Text(message), soft_wrap=True)

    def diagnostics(self, diagnostics: Iterable[Diagnostic]) -> None:
        from .render.diagnostics import diagnostic_text

        for diagnostic in diagnostics:
            if diagnostic.severity == "warning" and self.quiet:
                continue
            self.err.print(diagnostic_text(diagnostic), soft_wrap=True)

    def print(self, renderable: RenderableType, *, lines: bool = False) -> None:
        """Print to stdout: styled on a terminal, plain text without trailing blanks else.

        ``lines``: line-oriented output (one line per item) that must not wrap.
        """
        from .render.console import make_console

        mode = self.mode(sys.stdout)
        if mode.terminal:
            make_console(sys.stdout, mode).print(renderable, soft_wrap=lines)
        else:
            sys.stdout.write(_plain(renderable, mode, soft_wrap=lines))
            sys.stdout.flush()


def _plain(renderable: RenderableType, mode: OutputMode, soft_wrap: bool = False) -> str:
    from .render.console import make_console

    buffer = io.StringIO()
    make_console(buffer, mode).print(renderable, soft_wrap=soft_wrap)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _usage(message: str, hint: str | None = None) -> NoReturn:
    raise UsageError(message, Span(), hint)


# -- shared steps -------------------------------------------------------------------------


def _rulesets(session: _Session, paths: Sequence[str]) -> tuple[list[RuleSet], list[Diagnostic]]:
    """Read the rule files under ``paths``; a path without any is a usage error (exit 2)."""
    from .validation import collect_rule_files, read_rule_files

    files, problems = collect_rule_files(paths, session.data_root)
    if problems:
        session.diagnostics(problems)
        raise _Exit(EXIT_USAGE)
    return read_rule_files(files, session.limits)


class _Exit(Exception):
    """Stop a command with an exit code after its messages are printed."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    from .periods import parse_as_of

    try:
        return parse_as_of(text)
    except GoalEngineError as error:
        _usage(f"--as-of: {error.message}", error.hint or "write a date like 2009-03-31")


def _method(name: str | None) -> None:
    if name is None:
        return
    from . import methods

    try:
        methods.get(name)
    except GoalEngineError as error:
        _usage(f"--method: {error.message}", error.hint)


def _dataset(path: str | None, limits: Limits) -> Dataset | None:
    """``--data``: named by the user, so read from anywhere (a regular file within limits)."""
    if path is None:
        return None
    if path == "-":
        return _stdin_dataset(limits)
    from .data import load_dataset

    return load_dataset(path, limits=limits)  # a DataError names the file (and line) -> exit 2


def _stdin_dataset(limits: Limits) -> Dataset:
    """``--data -``: a CSV on standard input, bounded like a data file."""
    from .data.stdin import read_stdin

    return read_stdin(sys.stdin.buffer, limits)


def _judged_on(ruleset: RuleSet, as_of: date | None) -> date:
    return as_of or ruleset.as_of or date.today()


def _infos(rulesets: Iterable[RuleSet], as_of: date | None) -> dict[str, FileInfo]:
    from .render import FileInfo

    return {
        (r.path or "goals"): FileInfo(
            r.path or "goals", r.title, _judged_on(r, as_of), source=r.source, lang=r.lang
        )
        for r in rulesets
    }


def _select(
    session: _Session, rulesets: list[RuleSet], select: list[str], exclude: list[str]
) -> list[RuleSet]:
    """:func:`~goalengine.selection.select_goals`; a pattern in error, or nothing left, exits 2."""
    from .selection import patterns, select_goals

    kept, problems = select_goals(rulesets, select, exclude)
    session.diagnostics(problems)
    if any(p.severity == "error" for p in problems):
        raise _Exit(EXIT_USAGE)
    if not kept and patterns([*select, *exclude]):
        _usage("no goals left to judge after --select/--exclude")
    return kept


def _evaluate(
    session: _Session,
    rulesets: list[RuleSet],
    data: Dataset | None,
    as_of: date | None,
    method: str | None,
    *,
    streamed_here: bool = False,
    texts: bool = False,
) -> Run:
    """Judge ``rulesets`` as a stream; with many goals, a progress bar on stderr (terminals
    only, and not while the report itself streams to the terminal: ``streamed_here``)."""
    from .engine.run import judge_stream

    args = session.args
    if getattr(args, "scheduler", None) or getattr(args, "workers", None):
        run = _distributed(session, rulesets, data, as_of, method, texts)
    else:
        run = judge_stream(
            rulesets,
            data=data,
            as_of=as_of,
            method=method,
            limits=session.limits,
            allow_database=session.allow_database,
        )
    total = sum(len(r.goals) for r in rulesets)
    tty = sys.stderr.isatty() if hasattr(sys.stderr, "isatty") else False
    if total <= PROGRESS_ABOVE or not tty or session.quiet or streamed_here:
        return run
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("judging goals"),
        BarColumn(),
        MofNCompleteColumn(),
        console=session.err,
        transient=True,
    )
    task = progress.add_task("judging", total=total)
    last: list[tuple[str | None, str]] = []

    def advance(goals: list[tuple[str | None, str]]) -> None:
        # A goal's results are contiguous: count the goals that start in this chunk.
        if not last:
            progress.start()
            last.append((None, ""))
        for key in goals:
            if key != last[0]:
                last[0] = key
                progress.advance(task)

    run.on_chunk = advance
    session.closing.append(progress.stop)
    return run


def _distributed(
    session: _Session,
    rulesets: list[RuleSet],
    data: Dataset | None,
    as_of: date | None,
    method: str | None,
    texts: bool,
) -> Run:
    """``--scheduler``/``--workers``: judge on a Dask cluster (the same report)."""
    from .engine.distributed import close, connect, judge_distributed

    args = session.args
    if data is not None:
        _usage("--data cannot be used with --scheduler or --workers", "name the dataset in "
               "the rule file: data: [{dataset: figures/, format: parquet}]")  # fmt: skip
    if args.workers is not None and args.workers < 1:
        _usage("--workers must be at least 1")
    try:
        client = connect(args.scheduler, args.workers)
    except GoalEngineError as error:
        _usage(error.message, error.hint)
    session.closing.append(lambda: close(client))
    return judge_distributed(
        rulesets, client, as_of, method=method, limits=session.limits, texts=texts
    )


def _result_problems(results: Iterable[Result]) -> list[Diagnostic]:
    from .render.diagnostics import result_diagnostic

    found = (result_diagnostic(r) for r in results if r.verdict is Verdict.ERROR)
    return [d for d in found if d is not None]


def _exit_code(
    verdicts: Collection[Verdict], diagnostics: Iterable[Diagnostic], failing: Collection[Verdict]
) -> int:
    """From the verdicts that occur (a streamed report keeps no results to look at)."""
    if any(d.severity == "error" for d in diagnostics) or Verdict.ERROR in verdicts:
        return EXIT_USAGE
    if any(v in failing for v in verdicts):
        return EXIT_FAILED
    return EXIT_OK


# -- check --------------------------------------------------------------------------------


def _check(session: _Session) -> int:
    from .render import writer_for
    from .render.diagnostics import unique

    args = session.args
    if args.format == "parquet":
        return _check_parquet(session)
    as_of = _as_of(args.as_of)
    _method(args.method)
    output = Path(args.output) if args.output else None
    if output is not None and not output.parent.is_dir():
        _usage(f"--output: no such directory: {output.parent}")
    if output is not None and output.is_dir():
        _usage(f"--output: {output} is a directory", "name a file")
    data = _dataset(args.data, session.limits)
    rulesets, problems = _rulesets(session, args.paths)
    rulesets = _select(session, rulesets, args.select, args.exclude)
    chosen = _format(session, output)
    if args.lang and chosen not in TRANSLATED_FORMATS:
        _usage(
            f"--lang: the {chosen} format is written in English only",
            f"--lang applies to {' and '.join(TRANSLATED_FORMATS)}",
        )
    if chosen == "html":
        from .render.figures import require

        require()
    streamed = chosen == "json" and not args.include_series
    writer = None if args.include_series else writer_for(chosen)
    tables = chosen == "table" and not args.include_series
    # (A writer holds its text until the counts are known: the progress bar may show.)
    here = streamed and output is None and session.mode(sys.stdout).terminal
    run = _evaluate(
        session,
        rulesets,
        data,
        as_of,
        args.method,
        streamed_here=here,
        texts=streamed and not args.lang,
    )
    failing = FAIL_ON[args.fail_on]
    report: Report | None = None
    try:
        if streamed or writer is not None or tables:
            # Streamed: the results are written as they are judged, never all held.
            context = _context(session, _infos(rulesets, as_of), failing)
            if tables:
                totals = _stream_tables(session, run, context, output)
            elif writer is None:
                totals = _stream_json(run, output, args.lang)
            else:
                totals = _stream(run, writer, context, output)
            verdicts, errors = totals.verdicts(), totals.errors
            count = totals.results
        else:
            report = run.report()
            verdicts, errors = {r.verdict for r in report.results}, list(report.results)
            count = len(report.results)
    finally:
        for close in session.closing:
            close()
    problems = unique([*problems, *_result_problems(errors)])
    session.diagnostics(problems)
    session.code = _exit_code(verdicts, problems, failing)
    if report is not None:
        if chosen == "html" or args.include_series:
            report = _with_series(session, report, rulesets, data)
        _emit(session, report, _infos(rulesets, as_of), failing, output)
    elif output is not None and not session.quiet:
        from .render import count_head
        from .render.table import counts_text

        line = counts_text(count_head(len(totals.goals), count), totals.summary)
        line.append(f" → {output}", style="dim")
        session.err.print(line, soft_wrap=True)
    if session.verbose:
        elapsed = time.perf_counter() - session.started
        session.say(f"{_judged(rulesets, count)} in {elapsed:.2f} s")
    return session.code


def _judged(rulesets: Sequence[RuleSet], results: int) -> str:
    """``judged 2 goals (4 results) from 1 file``: goals and results apart (a for_each goal
    has a result per entity)."""
    goals = sum(len(r.goals) for r in rulesets)
    counted = _plural(goals, "goal")
    if results != goals:
        counted += f" ({_plural(results, 'result')})"
    return f"judged {counted} from {_plural(len(rulesets), 'file')}"


def _stream_json(run: Run, output: Path | None, lang: str | None = None) -> Totals:
    from .engine.run import write_json

    if output is None:
        totals = write_json(run, sys.stdout, lang)
        sys.stdout.flush()
        return totals
    from .render.output import atomic_output

    try:
        with atomic_output(output) as stream:
            return write_json(run, stream, lang)
    except OSError as error:
        _usage(f"--output: cannot write {output}: {error.strerror}")


def _stream(run: Run, writer: Writer, context: RenderContext, output: Path | None) -> Totals:
    """Write a streamed format (Markdown, JUnit) as the results are judged."""
    from .render.output import SpoolError, atomic_output

    results = (result for chunk in run.results() for result in chunk)
    try:
        if output is None:
            writer(results, run.as_of, context, sys.stdout)
            sys.stdout.flush()
        else:
            with atomic_output(output) as stream:
                writer(results, run.as_of, context, stream)
    except SpoolError as error:  # before OSError: a full temporary folder, not the output
        _usage(
            f"cannot hold the report in a temporary file: {error.strerror}",
            "the temporary folder (TMPDIR) needs room for the report",
        )
    except OSError as error:
        if output is None:
            raise
        _usage(f"--output: cannot write {output}: {error.strerror}")
    return run.totals


def _stream_tables(
    session: _Session, run: Run, context: RenderContext, output: Path | None
) -> Totals:
    """The table, a file at a time as its goals are judged, then the summary line."""
    from .render import count_head
    from .render.console import OutputMode
    from .render.table import counts_text, stream_tables

    words = None
    if context.lang is not None:
        from .i18n import language

        words = language(context.lang)
    parts = stream_tables(
        run.chunks(), context.files, show=context.show, verbose=context.verbose, lang=words
    )

    def summary() -> RenderableType:  # once every part is out: the run's counts are complete
        totals = run.totals
        head = count_head(len(totals.goals), totals.results, words)
        return counts_text(head, totals.summary, words)

    if output is None:
        for part in parts:
            session.print(part)
        session.print(summary())
        return run.totals
    from .render.output import atomic_output

    plain = OutputMode(terminal=False, color=False)
    try:
        with atomic_output(output) as stream:
            for part in parts:
                stream.write(_plain(part, plain))
            stream.write(_plain(summary(), plain))
    except OSError as error:
        _usage(f"--output: cannot write {output}: {error.strerror}")
    return run.totals


def _with_series(
    session: _Session, report: Report, rulesets: list[RuleSet], data: Dataset | None
) -> Report:
    from .series import with_series

    root = session.data_root
    return with_series(report, rulesets, data, data_root=root, limits=session.limits)


def _format(session: _Session, output: Path | None) -> str:
    chosen: str | None = session.args.format
    if chosen and output is not None:
        from .render import format_for_suffix

        owner = format_for_suffix(output.suffix)
        if owner is not None and owner != chosen and session.args.command == "report":
            _usage(
                f"--output {output}: report writes HTML, but '{output.suffix}' is the "
                f"suffix of format {owner}",
                f"name the file .html, or write {owner} with: goalengine check -o {output}",
            )
        if owner is not None and owner != chosen:
            _usage(
                f"--output {output}: '{output.suffix}' is the suffix of format {owner}, "
                f"but --format is {chosen}",
                f"name the file for {chosen}, or leave out --format to write {owner}",
            )
    if chosen:
        return chosen
    if output is not None:
        from .render import format_for_suffix

        return format_for_suffix(output.suffix) or "table"
    return "table" if session.mode(sys.stdout).terminal else "json"


def _add_cluster(parser: argparse.ArgumentParser) -> None:
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="judge dataset rule files on the Dask cluster of this scheduler "
        "(tcp://host:8786; needs goalengine[distributed])",
    )
    cluster.add_argument(
        "--workers",
        metavar="N",
        type=int,
        help="judge dataset rule files on a local Dask cluster of N worker processes",
    )


def _check_parquet(session: _Session) -> int:
    """``--format parquet -o DIR``: the results as a Parquet dataset (see result_dataset)."""
    from .engine.result_dataset import write_parquet
    from .render.diagnostics import unique

    args = session.args
    if not args.output:
        _usage("--format parquet writes a folder of Parquet files", "add --output DIR")
    output = Path(args.output)
    if not output.parent.is_dir():
        _usage(f"--output: no such directory: {output.parent}")
    as_of = _as_of(args.as_of)
    _method(args.method)
    data = _dataset(args.data, session.limits)
    rulesets, problems = _rulesets(session, args.paths)
    rulesets = _select(session, rulesets, args.select, args.exclude)
    run = _evaluate(session, rulesets, data, as_of, args.method, texts=False)
    try:
        totals = write_parquet(run, output)
    except OSError as error:
        _usage(f"--output: cannot write {output}: {error.strerror}")
    except GoalEngineError as error:
        _usage(error.message, error.hint)
    finally:
        for close in session.closing:
            close()
    problems = unique([*problems, *_result_problems(totals.errors)])
    session.diagnostics(problems)
    session.code = _exit_code(totals.verdicts(), problems, FAIL_ON[args.fail_on])
    if not session.quiet:
        from .render import count_head
        from .render.table import counts_text

        line = counts_text(count_head(len(totals.goals), totals.results), totals.summary)
        line.append(f" → {output}/", style="dim")
        session.err.print(line, soft_wrap=True)
    return session.code


def _context(
    session: _Session, infos: dict[str, FileInfo], failing: frozenset[Verdict]
) -> RenderContext:
    from .render import RenderContext

    show = (failing | {Verdict.ERROR}) if session.quiet else None
    return RenderContext(
        infos,
        show=show,
        failing=failing,
        verbose=session.verbose,
        lang=session.args.lang,
        include_series=session.args.include_series,
    )


def _emit(
    session: _Session,
    report: Report,
    infos: dict[str, FileInfo],
    failing: frozenset[Verdict],
    output: Path | None,
) -> None:
    from .render import renderer_for

    context = _context(session, infos, failing)
    rendered = renderer_for(_format(session, output))(report, context)
    if isinstance(rendered, str):
        text = rendered
    elif output is None:
        session.print(rendered)
        return
    else:
        from .render.console import OutputMode

        text = _plain(rendered, OutputMode(terminal=False, color=False))
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from .render.output import atomic_output

    try:
        with atomic_output(output) as stream:
            stream.write(text)
    except OSError as error:
        _usage(f"--output: cannot write {output}: {error.strerror}")
    if not session.quiet:
        from .render.table import summary_text

        line = summary_text(report)
        line.append(f" → {output}", style="dim")
        session.err.print(line, soft_wrap=True)


# -- validate -----------------------------------------------------------------------------


def _validate(session: _Session) -> int:
    from .validation import validate

    args = session.args
    data = _stdin_dataset(session.limits) if args.data == "-" else args.data
    found = validate(args.paths, data=data, data_root=session.data_root,
                     limits=session.limits, allow_database=session.allow_database)  # fmt: skip
    session.diagnostics(found.diagnostics)
    errors, warnings = len(found.errors), len(found.warnings)
    if errors:
        if session.verbose:
            session.say(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
        return EXIT_USAGE
    if not session.quiet:
        from rich.text import Text

        line = Text(f"{_plural(found.files, 'rule file')}, {_plural(found.goals, 'goal')}: ")
        line.append("no errors", style="bold green")
        if warnings:
            line.append(f", {_plural(warnings, 'warning')}", style="yellow")
        session.print(line, lines=True)
    return EXIT_OK


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# -- explain ------------------------------------------------------------------------------


def _find_goal(
    session: _Session, path: str, goal_id: str
) -> tuple[RuleSet, Goal, list[Diagnostic]]:
    """The goal ``goal_id`` under ``path``, its rule set, and the errors of its file that
    belong to no goal (a bad ``as_of``, a duplicate id: they change what is judged)."""
    rulesets, problems = _rulesets(session, [path])
    found = [(r, g) for r in rulesets for g in r.goals if g.id == goal_id]
    if not found:
        session.diagnostics(p for p in problems if p.severity == "error")
        known = {g.id for r in rulesets for g in r.goals}
        raise UsageError(
            f"no goal '{goal_id}' in {path}",
            Span(file=path),
            did_you_mean(goal_id, known) or f"{_plural(len(known), 'goal')} in {path}",
        )
    ruleset, goal = found[0]
    own = _file_errors(ruleset, problems)
    if len(found) > 1:
        files = list(dict.fromkeys(r.path or "goals" for r, _ in found))
        if len(files) == 1 and own:  # one file, the id twice: its own error says where
            session.diagnostics(own)
            raise _Exit(EXIT_USAGE)
        other = found[1][1]
        raise UsageError(
            f"goal '{goal_id}' is in several files: {', '.join(files)}"
            if len(files) > 1
            else f"goal '{goal_id}' is defined more than once in {files[0]}",
            _id_span(other, goal_id),
            f"name one rule file: goalengine explain {files[0]} {goal_id}"
            if len(files) > 1
            else "goal ids must be unique within a file",
        )
    return ruleset, goal, own


def _file_errors(ruleset: RuleSet, problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The errors of ``ruleset``'s file but its goals' own (each goal shows its own)."""

    def key(diagnostic: Diagnostic) -> tuple[object, ...]:
        span = diagnostic.span
        return span.file, span.line, span.column, diagnostic.message

    goals = {key(g.problem.diagnostic()) for g in ruleset.goals if g.problem is not None}
    return [
        p
        for p in problems
        if p.span.file == ruleset.path and p.severity == "error" and key(p) not in goals
    ]


_ID_NEAR = 40
"""Lines around a goal's rule searched for its ``id:`` (a goal entry is a few lines)."""


def _id_span(goal: Goal, goal_id: str) -> Span:
    """Where ``id: goal_id`` of ``goal`` stands: the nearest such line to its rule."""
    import re

    from .render.diagnostics import source_line

    if goal.file is None or goal.line is None:
        return Span(file=goal.file)
    wanted = re.compile(rf"^\s*(?:-\s+)?id:\s*((['\"]?){re.escape(goal_id)}\2)\s*(?:#.*)?$")
    for distance in range(_ID_NEAR + 1):
        for number in dict.fromkeys((goal.line - distance, goal.line + distance)):
            line = source_line(goal.file, number) if number > 0 else None
            match = wanted.match(line) if line is not None else None
            if match is not None:
                column = match.start(1) + 1
                return Span(goal.file, number, column, match.end(1) + 1, line)
    return Span(goal.file, goal.line, goal.column, None, goal.source_line)


def _explain(session: _Session) -> int:
    args = session.args
    as_of = _as_of(args.as_of)
    _method(args.method)
    given = _dataset(args.data, session.limits)
    goal_id, _, entity = (args.goal or "").partition("@")
    if args.goal and (args.select or args.exclude):
        _usage("give a GOAL_ID or --select/--exclude, not both")
    if args.goal:
        ruleset, goal, file_errors = _find_goal(session, args.path, goal_id)
        session.diagnostics(file_errors)
        targets = [(ruleset, goal)]
    elif args.select or args.exclude:
        rulesets, problems = _rulesets(session, [args.path])
        session.diagnostics(p for p in problems if p.severity == "error")
        file_errors = [p for p in problems if p.severity == "error"]
        kept = _select(session, rulesets, args.select, args.exclude)
        targets = [(r, g) for r in kept for g in r.goals]
    else:
        _usage("name a goal: goalengine explain PATH GOAL_ID", "or choose goals with --select")
    reports = [_explain_report(session, r, g, given, as_of, entity or None) for r, g in targets]
    in_error = any(r.verdict is Verdict.ERROR for _, report in reports for r in report.results)
    session.code = EXIT_USAGE if in_error or file_errors else EXIT_OK
    if args.format == "json":
        from .render.json import render_json

        results = tuple(r for _, report in reports for r in report.results)
        combined = reports[0][1].model_copy(update={"results": results}) if reports else None
        if combined is not None:
            sys.stdout.write(render_json(combined))
        return session.code
    from rich.console import Group
    from rich.text import Text

    joined: list[RenderableType] = []
    for (ruleset, goal), (data, report) in zip(targets, reports, strict=True):
        for part in _explain_parts(ruleset, goal, data, report, as_of):
            if joined:
                joined.append(Text(""))
            joined.append(part)
    session.print(Group(*joined))
    return session.code


def _explain_report(
    session: _Session,
    ruleset: RuleSet,
    goal: Goal,
    given: Dataset | None,
    as_of: date | None,
    entity: str | None,
) -> tuple[Dataset | None, Report]:
    """``goal`` judged alone (its data, the report); with ``entity`` (``goal@entity``) only
    that entity's result, a usage error with a did-you-mean when it has none."""
    from .engine.scalar import evaluate_many
    from .resolve import load_ruleset_data

    try:
        data: Dataset | None = load_ruleset_data(
            ruleset, given, limits=session.limits, allow_database=session.allow_database
        )
    except GoalEngineError:
        data = None  # the goal is judged `error`, with the reason
    single = ruleset.model_copy(update={"goals": (goal,)})
    report = evaluate_many([single], data=data if data is not None else given, as_of=as_of,
                           method=session.args.method, limits=session.limits)  # fmt: skip
    if entity is None:
        return data, report
    if goal.for_each is None:
        raise UsageError(
            f"goal '{goal.id}' is not judged per entity",
            _id_span(goal, goal.id),
            f"explain it without '@': goalengine explain {session.args.path} {goal.id}",
        )
    chosen = tuple(r for r in report.results if r.entity == entity)
    if not chosen and not any(r.verdict is Verdict.ERROR for r in report.results):
        known = [r.entity for r in report.results if r.entity is not None]
        raise UsageError(
            f"goal '{goal.id}' has no entity '{entity}'",
            _id_span(goal, goal.id),
            did_you_mean(entity, known)
            or f"{_plural(len(known), 'entity')}: "
            + ", ".join(known[:5])
            + (", …" if len(known) > 5 else ""),
        )
    return data, report.model_copy(update={"results": chosen or report.results})


def _explain_parts(
    ruleset: RuleSet, goal: Goal, data: Dataset | None, report: Report, as_of: date | None
) -> list[RenderableType]:
    """The rendered explanation of each of ``goal``'s results."""
    from .render.diagnostics import result_diagnostic
    from .render.explain import render_explanation
    from .resolve import resolve_goal

    infos = _infos([ruleset], as_of)
    parts: list[RenderableType] = []
    for result in report.results:
        diagnostic = None
        series = None
        if result.verdict is Verdict.ERROR:
            if goal.problem is not None:
                diagnostic = goal.problem.diagnostic()
            elif data is not None:
                try:
                    resolve_goal(goal, data)
                except GoalEngineError as error:
                    diagnostic = error.diagnostic()
            diagnostic = diagnostic or result_diagnostic(result)
        elif data is not None:
            series = _series_view(goal, data, result)
        parts.append(
            render_explanation(
                result,
                info=infos.get(ruleset.path or "goals"),
                line=goal.line,
                series=series,
                diagnostic=diagnostic,
            )
        )
    return parts


def _series_view(goal: Goal, data: Dataset, result: Result) -> SeriesView | None:
    from .render.explain import SeriesView

    try:
        rule = goal.compiled()
    except GoalEngineError:
        return None
    series = data.get(rule.subject, result.entity) or data.get(rule.subject)
    if series is None:
        return None
    day = result.as_of or date.today()
    visible = series.until(day)
    return SeriesView(
        metric=rule.subject,
        observations=visible,
        hidden=len(series) - len(visible),
        unit=goal.unit,
        comparable=rule.subject_is_bare,
    )


# -- test ---------------------------------------------------------------------------------


def _property_checker() -> Callable[[RuleSet], Iterable[tuple[str, Sequence[Any]]]]:
    """The properties of a rule set, goal by goal as each is done (``check_ruleset_by_goal``;
    a module with only ``check_ruleset`` gives them all at once, grouped by goal)."""
    name = "goalengine.testing.properties"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name not in (name, "hypothesis"):
            raise
        _usage(
            "--properties: property checks are not available in this installation",
            "they need Hypothesis: pip install 'goalengine[testing]'"
            if error.name == "hypothesis"
            else f"{name} is missing; run the fixtures without --properties",
        )
    streaming = getattr(module, "check_ruleset_by_goal", None)
    if callable(streaming):
        return streaming  # type: ignore[no-any-return]
    checker = getattr(module, "check_ruleset", None)
    if not callable(checker):
        _usage(f"--properties: {name} has no check_ruleset()")

    def grouped(ruleset: RuleSet) -> Iterable[tuple[str, Sequence[Any]]]:
        by_goal: dict[str, list[Any]] = {}
        for outcome in checker(ruleset):
            by_goal.setdefault(str(outcome.goal), []).append(outcome)
        return by_goal.items()

    return grouped


if TYPE_CHECKING:  # kept apart from the imports above: only ``test`` needs it
    from .testing.fixtures import Mismatch


def _unexpected_errors(mismatches: Iterable[Mismatch]) -> list[Diagnostic]:
    from .render.diagnostics import result_diagnostic

    results = [m.result for m in mismatches if m.result is not None]
    found = [result_diagnostic(r) for r in results if r.verdict is Verdict.ERROR]
    return [d for d in found if d is not None]


def _test(session: _Session) -> int:
    from .render.diagnostics import unique
    from .render.fixtures import fixture_text, fixtures_summary
    from .resolve import DataCache
    from .testing import run_fixtures
    from .testing.fixtures import select_fixtures

    args = session.args
    checker = _property_checker() if args.properties else None
    rulesets, problems = _rulesets(session, args.paths)
    rulesets = [select_fixtures(r) for r in _select(session, rulesets, args.select, args.exclude)]
    cache = DataCache(limits=session.limits, allow_database=session.allow_database)
    tally = _Tally()
    with _test_progress(session, rulesets, checker is not None) as advance:
        for ruleset in rulesets:
            for outcome in run_fixtures(ruleset, cache):
                if outcome.problem is not None:  # bad data: an input error (exit 2)
                    problems.append(outcome.problem)
                    continue
                # A goal in error that the fixture did not expect: a rule or data error.
                problems.extend(_unexpected_errors(outcome.mismatches))
                tally.tests += 1
                tally.failed += not outcome.passed
                if not (session.quiet and outcome.passed):
                    session.print(fixture_text(outcome), lines=True)
            if checker is not None:
                for goal_id, outcomes in checker(ruleset):
                    _show_properties(session, ruleset.path or "goals", goal_id, outcomes, tally)
                    advance()
    problems = unique(problems)  # a file's bad data stops each of its fixtures alike
    session.diagnostics(problems)
    errors = sum(p.severity == "error" for p in problems)
    session.code = EXIT_USAGE if errors else EXIT_FAILED if tally.failing else EXIT_OK
    if tally.tests == 0 and checker is None:
        if errors:  # nothing ran: the errors above are the whole answer
            return session.code
        session.diagnostics(
            [
                Diagnostic(
                    "warning",
                    f"no tests found in {_plural(len(rulesets), 'rule file')}",
                    Span(),
                    "add fixtures under 'tests:' in a rule file",
                )
            ]
        )
        return session.code
    summary = fixtures_summary(
        tally.tests,
        tally.failed,
        tally.properties if checker is not None else None,
        tally.properties_failed,
        tally.properties_skipped,
        errors=errors,
    )
    session.print(summary, lines=True)
    return session.code


@dataclass
class _Tally:
    """What ``goalengine test`` counted so far."""

    tests: int = 0
    failed: int = 0
    properties: int = 0
    properties_failed: int = 0
    properties_skipped: int = 0

    @property
    def failing(self) -> bool:
        return bool(self.failed or self.properties_failed)


def _show_properties(
    session: _Session, file: str, goal_id: str, outcomes: Sequence[Any], tally: _Tally
) -> None:
    """A goal's properties as soon as they are checked: one line when all passed, else a
    line per property (every one with ``-v``)."""
    from .render.fixtures import goal_properties_text, property_text

    skipped = [bool(getattr(o, "skipped", False)) for o in outcomes]
    failed = [not o.passed and not s for o, s in zip(outcomes, skipped, strict=True)]
    tally.properties += len(outcomes)
    tally.properties_skipped += sum(skipped)
    tally.properties_failed += sum(failed)
    if not any(failed) and not session.verbose:
        if not session.quiet and outcomes:
            session.print(goal_properties_text(file, goal_id, outcomes), lines=True)
        return
    for outcome, skip, fail in zip(outcomes, skipped, failed, strict=True):
        if fail or (session.verbose if skip else not session.quiet):
            session.print(property_text(file, outcome), lines=True)


@contextmanager
def _test_progress(
    session: _Session, rulesets: Sequence[RuleSet], properties: bool
) -> Iterator[Callable[[], None]]:
    """``advance()`` once per goal whose properties are checked: a progress bar on a
    terminal (property checks take a while), nothing otherwise."""
    tty = sys.stderr.isatty() if hasattr(sys.stderr, "isatty") else False
    if not properties or not tty or session.quiet:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = sum(len(r.goals) for r in rulesets)
    with Progress(
        TextColumn("checking properties"),
        BarColumn(),
        MofNCompleteColumn(),
        console=session.err,
        transient=True,
    ) as progress:
        task = progress.add_task("properties", total=total)
        yield lambda: progress.advance(task)


if __name__ == "__main__":
    run()
