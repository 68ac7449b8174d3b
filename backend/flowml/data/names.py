"""What a column's name says about it: id-like, code-like, and its words (for target keywords)."""

from __future__ import annotations

import re

_ID_NAME = re.compile(
    r"(?:^|[_\s.\-])(?:id|uuid|guid|key|pk|index|idx)$|^(?:id|uuid|guid)(?:[_\s.\-]|$)|^unnamed:?\s*\d+$",
    re.IGNORECASE,
)
_CAMEL_ID_NAME = re.compile(r"[a-z0-9](?:Id|ID)$")  # customerID, PassengerId (but not "paid" or "valid")
# Words a name ends with when its integers are codes for categories: pclass, MSSubClass, zip_code, room_type.
_CODE_WORDS = ("code", "class", "type", "category", "group", "kind", "level")
# Words: lowercase runs, Capitalised runs, ACRONYMS and digits, so "MSSubClass" -> MS, Sub, Class.
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def name_tokens(name: str) -> list[str]:
    """Lowercased words of a column name: "SalePrice" -> ["sale", "price"], "income >50K" -> ["income", "50", "k"]."""
    return [word.lower() for word in _WORD.findall(name)]


def is_id_like_name(name: str) -> bool:
    stripped = name.strip()
    return bool(_ID_NAME.search(stripped) or _CAMEL_ID_NAME.search(stripped))


def is_code_like_name(name: str) -> bool:
    """True when the name's last word ends with a code word ("pclass", "MSSubClass"; not "locCodeAndComment")."""
    words = [word for word in name_tokens(name) if not word.isdigit()]
    return bool(words) and words[-1].endswith(_CODE_WORDS)
