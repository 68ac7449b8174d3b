"""How much memory a Parquet file's table takes once decoded, estimated from its footer alone.

The footer's `total_byte_size` is the size of the *encoded* pages: with dictionary and run-length encoding, 2M rows
of a constant int64 column declare about 16 KB for 16 MB of values. Counting values instead (every column chunk
records how many it holds) and multiplying by the width their type takes in memory does not depend on how well
the file compressed.
"""

from __future__ import annotations

import pyarrow.parquet as pq

# Bytes per value in memory, by Parquet physical type (INT96 is a legacy timestamp, decoded to 8 bytes).
_WIDTHS = {"BOOLEAN": 1, "INT32": 4, "INT64": 8, "INT96": 8, "FLOAT": 4, "DOUBLE": 8}
# Text and binary values: polars keeps a 16-byte view per value, plus the bytes themselves. Their total length is
# not in the footer (only the encoded size, which dictionary encoding shrinks), so the encoded size stands in for
# it; the reader checks the table it actually got as well (columnar.py).
VIEW_BYTES = 16
# Each level of list nesting adds an offset per value.
OFFSET_BYTES = 4


def parquet_decoded_size(metadata: pq.FileMetaData) -> int:
    """The estimated in-memory size of every row group of the file described by `metadata`."""
    widths = [_value_width(metadata.schema.column(i)) for i in range(metadata.num_columns)]
    total = 0
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            chunk = group.column(column_index)
            # A chunk's value count is at least its row group's row count (more with lists); taking the larger
            # keeps a footer that understates one of them from shrinking the estimate.
            values = max(chunk.num_values, group.num_rows)
            variable = chunk.physical_type == "BYTE_ARRAY"
            total += values * widths[column_index] + (chunk.total_uncompressed_size if variable else 0)
    return total


def _value_width(column: pq.ColumnSchema) -> int:
    nesting = OFFSET_BYTES * column.max_repetition_level
    if column.physical_type == "BYTE_ARRAY":
        return VIEW_BYTES + nesting
    if column.physical_type == "FIXED_LEN_BYTE_ARRAY":
        return VIEW_BYTES + max(column.length, 0) + nesting
    return _WIDTHS[column.physical_type] + nesting
