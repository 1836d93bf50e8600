"""Arrow arrays to numpy and back without pyarrow's pandas check (goalengine.data.arrays)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalengine.data.arrays import arrow_of, numpy_of

ROOT = Path(__file__).resolve().parents[2]


@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1)), max_size=40),
    st.integers(0, 10),
    st.sampled_from([pa.int8(), pa.int32(), pa.int64(), pa.uint16(), pa.float64(), pa.bool_()]),
)
def test_numpy_of_is_to_numpy(values: list[int | None], cut: int, kind: pa.DataType) -> None:
    if kind == pa.bool_():
        cells: list[object] = [None if v is None else v % 2 == 0 for v in values]
    elif kind == pa.float64():
        cells = [None if v is None else v / 7 for v in values]
    else:
        bits = kind.bit_width
        low = 0 if pa.types.is_unsigned_integer(kind) else -(2 ** (bits - 1))
        cells = [None if v is None else max(low, min(v, 2 ** (bits - 1) - 1)) for v in values]
    array = pa.array(cells, type=kind)[cut:]  # a slice: an offset into the buffers
    fill = 0 if kind != pa.bool_() else False
    want = pc.fill_null(array, fill).to_numpy(zero_copy_only=False)
    assert numpy_of(array, fill=fill).tolist() == want.tolist()
    assert numpy_of(pa.chunked_array([array[:3], array[3:]], type=kind), fill=fill).tolist() == (
        want.tolist()
    )
    if array.null_count:
        with pytest.raises(ValueError, match="nulls"):
            numpy_of(array)


def test_arrow_of_is_a_view_of_the_numbers() -> None:
    values = np.array([1.5, -0.0, 1e300, np.nan])
    array = arrow_of(values)
    assert array.type == pa.float64()
    assert np.array_equal(numpy_of(array), values, equal_nan=True)
    assert arrow_of(values[::2]).to_pylist() == [1.5, 1e300]  # not contiguous: copied
    assert numpy_of(arrow_of(np.arange(5, dtype=np.int32))[1:4]).tolist() == [1, 2, 3]


def test_arrow_of_takes_numbers_of_either_byte_order_and_refuses_booleans() -> None:
    assert arrow_of(np.array([1, 2, 3], dtype=">i4")).to_pylist() == [1, 2, 3]
    assert arrow_of(np.array([0.5, -2.0], dtype=">f8")).to_pylist() == [0.5, -2.0]
    with pytest.raises(TypeError, match="bool"):
        arrow_of(np.array([True, False]))


def test_an_array_of_text_has_no_numpy_view() -> None:
    with pytest.raises(TypeError, match="string"):
        numpy_of(pa.array(["a"]))


_RUN = """
import contextlib, io, json, sys
import goalengine.engine.run as run
run.FRAME_MIN_BYTES = 0
from goalengine.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(["check", sys.argv[1], "-o", sys.argv[2]])
found = {"pandas": "pandas" in sys.modules, "arrow": "pyarrow" in sys.modules}
print(json.dumps({"code": code, **found}))
"""


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_columnar_path_of_check_does_not_import_pandas(tmp_path: Path, suffix: str) -> None:
    """pandas is installed here (the tests use it); ``check`` must not pull it in."""
    rows = [
        (f"m{m}", f"e{e:03d}", str(2010 + y), float(e + y))
        for m in range(2)
        for e in range(60)
        for y in range(5)
    ]
    names = ("metric", "entity", "period", "value")
    table = pa.table({n: list(c) for n, c in zip(names, zip(*rows, strict=True), strict=True)})
    data = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        lines = ["metric,entity,period,value", *(",".join(map(str, row)) for row in rows)]
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        pq.write_table(table, data)
    rules = tmp_path / "goals.yaml"
    rules.write_text(
        f"as_of: 2015-01-01\ndata: {data.name}\ngoals:\n"
        "  - id: up\n    rule: m0 >= baseline + 1 by 2016\n    baseline: '2010'\n"
        "    for_each: entity\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(rules), str(tmp_path / "out.json")],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"code": 0, "pandas": False, "arrow": True}
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(report["results"]) == 60
