"""``data: [{dataset: folder/, format: parquet}]``: a partitioned Parquet dataset.

The same figures judged from a dataset and from one Parquet file give the same results;
only the named metrics and (for a part) its entities are read; every file is confined to
the data root; a bad entry is a positioned error; ``--workers`` without Dask names the extra.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from goalengine import DataError, load_rules  # noqa: E402
from goalengine.cli import main  # noqa: E402
from goalengine.data.partitioned import EntityRange, open_dataset  # noqa: E402
from goalengine.engine.run import judge_stream  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ENTITIES, METRICS, YEARS = 60, 3, 6
GOALS = """
as_of: 2012-12-31
data: {data}
goals:
  - id: plain
    rule: m0 >= 50 by 2015
    for_each: entity
  - id: peers
    rule: m1 >= mean(m1[*])
    for_each: entity
  - id: reference
    rule: m2 >= 0.9 * m2@national
    for_each: entity
"""


def _table(low: int, high: int, national: bool) -> object:
    rng = np.random.default_rng(low)
    names = [f"e{i:03d}" for i in range(low, high)] + ["national"] * national
    rows = [
        (f"m{m}", name, str(2007 + y), float(np.round(rng.uniform(20, 80), 1)))
        for m in range(METRICS)
        for name in names
        for y in range(YEARS)
    ]
    rows.append(("m0", None, "2010", 55.0))  # an entity-less figure: every part reads it
    metric, entity, period, value = zip(*rows, strict=True)
    return pa.table(
        {"metric": list(metric), "entity": list(entity), "period": list(period),
         "value": list(value)}
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The figures twice: as a dataset (three hive partitions) and as one file."""
    tables = []
    for bucket, (low, high) in enumerate([(0, 20), (20, 40), (40, 60)]):
        table = _table(low, high, national=bucket == 2)
        if bucket:  # the entity-less row once only
            table = table.slice(0, table.num_rows - 1)
        part = tmp_path / "figures" / f"entity_bucket={bucket:02d}"
        part.mkdir(parents=True)
        with pq.ParquetWriter(part / "part-0.parquet", table.schema) as writer:
            per = (table.num_rows - (bucket == 0)) // METRICS
            for start in range(0, table.num_rows, per):  # a row group per metric
                writer.write_table(table.slice(start, per))
        tables.append(table)
    pq.write_table(pa.concat_tables(tables), tmp_path / "all.parquet")
    (tmp_path / "dataset.yaml").write_text(
        GOALS.format(data="[{dataset: figures/, format: parquet}]"), encoding="utf-8"
    )
    (tmp_path / "file.yaml").write_text(GOALS.format(data="all.parquet"), encoding="utf-8")
    return tmp_path


def _results(path: Path) -> list[dict[str, object]]:
    report = judge_stream([load_rules(path)]).report()
    found = [r.model_dump(mode="json") for r in report.results]
    for result in found:
        result.pop("file")
    return found


def test_a_dataset_judges_as_its_figures_in_one_file(folder: Path) -> None:
    from_dataset, from_file = _results(folder / "dataset.yaml"), _results(folder / "file.yaml")
    assert [r["verdict"] for r in from_dataset if r["verdict"] == "error"] == []
    assert len(from_dataset) == 3 * ENTITIES + 2  # `national` is judged but by `reference`
    assert from_dataset == from_file


def test_only_the_named_metrics_and_the_parts_entities_are_read(folder: Path) -> None:
    dataset = open_dataset(folder / "figures")
    assert dataset.columns == ["metric", "entity", "period", "value"]  # no entity_bucket
    frame = dataset.frame({"m1"})
    assert frame.metrics == ("m1",)
    assert len(frame) == (ENTITIES + 1) * YEARS
    part = EntityRange("e020", "e030", frozenset({"national"}))
    frame = dataset.frame({"m0", "m2"}, part)
    assert frame.entity_names == (*(f"e{i:03d}" for i in range(20, 30)), "national")
    assert frame.has_unscoped("m0")  # entity-less rows belong to every part
    # Row groups of other metrics and other entities are not read at all.
    assert dataset._files({"m1"}, None).to_table().num_rows == (ENTITIES + 1) * YEARS
    first = dataset._files(None, EntityRange("e000", "e010")).to_table()
    assert first.num_rows == 20 * METRICS * YEARS + 1  # the first file's rows only


def test_every_file_of_a_dataset_lies_in_the_data_root(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.parquet"
    pq.write_table(_table(0, 2, national=False), outside)
    link = folder / "figures" / "entity_bucket=01" / "part-1.parquet"
    link.symlink_to(outside)
    with pytest.raises(DataError, match=r"part-1\.parquet.*lies outside the data root"):
        open_dataset(folder / "figures", root=folder)


def test_a_bad_dataset_entry_is_a_positioned_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = folder / "bad.yaml"
    rules.write_text(GOALS.format(data="[{dataset: figures/, format: csv}]"), encoding="utf-8")
    assert main(["check", str(rules), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3:" in err and "unknown dataset format 'csv'" in err
    rules.write_text(GOALS.format(data="[{dataset: all.parquet}]"), encoding="utf-8")
    assert main(["check", str(rules), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3:" in err and "is not a folder" in err


def test_workers_without_dask_names_the_extra(folder: Path, tmp_path: Path) -> None:
    """A real process in which ``import dask`` fails, as where it is not installed."""
    fake = tmp_path / "no-dask" / "dask"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no dask here')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "goalengine", "check", str(folder / "dataset.yaml"),
         "--workers", "2"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "pip install 'goalengine[distributed]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_dataset_entry_is_documented() -> None:
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert "{dataset: figures/, format: parquet}" in textwrap.dedent(text)


def test_results_as_a_parquet_dataset(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--format parquet -o DIR``: one row per result, the JSON report's fields; a second
    run replaces the folder; a folder that holds anything else is refused."""
    rules, out = str(folder / "dataset.yaml"), folder / "results"
    assert main(["check", rules, "--format", "json", "-o", str(folder / "r.json")]) in (0, 1)
    report = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    for _ in range(2):
        assert main(["check", rules, "--format", "parquet", "-o", str(out)]) in (0, 1)
        rows = pq.read_table(out).to_pylist()
        assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
        fields = ["goal", "entity", "verdict", "explanation", "latest", "target"]
        assert [{k: row[k] for k in fields} for row in rows] == [
            {k: result[k] for k in fields} for result in report["results"]
        ]
    (folder / "mine").mkdir()
    (folder / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", rules, "--format", "parquet", "-o", str(folder / "mine")]) == 2
    assert "is not a result dataset" in capsys.readouterr().err
    assert (folder / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_part_with_broken_data_puts_its_goals_in_error_at_the_data_entry(
    folder: Path,
) -> None:
    """A distributed task over a part whose file cannot be read answers every goal of its
    group with an error placed at the ``data:`` entry; the run keeps the other goals."""
    from goalengine.engine.distributed import _Plan, judge_part
    from goalengine.engine.scalar import judging_day
    from goalengine.limits import DEFAULT_LIMITS

    rules = folder / "plain.yaml"
    rules.write_text(
        "\n".join(GOALS.format(data="[{dataset: figures/}]").splitlines()[:7]) + "\n",
        encoding="utf-8",
    )
    ruleset = load_rules(rules)
    plan = _Plan(None, None, None, None, DEFAULT_LIMITS, 3, 32, True)
    job = plan._job(ruleset, ruleset.data_sources[0])  # no x[*]: nothing to broadcast
    day = judging_day(ruleset, None)
    assert [len(a.texts) + len(a.packed) > 0 for a in judge_part(
        plan._task(job, list(ruleset.goals), day, job.ranges[0]), None)] == [True]  # fmt: skip
    broken = folder / "figures" / "entity_bucket=01" / "part-0.parquet"
    broken.write_bytes(b"PAR1 not really parquet PAR1")
    (answer,) = judge_part(plan._task(job, list(ruleset.goals), day, job.ranges[0]), None)
    assert answer.broken and answer.failed is not None
    assert answer.failed.verdict.value == "error"
    assert answer.failed.error is not None and answer.failed.error.line == 3
