"""How much memory an Arrow IPC file or stream takes once decoded, read from its message headers alone.

Arrow IPC may compress each buffer on its own (LZ4 or ZSTD) and then stores the buffer's decoded length in the
buffer's first 8 bytes; each record batch's header lists where its buffers are. Adding those lengths up gives the
decoded size of the whole table without decompressing anything: a 100 KB file of compressed constant columns
declares its 3 GB here. The layout is Arrow's Message.fbs and File.fbs (https://arrow.apache.org/docs/format/).
"""

from __future__ import annotations

import struct

from flowml.data.readers.flatbuf import FlatBufferError, Table, unpack

_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")
_U8 = struct.Struct("<B")
_BUFFER = struct.Struct("<qq")  # Buffer {offset: long; length: long}
_BLOCK = struct.Struct("<qi4xq")  # Block {offset: long; metaDataLength: int; (padding) bodyLength: long}

_CONTINUATION = 0xFFFFFFFF  # opens every message since Arrow 0.15; older writers start with the length itself
_FILE_PREFIX = 8  # "ARROW1" and two bytes of padding before the first message
_FILE_TAIL = 10  # the footer's int32 length, then "ARROW1"
_UNCOMPRESSED = -1  # a compressed body's buffer that the writer left as is (compressing it did not help)

# Field slots, in the order the .fbs schemas declare them (a union takes two: its type, then its value).
_MESSAGE_HEADER_TYPE, _MESSAGE_HEADER, _MESSAGE_BODY_LENGTH = 1, 2, 3
_DICTIONARY_BATCH, _RECORD_BATCH = 2, 3  # MessageHeader union members
_BATCH_BUFFERS, _BATCH_COMPRESSION = 2, 3  # RecordBatch
_DICTIONARY_DATA = 1  # DictionaryBatch
_FOOTER_DICTIONARIES, _FOOTER_RECORD_BATCHES = 2, 3  # Footer


def ipc_file_decoded_size(data: bytes) -> int:
    """Decoded bytes of every dictionary and record batch that an IPC file's footer lists (what a reader reads)."""
    if len(data) < _FILE_PREFIX + _FILE_TAIL:
        raise FlatBufferError("the file is too short to hold a footer")
    footer_end = len(data) - _FILE_TAIL
    footer_start = footer_end - unpack(_I32, data, footer_end)[0]
    if not _FILE_PREFIX <= footer_start < footer_end:
        raise FlatBufferError("the footer's length does not fit in the file")
    footer = Table.root(memoryview(data)[footer_start:footer_end])
    blocks = footer.structs(_FOOTER_DICTIONARIES, _BLOCK) + footer.structs(_FOOTER_RECORD_BATCHES, _BLOCK)
    total = 0
    for offset, _metadata_length, _body_length in blocks:
        message, body_start, body_end = _message_at(data, offset)
        if message is None:
            raise FlatBufferError(f"the footer points at offset {offset}, where no message starts")
        total += _decoded_size(message, data, body_start, body_end)
    return total


def ipc_stream_decoded_size(data: bytes) -> int:
    """Decoded bytes of every batch in an IPC stream, which has no footer: its messages are walked in order."""
    total = position = 0
    while position < len(data):
        message, body_start, position = _message_at(data, position)
        if message is None:  # the end-of-stream marker
            break
        total += _decoded_size(message, data, body_start, position)
    return total


def _message_at(data: bytes, start: int) -> tuple[Table | None, int, int]:
    """The header of the message at `start`, where its body starts and where it ends; None at end of stream."""
    prefix = 8 if unpack(_U32, data, start)[0] == _CONTINUATION else 4
    length = unpack(_I32, data, start + prefix - 4)[0]
    if length == 0:
        return None, start + prefix, start + prefix
    header_end = start + prefix + length
    if length < 0 or header_end > len(data):
        raise FlatBufferError(f"the message at offset {start} declares a {length}-byte header past the end")
    message = Table.root(memoryview(data)[start + prefix : header_end])
    body_end = header_end + message.scalar(_MESSAGE_BODY_LENGTH, _I64)
    if not header_end <= body_end <= len(data):
        raise FlatBufferError(f"the message at offset {start} declares a body past the end of the file")
    return message, header_end, body_end


def _decoded_size(message: Table, data: bytes, body_start: int, body_end: int) -> int:
    """What one message's buffers take once decompressed: 0 for the schema and anything that is not a batch."""
    kind = message.scalar(_MESSAGE_HEADER_TYPE, _U8)
    batch = message.table(_MESSAGE_HEADER)
    if kind == _DICTIONARY_BATCH and batch is not None:
        batch = batch.table(_DICTIONARY_DATA)
    elif kind != _RECORD_BATCH:
        return 0
    if batch is None:
        return 0
    compressed = batch.table(_BATCH_COMPRESSION) is not None
    total = 0
    for offset, length in batch.structs(_BATCH_BUFFERS, _BUFFER):
        start = body_start + offset
        if offset < 0 or length < 0 or start + length > body_end:
            raise FlatBufferError(f"a buffer at body offset {offset} lies outside its message")
        total += _buffer_size(data, start, length) if compressed else length
    return total


def _buffer_size(data: bytes, start: int, length: int) -> int:
    """A compressed body's buffer: its decoded length as written in its first 8 bytes (empty buffers have none)."""
    if length == 0:
        return 0
    if length < _I64.size:
        raise FlatBufferError("a compressed buffer is too short to hold its decoded length")
    declared = unpack(_I64, data, start)[0]
    if declared == _UNCOMPRESSED:
        return length - _I64.size
    if declared < 0:
        raise FlatBufferError(f"a compressed buffer declares a negative length ({declared})")
    return declared
