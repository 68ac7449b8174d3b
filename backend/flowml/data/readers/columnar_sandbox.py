"""Read Parquet and Arrow IPC in the reader sandbox (sandbox.py): decompression bombs meet a memory cap.

columnar.py refuses files whose metadata declares more than MAX_DECOMPRESSED_SIZE_MB; the child's cap, derived from
that same limit, catches what metadata can understate (strings repeated from a dictionary) and any reader that
trusts a crafted size. The magic-number checks run here first, so a mislabelled file costs no child.
"""

from __future__ import annotations

from flowml.data.readers.base import RawTable, ReadRequest
from flowml.data.readers.columnar import IPC_LABEL, PARQUET_LABEL, check_ipc_signature, check_parquet_signature
from flowml.data.readers.sandbox import BASE_HEADROOM_BYTES, Sandboxed, SandboxTask, read_in_sandbox

# Room for the table beyond the sandbox's fixed part: the decoded table and one conversion copy of it (Arrow to
# polars, or the IPC file written back) may both be in memory at the limit.
HEADROOM_PER_DECOMPRESSED_BYTE = 2


def read_parquet(request: ReadRequest) -> RawTable:
    check_parquet_signature(request.path)
    return read_in_sandbox(_sandboxed(SandboxTask.PARQUET_TABLE, PARQUET_LABEL, request), request)


def read_ipc(request: ReadRequest) -> RawTable:
    """Feather v2 / Arrow IPC file, Arrow IPC stream, or legacy Feather v1."""
    check_ipc_signature(request.path)
    return read_in_sandbox(_sandboxed(SandboxTask.IPC_TABLE, IPC_LABEL, request), request)


def _sandboxed(task: SandboxTask, label: str, request: ReadRequest) -> Sandboxed:
    headroom = BASE_HEADROOM_BYTES + HEADROOM_PER_DECOMPRESSED_BYTE * request.limits.max_decompressed_bytes
    crashed = (
        f"could not read this {label}: the reader crashed or ran out of memory on it, so the file is damaged or "
        "larger once decompressed than FlowML allows (MAX_DECOMPRESSED_SIZE_MB)"
    )
    return Sandboxed(task=task, label=label, crashed=crashed, headroom_bytes=headroom)
