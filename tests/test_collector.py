"""The garbage collector is paused while data is read and goals are judged, and always
left as the caller had it (goalengine._collector)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import goalengine.resolve
from goalengine._collector import collection_paused
from goalengine.data import Dataset
from goalengine.resolve import DataCache


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def _fail_while_paused() -> None:
    with collection_paused():
        assert not gc.isenabled()
        raise ValueError("a goal failed")


def test_paused_inside_and_back_on_after_even_on_an_error(collector: None) -> None:
    gc.enable()
    with pytest.raises(ValueError, match="a goal failed"):
        _fail_while_paused()
    assert gc.isenabled()


def test_a_collector_the_caller_switched_off_stays_off(collector: None) -> None:
    gc.disable()
    with collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_data_file_is_read_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    (tmp_path / "data.csv").write_text("metric,period,value\nm,2010,1\n", encoding="utf-8")
    seen: list[bool] = []
    read = goalengine.resolve.load_dataset

    def recording(*args: object, **kwargs: object) -> Dataset:
        seen.append(gc.isenabled())
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(goalengine.resolve, "load_dataset", recording)
    gc.enable()
    dataset = DataCache(data_root=tmp_path).load(tmp_path / "data.csv")
    assert "m" in dataset
    assert seen == [False]
    assert gc.isenabled()
