"""Just enough of the FlatBuffers wire format to read Arrow IPC headers from an untrusted file.

pyarrow reads a record batch's header and decompresses its buffers in one step; the sizes we must check before any
decompression sit in those headers, so we read them ourselves. Every offset is checked against the buffer: a
crafted header raises `FlatBufferError`, never reads out of bounds, and never makes us loop longer than its size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")


class FlatBufferError(ValueError):
    """A header whose offsets point outside its buffer: the file is damaged or crafted."""


def unpack(layout: struct.Struct, data: bytes | memoryview, position: int) -> tuple[int, ...]:
    """`layout.unpack_from`, refusing negative positions (which Python would count from the end) and short reads."""
    if position < 0 or position + layout.size > len(data):
        raise FlatBufferError(f"offset {position} is outside the {len(data)}-byte header")
    return layout.unpack_from(data, position)


@dataclass(frozen=True)
class Table:
    """A FlatBuffers table: fields are looked up by slot (their declaration order in the .fbs schema)."""

    data: bytes | memoryview
    position: int

    @classmethod
    def root(cls, data: bytes | memoryview) -> Table:
        return cls._at(data, 0)

    @classmethod
    def _at(cls, data: bytes | memoryview, reference: int) -> Table:
        """The table that the unsigned offset stored at `reference` points to."""
        return cls(data, reference + unpack(_U32, data, reference)[0])

    def _field(self, slot: int) -> int | None:
        """Where the field in `slot` is stored, or None when the writer left it out (it then has its default)."""
        vtable = self.position - unpack(_I32, self.data, self.position)[0]
        entry = 4 + 2 * slot
        if entry >= unpack(_U16, self.data, vtable)[0]:
            return None
        offset = unpack(_U16, self.data, vtable + entry)[0]
        return self.position + offset if offset else None

    def scalar(self, slot: int, layout: struct.Struct, default: int = 0) -> int:
        where = self._field(slot)
        return default if where is None else unpack(layout, self.data, where)[0]

    def table(self, slot: int) -> Table | None:
        where = self._field(slot)
        return None if where is None else Table._at(self.data, where)

    def structs(self, slot: int, layout: struct.Struct) -> list[tuple[int, ...]]:
        """A vector of fixed-size structs; its declared length must fit in the buffer."""
        where = self._field(slot)
        if where is None:
            return []
        vector = where + unpack(_U32, self.data, where)[0]
        count = unpack(_U32, self.data, vector)[0]
        start, end = vector + 4, vector + 4 + count * layout.size
        if end > len(self.data):
            raise FlatBufferError(f"a vector of {count:,} entries does not fit in the {len(self.data)}-byte header")
        return list(layout.iter_unpack(self.data[start:end]))
