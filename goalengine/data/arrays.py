"""Arrow arrays to numpy and back through their buffers, without pyarrow's pandas check.

The first time pyarrow converts an array to numpy (``to_numpy``) or builds one from Python
objects (``pa.array``, ``pa.scalar``), it imports pandas if pandas is installed -- to
recognise pandas objects -- which costs ``goalengine check`` a quarter of a second and
pulls pandas into a command that never uses it. The columnar readers and the streamed
report convert through these two functions instead: the same numbers, no pandas.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["arrow_of", "numpy_of"]


def numpy_of(array: Any, fill: Any = None) -> np.ndarray[Any, Any]:
    """A numpy view of an Arrow array (or column) of numbers or booleans (read-only; copy to
    write). A boolean array comes back as ``bool`` values. Nulls are refused unless
    ``fill`` is given, which takes their places (in a copy)."""
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if array.null_count and fill is None:
        raise ValueError("an array with nulls has no numpy view without a fill")
    size, offset = len(array), array.offset
    validity, data = array.buffers()[:2]
    values = _values(array, data, size, offset)
    if array.null_count:
        valid = _bits(validity, size, offset)
        values = np.where(valid, values, np.asarray(fill, dtype=values.dtype))
    return values


def _bits(buffer: Any, size: int, offset: int) -> np.ndarray[Any, Any]:
    """Arrow's bit-packed booleans (least significant bit first) as numpy ``bool``."""
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")
    return bits[offset : offset + size].astype(bool)


def _values(array: Any, data: Any, size: int, offset: int) -> np.ndarray[Any, Any]:
    import pyarrow as pa

    if pa.types.is_boolean(array.type):
        return np.zeros(0, dtype=bool) if data is None else _bits(data, size, offset)
    kind = "f" if pa.types.is_floating(array.type) else "i"
    if pa.types.is_unsigned_integer(array.type):
        kind = "u"
    elif kind == "i" and not pa.types.is_signed_integer(array.type):
        raise TypeError(f"no numpy view of an array of {array.type}")
    dtype = np.dtype(f"{kind}{array.type.bit_width // 8}")
    if data is None:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(data, dtype=dtype, count=size, offset=offset * dtype.itemsize)


def arrow_of(values: np.ndarray[Any, Any]) -> Any:
    """An Arrow array over a one-dimensional numpy array of numbers (no copy if contiguous)."""
    import pyarrow as pa

    if values.dtype.kind not in "iuf":  # booleans are bits in Arrow, bytes in numpy
        raise TypeError(f"no Arrow view of numpy {values.dtype}")
    values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("="))
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])
