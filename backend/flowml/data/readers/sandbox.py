"""Run a reader in a child process with a memory cap and a time limit, so a hostile file cannot take the server down.

Some parsers trust sizes written inside the file. calamine (Excel) requests gigabytes for a damaged or crafted .xls
and a failed allocation in Rust aborts the whole process, which no `except` can catch (tafia/calamine#550 and #714,
ToucanToco/fastexcel#487); a few KB of Parquet or compressed Arrow decode to gigabytes. So those readers run in
`sandbox_child`, a fresh interpreter that caps its own address space (RLIMIT_AS) before it opens the file; a
child that dies or runs out of time becomes a DataFormatError with the caller's message. Each call costs about
half a second. The table comes back as an Arrow IPC file in a private temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ValidationError

import flowml
from flowml.core.errors import (
    DataFormatError,
    FlowMLError,
    InvalidInputError,
    UnsupportedFormatError,
    UploadTooLargeError,
)
from flowml.data.limits import ReadLimits
from flowml.data.readers.base import RawTable, ReadRequest

CHILD_TIMEOUT_S = 300
# Room every child gets beyond what it uses at start: the libraries' lazy reservations (thread pools, allocator
# arenas) count against an address-space cap long before they hold memory. Each format adds room for its data.
BASE_HEADROOM_BYTES = 4 << 30
# The user errors a child may report, by class name; anything else it reports is a DataFormatError.
ChildError = Literal["DataFormatError", "InvalidInputError", "UnsupportedFormatError", "UploadTooLargeError"]
_ERRORS: dict[ChildError, type[FlowMLError]] = {
    "DataFormatError": DataFormatError,
    "InvalidInputError": InvalidInputError,
    "UnsupportedFormatError": UnsupportedFormatError,
    "UploadTooLargeError": UploadTooLargeError,
}


class SandboxTask(StrEnum):
    """What the child does; `sandbox_child.TASKS` maps each to its in-process reader."""

    EXCEL_SHEETS = "excel_sheets"
    EXCEL_TABLE = "excel_table"
    PARQUET_TABLE = "parquet_table"
    IPC_TABLE = "ipc_table"


class SandboxRequest(BaseModel):
    """One JSON line on the child's stdin."""

    task: SandboxTask
    label: str  # the format as messages name it, e.g. "Excel workbook"
    path: Path
    extension: str
    sheet: str | None = None
    limits: ReadLimits
    out: Path | None = None  # where a table task writes its result, as Arrow IPC
    headroom_bytes: int


class SandboxReply(BaseModel):
    """The last line of the child's stdout."""

    ok: bool
    sheets: list[str] = []
    notes: list[str] = []
    error: ChildError | None = None
    message: str = ""


@dataclass(frozen=True)
class Sandboxed:
    """A format read in the sandbox, and what its user reads when the child dies or runs out of time."""

    task: SandboxTask
    label: str
    crashed: str  # the message for a child that died without replying
    headroom_bytes: int

    def timed_out(self) -> str:
        return f"reading this {self.label} took longer than {CHILD_TIMEOUT_S} s; it may be damaged or too large"


def child_error(exc: FlowMLError) -> ChildError:
    """How the child names a user error to its parent; other FlowMLErrors travel as DataFormatError."""
    return next((name for name, kind in _ERRORS.items() if type(exc) is kind), "DataFormatError")


class SandboxChildError(RuntimeError):
    """What the child printed before it died: chained to the user's error for the logs, never shown to the user."""


def read_in_sandbox(how: Sandboxed, request: ReadRequest) -> RawTable:
    """Run a table task in the child and load the table it wrote."""
    with tempfile.TemporaryDirectory(prefix="flowml-read-") as folder:
        out = Path(folder) / "table.arrow"
        reply = run_in_sandbox(how, request, out=out)
        df = pl.read_ipc(out.read_bytes())
    return RawTable(df, reply.notes)


def run_in_sandbox(how: Sandboxed, request: ReadRequest, out: Path | None = None) -> SandboxReply:
    """Run `how.task` on `request` in a fresh, memory-capped interpreter; raise its user error, if any."""
    job = SandboxRequest(
        task=how.task,
        label=how.label,
        path=request.path.resolve(),
        extension=request.extension,
        sheet=request.sheet,
        limits=request.limits,
        out=out,
        headroom_bytes=how.headroom_bytes,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flowml.data.readers.sandbox_child"],
            input=job.model_dump_json().encode(),
            capture_output=True,
            timeout=CHILD_TIMEOUT_S,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DataFormatError(how.timed_out()) from exc
    reply = _reply(done.stdout)
    if reply is None:
        detail = done.stderr.decode(errors="replace").strip()[-2000:]
        raise DataFormatError(how.crashed) from SandboxChildError(f"exit status {done.returncode}: {detail}")
    if not reply.ok:
        raise _ERRORS[reply.error or "DataFormatError"](reply.message)
    return reply


def _reply(stdout: bytes) -> SandboxReply | None:
    lines = stdout.decode(errors="replace").strip().splitlines()
    if not lines:
        return None
    try:
        return SandboxReply.model_validate_json(lines[-1])
    except ValidationError:
        return None


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # One thread: calamine parses on one anyway, and fewer threads (each with its stack and allocator arena) keep
    # the child's address space small and predictable under its cap.
    env["POLARS_MAX_THREADS"] = "1"
    env["RUST_BACKTRACE"] = "0"
    # The child must import this same flowml, installed or not.
    root = str(Path(flowml.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env
