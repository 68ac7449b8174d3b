"""Child-process entry point of the reader sandbox: `python -m flowml.data.readers.sandbox_child`.

Reads one `SandboxRequest` as JSON on stdin, caps its own memory, runs the in-process reader for the task, writes a
table (if any) as Arrow IPC to `out`, and prints one `SandboxReply` line on stdout. A user error comes back as its
class name and message; any other exception as a DataFormatError naming the format.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from flowml.core.errors import FlowMLError
from flowml.data.readers.base import Reader, ReadRequest, short_reason
from flowml.data.readers.columnar import read_ipc_in_process, read_parquet_in_process
from flowml.data.readers.excel import list_sheets_in_process, read_sheet_in_process
from flowml.data.readers.sandbox import SandboxReply, SandboxRequest, SandboxTask, child_error


def main() -> int:
    request = SandboxRequest.model_validate_json(sys.stdin.read())
    _limit_memory(request.headroom_bytes)
    try:
        reply = TASKS[request.task](request)
    except FlowMLError as exc:
        reply = SandboxReply(ok=False, error=child_error(exc), message=exc.message)
    except BaseException as exc:  # pyo3 panics and MemoryError included: reported to the parent, which decides
        reason = short_reason(exc, request.path)
        reply = SandboxReply(
            ok=False, error="DataFormatError", message=f"could not read this {request.label}: {reason}"
        )
    sys.stdout.write(reply.model_dump_json() + "\n")
    return 0


def _sheets(request: SandboxRequest) -> SandboxReply:
    return SandboxReply(ok=True, sheets=list_sheets_in_process(request.path))


def _table(reader: Reader) -> Callable[[SandboxRequest], SandboxReply]:
    def run(request: SandboxRequest) -> SandboxReply:
        if request.out is None:
            raise ValueError("a table task needs `out`")
        raw = reader(
            ReadRequest(path=request.path, extension=request.extension, sheet=request.sheet, limits=request.limits)
        )
        raw.df.write_ipc(request.out)
        return SandboxReply(ok=True, notes=raw.notes)

    return run


TASKS: dict[SandboxTask, Callable[[SandboxRequest], SandboxReply]] = {
    SandboxTask.EXCEL_SHEETS: _sheets,
    SandboxTask.EXCEL_TABLE: _table(read_sheet_in_process),
    SandboxTask.PARQUET_TABLE: _table(read_parquet_in_process),
    SandboxTask.IPC_TABLE: _table(read_ipc_in_process),
}


def _limit_memory(headroom: int) -> None:
    """Cap the address space at what the child uses now plus `headroom`, so an absurd allocation read from a hostile
    file fails here instead of eating the machine's memory.

    Only where both `resource` and /proc exist (Linux); elsewhere the child still shields the parent from an abort.
    """
    try:
        import resource
    except ImportError:
        return
    current = _virtual_size_bytes()
    if current is None:
        return
    limit = current + headroom
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _virtual_size_bytes() -> int | None:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return None


if __name__ == "__main__":
    raise SystemExit(main())
