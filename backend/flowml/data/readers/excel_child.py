"""Child-process entry point for reading Excel: `python -m flowml.data.readers.excel_child`.

Reads one JSON request on stdin ({"command": "sheets" | "read", "path", "out", "sheet"}), caps its own memory,
runs the in-process reader, writes the table as Arrow IPC to `out`, and prints one JSON reply line on stdout:
{"ok": true, "sheets": [...], "notes": [...]} or {"ok": false, "error": "<FlowMLError subclass>", "message": ...}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from flowml.core.errors import FlowMLError
from flowml.data.readers.base import ReadRequest, short_reason
from flowml.data.readers.excel import list_sheets_in_process, read_sheet_in_process

# Room for the reader beyond what the child already uses: a fixed part for the libraries' lazy reservations
# (thread pools, allocator arenas) plus a multiple of the (compressed) file size for the cells themselves.
HEADROOM_BYTES = 4 << 30
HEADROOM_PER_FILE_BYTE = 64


def main() -> int:
    request = json.loads(sys.stdin.read())
    path = Path(request["path"])
    _limit_memory(path.stat().st_size)
    try:
        reply = _run(request, path)
    except FlowMLError as exc:
        reply = {"ok": False, "error": type(exc).__name__, "message": exc.message}
    except BaseException as exc:  # pyo3 panics included: reported to the parent, which decides
        reply = {
            "ok": False,
            "error": "DataFormatError",
            "message": f"could not read this Excel workbook: {short_reason(exc, path)}",
        }
    sys.stdout.write(json.dumps(reply) + "\n")
    return 0


def _run(request: dict[str, Any], path: Path) -> dict[str, Any]:
    if request["command"] == "sheets":
        return {"ok": True, "sheets": list_sheets_in_process(path), "notes": []}
    raw = read_sheet_in_process(ReadRequest(path=path, extension=".xlsx", sheet=request.get("sheet")))
    raw.df.write_ipc(request["out"])
    return {"ok": True, "sheets": [], "notes": raw.notes}


def _limit_memory(file_size: int) -> None:
    """Cap the address space, so an absurd allocation read from a damaged file fails here instead of eating RAM.

    Only where both `resource` and /proc exist (Linux); elsewhere the child still shields the parent from an abort.
    """
    try:
        import resource
    except ImportError:
        return
    current = _virtual_size_bytes()
    if current is None:
        return
    limit = current + HEADROOM_BYTES + HEADROOM_PER_FILE_BYTE * file_size
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
