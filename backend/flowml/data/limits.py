"""How much a file may make the reader do: columns, bytes once inflated, compression ratio, YAML expansion.

A file of a few hundred KB can inflate to gigabytes (a zip or xlsx "bomb", a YAML "billion laughs"), and a file
within the upload limit can still hold more columns than anything downstream handles. Each reader checks these
before it does the expensive part. The server builds them from its settings; the CLI and workers use the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from flowml.core.errors import UploadTooLargeError
from flowml.core.settings import Settings

# The defaults are the settings' own (MAX_UPLOAD_COLUMNS, MAX_DECOMPRESSED_SIZE_MB, MAX_COMPRESSION_RATIO), so the
# CLI and the server agree. Real workbooks inflate about 5-30x (50x for very repetitive sheets); deflate cannot go
# past about 1030:1, which only padding reaches.
DEFAULT_MAX_COLUMNS: int = Settings.model_fields["MAX_UPLOAD_COLUMNS"].default
DEFAULT_MAX_DECOMPRESSED_MB: float = Settings.model_fields["MAX_DECOMPRESSED_SIZE_MB"].default
DEFAULT_MAX_COMPRESSION_RATIO: float = Settings.model_fields["MAX_COMPRESSION_RATIO"].default
# Below this inflated size a member's ratio is not judged: a tiny part can be all padding and still harmless.
RATIO_FLOOR_BYTES = 1 << 20
# An .xlsx has a few dozen parts; thousands mean a crafted archive (and each costs a directory entry to check).
MAX_ARCHIVE_MEMBERS = 10_000
# Values a YAML document may hold once its aliases are expanded: more than any table we accept could need
# (MAX_COLUMNS x a few thousand rows), far less than a billion-laughs document asks for.
MAX_YAML_EXPANDED_NODES = 5_000_000


@dataclass(frozen=True)
class ReadLimits:
    max_columns: int = DEFAULT_MAX_COLUMNS
    max_decompressed_bytes: int = int(DEFAULT_MAX_DECOMPRESSED_MB * 2**20)
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO
    max_yaml_nodes: int = MAX_YAML_EXPANDED_NODES

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(
            max_columns=settings.MAX_UPLOAD_COLUMNS,
            max_decompressed_bytes=int(settings.MAX_DECOMPRESSED_SIZE_MB * 2**20),
            max_compression_ratio=settings.MAX_COMPRESSION_RATIO,
        )


def megabytes(size: int) -> str:
    """A byte count as users read it: "300 MB"."""
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 2**10:,.0f} KB"


def too_large_once_decompressed(label: str, detail: str, limits: ReadLimits) -> UploadTooLargeError:
    """The one refusal for every format that inflates past MAX_DECOMPRESSED_SIZE_MB; `detail` says by how much."""
    return UploadTooLargeError(
        f"this {label} is too large once decompressed: {detail}; the limit is "
        f"{megabytes(limits.max_decompressed_bytes)} (MAX_DECOMPRESSED_SIZE_MB)"
    )


def check_decoded_size(estimate: int, limits: ReadLimits, label: str) -> None:
    """Refuse a file whose table would take more than MAX_DECOMPRESSED_SIZE_MB in memory, before it is decoded."""
    if estimate > limits.max_decompressed_bytes:
        raise too_large_once_decompressed(label, f"it expands to about {megabytes(estimate)} in memory", limits)
