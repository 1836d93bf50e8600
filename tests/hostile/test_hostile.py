"""The hostile corpus: every input here once crashed, hung, leaked, garbled a terminal or
was misread. Each must now end in a clear, positioned error (exit 2) within the time and
memory limits, with no traceback, no "internal error", no raw control character and
nothing from outside the data root (a canary file, a canary environment variable) in
stdout, stderr or the report file. See tests/hostile/harness.py for the rules.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from .harness import CANARY_FILE, WALL_LIMIT, Case, Outcome, Repo, problems, run_case

# Cases that still fail on this branch and are fixed on another one (xfail, strict: once
# fixed they XPASS and fail, and the id must go). The branch named is the one to fix it.
PENDING: set[str] = set()


def _static(name: str, *extra: str, command: str = "check") -> Case:
    def build(repo: Repo) -> Sequence[str]:
        return [command, repo.copy_case(name), *extra]

    return Case(name, build, seconds=30 if "--properties" in extra else WALL_LIMIT)


def _symlink_environ(repo: Repo) -> Sequence[str]:
    repo.symlink("rules/env.csv", "/proc/self/environ")
    return ["check", repo.rules("env", "env.csv")]


def _symlink_outside(repo: Repo) -> Sequence[str]:
    repo.symlink("rules/data.csv", repo.outside / "secret.csv")
    return ["check", repo.rules("outside", "data.csv", f"{CANARY_FILE[:-1]} >= 1 by 2014")]


def _dotdot(repo: Repo) -> Sequence[str]:
    return ["check", repo.rules("dotdot", "../../outside/secret.txt")]


def _absolute(repo: Repo) -> Sequence[str]:
    near = f"{CANARY_FILE[:-1]} >= 1 by 2014"  # did-you-mean would quote the outside file
    return ["check", repo.rules("absolute", str(repo.outside / "secret.csv"), near)]


def _fifo_data(repo: Repo) -> Sequence[str]:
    repo.fifo("rules/pipe.csv")
    return ["check", repo.rules("fifo", "pipe.csv")]


def _fifo_rules(repo: Repo) -> Sequence[str]:
    repo.fifo("rules/pipe.yaml")
    return ["check", "rules/pipe.yaml"]


def _dev_zero(repo: Repo) -> Sequence[str]:
    repo.symlink("rules/zero.csv", "/dev/zero")
    return ["check", repo.rules("zero", "zero.csv")]


def _directory(repo: Repo) -> Sequence[str]:
    (repo.root / "rules" / "folder.csv").mkdir(parents=True)
    return ["check", repo.rules("folder", "folder.csv")]


def _sparse(repo: Repo) -> Sequence[str]:
    path = repo.write("rules/huge.csv", "metric,period,value\nm,2010,1\n")
    os.truncate(path, 3 * 1024**3)  # sparse: no disk used
    return ["check", repo.rules("huge", "huge.csv")]


def _not_a_data_file(repo: Repo) -> Sequence[str]:
    repo.write("rules/secrets.csv", f"PASSWORD={CANARY_FILE}\nOTHER=1\n")
    return ["check", repo.rules("secrets", "secrets.csv")]


def _data_flag_fifo(repo: Repo) -> Sequence[str]:
    repo.fifo("pipe.csv")
    repo.write("rules/r.yaml", "as_of: 2012-06-30\ngoals:\n  - id: g\n    rule: m >= 1 by 2014\n")
    return ["check", "rules/r.yaml", "--data", "pipe.csv"]


def _did_you_mean(repo: Repo) -> Sequence[str]:
    lines = ["metric,period,value"]
    lines += [f"metric_number_{i:06d}_of_many,2010,{i}" for i in range(100_000)]
    repo.write("rules/many.csv", "\n".join(lines) + "\n")
    goals = "".join(
        f"  - id: g{i}\n    rule: metric_numbr_{i:06d}_of_mani >= 1 by 2014\n" for i in range(20)
    )
    repo.write("rules/many.yaml", f"as_of: 2012-06-30\ndata: many.csv\ngoals:\n{goals}")
    return ["validate", "rules/many.yaml"]


def _csv_field_limit(repo: Repo) -> Sequence[str]:
    repo.write("rules/wide.csv", f'metric,period,value\nm,2010,"{"9" * 200_000}"\n')
    return ["check", repo.rules("wide", "wide.csv")]


def _parquet(repo: Repo, name: str, table: object) -> Sequence[str]:
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(table, repo.root / "rules" / f"{name}.parquet")
    return ["check", repo.rules(name, f"{name}.parquet")]


def _parquet_bomb(repo: Repo) -> Sequence[str]:
    """600 million cells in the metadata, a few hundred kilobytes on disk."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = 2_000_000
    table = pa.table(
        {
            "metric": pa.array(["m"] * 1).take(pa.array([0] * rows)).dictionary_encode(),
            "period": pa.nulls(rows, pa.string()),
            "value": pa.nulls(rows, pa.float64()),
        }
    )
    (repo.root / "rules").mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(repo.root / "rules" / "bomb.parquet", table.schema) as writer:
        for _ in range(100):  # 200 million rows x 3 columns
            writer.write_table(table)
    return ["check", repo.rules("bomb", "bomb.parquet")]


def _parquet_duplicate(repo: Repo) -> Sequence[str]:
    pa = pytest.importorskip("pyarrow")
    values = [pa.array([1.0, 2.0]), pa.array([5.0, 6.0])]
    table = pa.Table.from_arrays(
        [pa.array(["m", "m"]), pa.array(["2010", "2011"]), *values],
        names=["metric", "period", "value", "value"],
    )
    (repo.root / "rules").mkdir(parents=True, exist_ok=True)
    return _parquet(repo, "duplicate", table)


def _parquet_list(repo: Repo) -> Sequence[str]:
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {"metric": ["m", "m"], "period": ["2010", "2011"], "value": [[1.0], [2.0, 3.0]]}
    )
    (repo.root / "rules").mkdir(parents=True, exist_ok=True)
    return _parquet(repo, "listed", table)


def _explain_1e308(repo: Repo) -> Sequence[str]:
    repo.write("rules/big.csv", "metric,period,value\nm,2010,-1e308\nm,2011,1e308\n")
    return ["explain", repo.rules("big", "big.csv"), "g"]


def _target_overflow(repo: Repo) -> Sequence[str]:
    repo.write("rules/big.csv", "metric,period,value\nm,2010,1\nm,2011,1e308\n")
    rules = repo.rules("overflow", "big.csv", "m >= baseline * 2 by 2014")
    with open(repo.root / rules, "a", encoding="utf-8") as file:
        file.write("    baseline: 2011\n")
    return ["check", rules]


def _as_of_flag(repo: Repo) -> Sequence[str]:
    return ["check", repo.rules("plain", "{m: {2010: 1}}"), "--as-of", "0000"]


CASES = [
    _static("alias-bomb"),
    _static("huge-window"),
    _static("many-huge-windows"),
    _static("nonexistent-date"),
    _static("nonexistent-date-inline"),
    _static("year-0000-as-of"),
    _static("year-0000-rule"),
    _static("year-0000-data"),
    _static("digits-400"),
    _static("baseline-digits-400"),
    _static("goals-empty-mapping"),
    _static("properties-5", "--properties", command="test"),
    _static("tests-malformed", command="test"),
    # Not an error: the properties of a goal due in 9999 are checked, and they hold.
    Case(
        "deadline-9999",
        _static("deadline-9999", "--properties", command="test").build,
        exit=0,
        seconds=30,
        expect=("properties: 6 passed",),
    ),
    _static("value-1e309"),
    _static("value-nan"),
    _static("inline-1e309"),
    _static("baseline-1e309"),
    Case("three-decimals", _static("three-decimals").build, exit=0, expect=('"latest": 58.678,',)),
    _static("duplicate-header"),
    _static("odd-digits"),
    Case("control-chars", _static("control-chars").build, expect=("'\\x1b'", "\\u001b[31mred")),
    _static("nul-bytes"),
    _static("invalid-utf8"),
    _static("deep-nesting"),
    _static("csv-bare-cr"),
    _static("year-0000-published"),
    _static("properties-string", "--properties", command="test"),
    _static("properties-mapping", "--properties", command="test"),
    _static("nonexistent-date-tests", command="test"),
    _static("nonexistent-date-baseline"),
    Case("symlink-environ", _symlink_environ),
    Case("symlink-outside", _symlink_outside),
    Case("dotdot-path", _dotdot),
    Case("absolute-path", _absolute),
    Case("fifo-data", _fifo_data),
    Case("fifo-rules", _fifo_rules, position="none"),
    Case("dev-zero-data", _dev_zero),
    Case("directory-data", _directory),
    Case("sparse-3gb-data", _sparse),
    Case("not-a-data-file", _not_a_data_file, position="line"),  # the header line itself
    Case("data-flag-outside", _data_flag_fifo, position="none"),
    # Reading 100,000 series takes seconds on a loaded machine; the hints must add ~nothing.
    Case("did-you-mean-100k", _did_you_mean, seconds=30),
    Case("csv-field-limit", _csv_field_limit),
    Case("parquet-bomb", _parquet_bomb, position="none"),  # binary: no line to name
    Case("parquet-duplicate-columns", _parquet_duplicate, position="none"),
    Case("parquet-list-column", _parquet_list, position="none"),
    # Not an error: the trend of ±1e308 cannot be fitted, and the verdict says so.
    Case("explain-1e308", _explain_1e308, exit=0, expect=("too large for a least-squares",)),
    Case("as-of-flag-0000", _as_of_flag, position="none"),
    Case("target-overflow", _target_overflow),
    Case(
        "explain-control-chars",
        lambda repo: ["explain", repo.copy_case("control-chars"), "g\x1b[31mred\u202e\x85"],
        exit=0,
    ),
]

WORKERS = 2
"""Cases run side by side: most of a case's time is Python starting, or a hang waiting to
be killed, and the limits are per child."""

TIMES = os.environ.get("GOALENGINE_HOSTILE_TIMES")
"""A file to append each case's time and peak memory to (JSON lines), for the limits table."""


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Outcome]]]:
    """Every selected case, started at once on a few threads."""
    selected = [
        item.callspec.params["case"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_hostile_input_gets_a_clear_bounded_answer"
    ]
    with ThreadPoolExecutor(WORKERS) as pool:
        yield {c.id: pool.submit(run_case, c, tmp_path_factory.mktemp(c.id)) for c in selected}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True)] if c.id in PENDING else [])
        for c in CASES
    ],
)
def test_hostile_input_gets_a_clear_bounded_answer(
    case: Case, outcomes: dict[str, Future[Outcome]]
) -> None:
    outcome = outcomes[case.id].result()
    if TIMES:
        with open(TIMES, "a", encoding="utf-8") as log:
            line = {"case": case.id, "code": outcome.code, "seconds": round(outcome.seconds, 2)}
            log.write(json.dumps({**line, "peak_mb": round(outcome.peak_mb)}) + "\n")
    found = problems(case, outcome)
    assert not found, (
        f"{case.id}: " + "; ".join(found) + f"\n--- stderr:\n{outcome.err[-3000:]}"
        f"\n--- stdout:\n{outcome.out[-1000:]}"
    )


def test_pending_names_only_known_cases() -> None:
    assert {c.id for c in CASES} >= PENDING
    assert len({c.id for c in CASES}) == len(CASES)
