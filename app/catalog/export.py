"""Plain-JSON view of catalog objects, and the content hash derived from it.

The same conversion feeds ``rounds catalog show --json`` and the per-type
content version, so what a plan remembers is exactly what a user can inspect.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

HASH_LENGTH = 8


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, mappings and tuples as JSON-ready dicts, strings and lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(entry) for key, entry in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(entry) for entry in value]
    return value


def content_hash(value: Any) -> str:
    """A short, stable fingerprint of catalog content (order of keys does not matter)."""
    canonical = json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HASH_LENGTH]
