"""Read Excel in a child process, so a damaged workbook cannot take the server down with it.

calamine (behind fastexcel and polars.read_excel) trusts sizes written inside the file: a damaged or crafted .xls
(or an .xlsx with a cell in the last column) makes it request gigabytes, and a failed allocation in Rust aborts the
whole process, which no `except` can catch (tafia/calamine#550 and #714, ToucanToco/fastexcel#487). In our tests
about one damaged .xls in ten did this. So each Excel call runs `excel_child` in a fresh interpreter with a memory
cap and a time limit, and a dead child becomes a DataFormatError. It costs about half a second per workbook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

import flowml
from flowml.core.errors import DataFormatError, FlowMLError, InvalidInputError, UnsupportedFormatError
from flowml.data.archive import check_zip_archive
from flowml.data.content import read_head
from flowml.data.limits import ReadLimits
from flowml.data.readers.base import RawTable, ReadRequest
from flowml.data.readers.excel import ZIP_SIGNATURE, check_signature

CHILD_TIMEOUT_S = 300
_ERRORS: dict[str, type[FlowMLError]] = {
    "DataFormatError": DataFormatError,
    "InvalidInputError": InvalidInputError,
    "UnsupportedFormatError": UnsupportedFormatError,
}
_CRASHED = (
    "could not read this Excel workbook: the reader crashed on it, so the file is probably damaged; "
    "try opening it in a spreadsheet program and saving it again as .xlsx or CSV"
)


class ExcelChildError(RuntimeError):
    """What the child printed before it died: chained to the user's error for the logs, never shown to the user."""


def list_excel_sheets(path: Path, limits: ReadLimits | None = None) -> list[str]:
    """The workbook's sheet names in workbook order."""
    _check_container(path, limits or ReadLimits())
    reply = _run_child({"command": "sheets", "path": str(path.resolve())})
    return [str(name) for name in reply["sheets"]]


def read_excel(request: ReadRequest) -> RawTable:
    _check_container(request.path, request.limits)  # cheap refusals stay in this process
    with tempfile.TemporaryDirectory(prefix="flowml-excel-") as folder:
        out = Path(folder) / "sheet.arrow"
        reply = _run_child(
            {"command": "read", "path": str(request.path.resolve()), "out": str(out), "sheet": request.sheet}
        )
        df = pl.read_ipc(out.read_bytes())
    return RawTable(df, [str(note) for note in reply["notes"]])


def _check_container(path: Path, limits: ReadLimits) -> None:
    """The signature, then for .xlsx (a zip) the decompression-bomb checks, before the child inflates anything."""
    check_signature(path)
    if read_head(path, len(ZIP_SIGNATURE)) == ZIP_SIGNATURE:
        check_zip_archive(path, limits, "Excel workbook")


def _run_child(request: dict[str, Any]) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flowml.data.readers.excel_child"],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=CHILD_TIMEOUT_S,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DataFormatError(
            f"reading this Excel workbook took longer than {CHILD_TIMEOUT_S} s; it may be damaged or too large"
        ) from exc
    reply = _reply(done.stdout)
    if reply is None:
        detail = done.stderr.decode(errors="replace").strip()[-2000:]
        raise DataFormatError(_CRASHED) from ExcelChildError(f"exit status {done.returncode}: {detail}")
    if not reply.get("ok"):
        raise _ERRORS.get(str(reply.get("error")), DataFormatError)(str(reply.get("message")))
    return reply


def _reply(stdout: bytes) -> dict[str, Any] | None:
    lines = stdout.decode(errors="replace").strip().splitlines()
    try:
        reply = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None
    return reply if isinstance(reply, dict) else None


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # One thread: calamine parses on one anyway, and fewer threads keep the child's address space small and steady.
    env["POLARS_MAX_THREADS"] = "1"
    env["RUST_BACKTRACE"] = "0"
    # The child must import this same flowml, installed or not.
    root = str(Path(flowml.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env
