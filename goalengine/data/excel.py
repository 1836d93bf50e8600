"""Spreadsheets (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) through python-calamine.

python-calamine was chosen by measurement (docs/data.md): it reads every one of these
formats without pyarrow and hands back each cell with its own type (a number, text, a
date), so a cell is placed exactly -- ``book.xlsx[Data]:5:3 (cell C5)`` -- and read by the
same rules as any other table (:mod:`goalengine.data.mapping`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import DataError, Span, did_you_mean
from ..limits import DEFAULT_LIMITS, MAX_SHEET_CELLS, MAX_SPREADSHEET_UNZIPPED_BYTES, Limits
from ._text import escape
from .files import open_data_file
from .mapping import Cell, Reading, Table, cell_text, excel_column, read_table

if TYPE_CHECKING:
    from .sources import SourceSpec

__all__ = ["read_excel"]

_RANGE = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6}):([A-Z]{1,3})([1-9][0-9]{0,6})$")
_EXTRA = "install the Excel reader: pip install 'goalengine[excel]'"


def read_excel(
    path: Path,
    spec: SourceSpec,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Reading:
    """One sheet of a workbook, read as ``spec`` (a :class:`~.sources.SourceSpec`) says."""
    from .sources import preset

    try:
        import python_calamine
    except ImportError:
        raise DataError("cannot read a spreadsheet", Span(file=name), _EXTRA) from None
    name = name or str(path)
    with open_data_file(path, root=root, limits=limits) as stream:
        _check_unzipped(stream, name)
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(stream)
        except Exception as error:  # calamine's errors share no base class worth naming
            raise DataError(
                f"cannot read {name} as a spreadsheet: {error}", Span(file=name)
            ) from None
    sheets = list(book.sheet_names)
    sheet_name = _sheet(spec.sheet, sheets, name)
    sheet = book.get_sheet_by_name(sheet_name)
    label = f"{name}[{sheet_name}]"
    last_row, last_column = sheet.end or (-1, -1)  # 0-based; read from A1, as to_python does
    cells = (last_row + 1) * (last_column + 1)
    if cells > MAX_SHEET_CELLS:
        raise DataError(
            f"sheet '{escape(sheet_name)}' has {cells:,} cells; the limit is {MAX_SHEET_CELLS:,}",
            Span(file=name),
            "give a range: (range: A1:F1000) or export the sheet as CSV",
        )
    grid: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    top, left, bottom, right = _bounds(spec.range, grid, label)
    header_row = spec.header or top + 1
    if not top < header_row <= bottom + 1 or header_row > len(grid):
        raise DataError(f"{label} has no row {header_row} to read a header from", Span(file=name))
    header = [_cell(c) for c in grid[header_row - 1][left : right + 1]]

    def place(row: int, index: int | None) -> Span:
        return Span(file=label, line=row, column=None if index is None else left + index + 1)

    def cell_name(row: int, index: int) -> str:
        return f"cell {excel_column(left + index)}{row}"

    rows = (
        (number + 1, [_cell(c) for c in grid[number][left : right + 1]])
        for number in range(header_row, min(bottom + 1, len(grid)))
        if any(c not in ("", None) for c in grid[number][left : right + 1])
    )
    table = Table(label, [cell_text(h) for h in header], rows, header_row, place, cell_name)
    return read_table(table, preset(spec.format or "excel", spec, path))


def _check_unzipped(stream: BinaryIO, name: str) -> None:
    """A zip bomb is refused from the zip's directory, before anything is unpacked."""
    if not zipfile.is_zipfile(stream):
        stream.seek(0)
        return  # .xls: no zip; its size limit is the file's
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise DataError(f"cannot read {name} as a spreadsheet: {error}", Span(file=name)) from None
    stream.seek(0)
    if unpacked > MAX_SPREADSHEET_UNZIPPED_BYTES:
        raise DataError(
            f"{name} unpacks to {unpacked:,} bytes; the limit is "
            f"{MAX_SPREADSHEET_UNZIPPED_BYTES:,}",
            Span(file=name),
            "export the sheet as CSV",
        )


def _sheet(wanted: str | int | None, sheets: list[str], name: str) -> str:
    if not sheets:
        raise DataError(f"{name} has no sheets", Span(file=name))
    if wanted is None:
        return sheets[0]
    if isinstance(wanted, int):
        if 1 <= wanted <= len(sheets):
            return sheets[wanted - 1]
        raise DataError(f"{name} has no sheet {wanted}", Span(file=name),
                        f"it has {len(sheets)} sheet(s), numbered from 1")  # fmt: skip
    if wanted in sheets:
        return wanted
    listed = escape(", ".join(sheets), 200)
    raise DataError(f"{name} has no sheet '{escape(wanted)}'", Span(file=name),
                    did_you_mean(wanted, sheets) or f"its sheets are {listed}")  # fmt: skip


def _bounds(written: str | None, grid: list[list[Any]], label: str) -> tuple[int, int, int, int]:
    """0-based (top, left, bottom, right) of the range, or of the whole used sheet."""
    if written is None:
        return 0, 0, len(grid) - 1, max((len(r) for r in grid), default=1) - 1
    match = _RANGE.match(written.strip().upper())
    if match is None:
        raise DataError(f"'{escape(written)}' is not a cell range", Span(file=label),
                        "write it as A1:F40")  # fmt: skip
    left, right = _column_number(match[1]), _column_number(match[3])
    top, bottom = int(match[2]) - 1, int(match[4]) - 1
    if right < left or bottom < top:
        raise DataError(f"range '{written}' ends before it starts", Span(file=label))
    return top, left, bottom, right


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _cell(value: Any) -> Cell:
    """calamine's empty cell is ``""``: no figure, like an empty CSV cell."""
    if value == "" or value is None:
        return None
    if isinstance(value, str | int | float):
        return value
    if hasattr(value, "year"):  # date, datetime
        return value  # type: ignore[no-any-return]
    return str(value)  # a time of day, a duration: text, refused where a number is meant
