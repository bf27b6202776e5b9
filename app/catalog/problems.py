"""Problems found in catalog files, reported as ``file: key.path: message``.

One line per problem, pointing at the exact key, so that whoever edits a YAML
file can find the mistake without reading a traceback.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """``("types", "fire_pump", "tasks", 2)`` → ``types.fire_pump.tasks[2]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class Problem:
    file: str
    path: str  # a key path, or "line N, column M" for YAML syntax errors
    message: str

    def __str__(self) -> str:
        if not self.path:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.path}: {self.message}"


@dataclass(frozen=True)
class Finding:
    """A problem inside one document, before we know which file it belongs to."""

    path: KeyPath
    message: str


class CatalogError(Exception):
    """The catalog could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
