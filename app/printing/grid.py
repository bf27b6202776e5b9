"""Column geometry of the checklist, drawn as one SVG path per row instead of cell boxes.

Every element costs WeasyPrint style and layout time, and floats, flex and table
cells cost the most (measured: a 40-row checklist laid out in 0.16 s CPU this way
against 0.95 s with floats). So a row has only its text blocks, absolutely placed,
and a repeating background that draws the rules and tick boxes of one visit line.
Header labels and the SVG come from the same column list, so they always line up.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote

CONTENT_WIDTH = 186.0  # mm: A4 210 mm minus 12 mm margins
VISIT_HEIGHT = 7.6  # mm per visit line
HEADER_HEIGHT = 8.0  # mm: two lines where a group label ("领班检查") heads its columns
BOX = 3.2  # mm


@dataclass(frozen=True)
class Column:
    key: str
    left: float
    width: float
    box: bool = False  # a tick box in each visit line
    group: str | None = None  # columns sharing a label above their own ("领班检查": 合格, 返工)

    @property
    def right(self) -> float:
        return self.left + self.width


def _columns(spec: tuple[tuple[str, float, bool, str | None], ...]) -> tuple[Column, ...]:
    columns, left = [], 0.0
    for key, width, box, group in spec:
        columns.append(Column(key, left, width, box, group))
        left += width
    return tuple(columns)


@dataclass(frozen=True)
class Group:
    key: str
    left: float
    width: float


CHECKLIST_COLUMNS = _columns(
    (
        ("col.no", 7, False, None),
        ("col.task", 64, False, None),
        ("col.frequency", 24, False, None),
        ("col.planned", 11, False, None),
        ("col.done", 9, True, None),
        ("col.time", 16, False, None),
        ("col.initials", 16, False, None),
        ("pass", 10, True, "col.inspection"),
        ("redo", 10, True, "col.inspection"),
        ("col.remark", CONTENT_WIDTH - 167, False, None),
    )
)
FIRST_VISIT_COLUMN = 3  # columns from here on repeat per visit line


def _groups(columns: tuple[Column, ...]) -> tuple[Group, ...]:
    spans: dict[str, list[Column]] = {}
    for column in columns:
        if column.group:
            spans.setdefault(column.group, []).append(column)
    return tuple(
        Group(key, members[0].left, members[-1].right - members[0].left)
        for key, members in spans.items()
    )


CHECKLIST_GROUPS = _groups(CHECKLIST_COLUMNS)


def _svg_uri(height: float, path: str, stroke: str = "#000") -> str:
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{CONTENT_WIDTH}mm' height='{height}mm'"
        f" viewBox='0 0 {CONTENT_WIDTH} {height}' preserveAspectRatio='none'>"
        f"<path d='{path}' stroke='{stroke}' stroke-width='0.2' fill='none'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def _rules(height: float) -> str:
    return "".join(f"M{c.left:g} 0V{height:g}" for c in CHECKLIST_COLUMNS[1:])


def visit_background() -> str:
    """One visit line: column rules, the line under the visit columns, the tick boxes."""
    under = f"M{CHECKLIST_COLUMNS[FIRST_VISIT_COLUMN].left:g} {VISIT_HEIGHT:g}H{CONTENT_WIDTH:g}"
    top = (VISIT_HEIGHT - BOX) / 2
    boxes = "".join(
        f"M{c.left + (c.width - BOX) / 2:.2f} {top:.2f}h{BOX:g}v{BOX:g}h-{BOX:g}z"
        for c in CHECKLIST_COLUMNS
        if c.box
    )
    return _svg_uri(VISIT_HEIGHT, _rules(VISIT_HEIGHT) + under + boxes)


def header_background() -> str:
    """Full-height rules, except inside a group: there they start under the group's label."""
    half = HEADER_HEIGHT / 2
    path = ""
    for before, column in pairwise(CHECKLIST_COLUMNS):
        inside = column.group is not None and column.group == before.group
        path += f"M{column.left:g} {half if inside else 0:g}V{HEADER_HEIGHT:g}"
    for group in CHECKLIST_GROUPS:
        path += f"M{group.left:g} {half:g}H{group.left + group.width:g}"
    return _svg_uri(HEADER_HEIGHT, path)


def done_left() -> float:
    """Where the tick of a done visit goes (over the "done" box)."""
    done = next(c for c in CHECKLIST_COLUMNS if c.key == "col.done")
    return done.left + (done.width - BOX) / 2


VISIT_BACKGROUND = visit_background()
HEADER_BACKGROUND = header_background()


@dataclass(frozen=True)
class ChecklistGrid:
    """What the checklist template needs to place its text over the drawn grid."""

    columns: tuple[Column, ...] = CHECKLIST_COLUMNS
    groups: tuple[Group, ...] = CHECKLIST_GROUPS
    header_height: float = HEADER_HEIGHT
    visit_height: float = VISIT_HEIGHT
    visit_background: str = VISIT_BACKGROUND
    header_background: str = HEADER_BACKGROUND
    done_left: float = done_left()


CHECKLIST_GRID = ChecklistGrid()
