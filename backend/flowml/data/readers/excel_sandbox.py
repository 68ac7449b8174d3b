"""Read Excel in the reader sandbox (sandbox.py), so a damaged workbook cannot take the server down with it.

calamine (behind fastexcel and polars.read_excel) trusts sizes written inside the file: a damaged or crafted .xls
(or an .xlsx with a cell in the last column) makes it request gigabytes and abort. In our tests about one damaged
.xls in ten did this. The cheap container checks (signature, zip-bomb limits) run here first.
"""

from __future__ import annotations

from pathlib import Path

from flowml.data.archive import check_zip_archive
from flowml.data.content import read_head
from flowml.data.limits import ReadLimits
from flowml.data.readers.base import RawTable, ReadRequest
from flowml.data.readers.excel import ZIP_SIGNATURE, check_signature
from flowml.data.readers.sandbox import BASE_HEADROOM_BYTES, Sandboxed, SandboxTask, read_in_sandbox, run_in_sandbox

# Room for the cells: a multiple of the (compressed) file size, on top of the sandbox's fixed part.
HEADROOM_PER_FILE_BYTE = 64
_LABEL = "Excel workbook"
_CRASHED = (
    "could not read this Excel workbook: the reader crashed on it, so the file is probably damaged; "
    "try opening it in a spreadsheet program and saving it again as .xlsx or CSV"
)


def list_excel_sheets(path: Path, limits: ReadLimits | None = None) -> list[str]:
    """The workbook's sheet names in workbook order."""
    request = ReadRequest(path=path, extension=".xlsx", limits=limits or ReadLimits())
    _check_container(request)
    return run_in_sandbox(_sandboxed(SandboxTask.EXCEL_SHEETS, path), request).sheets


def read_excel(request: ReadRequest) -> RawTable:
    _check_container(request)  # cheap refusals stay in this process
    return read_in_sandbox(_sandboxed(SandboxTask.EXCEL_TABLE, request.path), request)


def _sandboxed(task: SandboxTask, path: Path) -> Sandboxed:
    headroom = BASE_HEADROOM_BYTES + HEADROOM_PER_FILE_BYTE * path.stat().st_size
    return Sandboxed(task=task, label=_LABEL, crashed=_CRASHED, headroom_bytes=headroom)


def _check_container(request: ReadRequest) -> None:
    """The signature, then for .xlsx (a zip) the decompression-bomb checks, before the child inflates anything."""
    check_signature(request.path)
    if read_head(request.path, len(ZIP_SIGNATURE)) == ZIP_SIGNATURE:
        check_zip_archive(request.path, request.limits, _LABEL)
