"""Installed distributions made on the spot: a package's modules and its `.dist-info` (METADATA, entry_points.txt)
in a directory, which is exactly what `pip install --target DIR` leaves there. With DIR on sys.path (or PYTHONPATH),
importlib.metadata finds the entry points as it finds any installed plugin's."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_distribution(
    site: Path,
    name: str,
    version: str,
    *,
    entry_points: Mapping[str, Mapping[str, str]],
    modules: Mapping[str, str],
) -> None:
    """Install distribution `name` `version` into `site`: `modules` maps a module file (e.g. "pkg_a.py") to its
    source; `entry_points` maps a group to {entry point name: "module:attribute"}."""
    site.mkdir(parents=True, exist_ok=True)
    for filename, source in modules.items():
        (site / filename).write_text(source)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    sections = []
    for group, points in entry_points.items():
        lines = "".join(f"{point} = {target}\n" for point, target in points.items())
        sections.append(f"[{group}]\n{lines}")
    (info / "entry_points.txt").write_text("\n".join(sections))
