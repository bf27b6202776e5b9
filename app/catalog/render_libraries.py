"""Text views of the cleaning, greening and patrol libraries for ``rounds catalog show``.

A supervisor choosing a service level needs to see what each level means before a
plan is made from it: the tasks of every kind of area with their frequency per
level (or season), and each patrol route with its checkpoints and rounds.
"""

from collections.abc import Mapping

from app.catalog.model import AreaLibrary, Catalog, Names, PatrolLibrary, Route, Task
from app.catalog.render import INDENT, describe_item, describe_performer, describe_timing


def library_of(catalog: Catalog, key: str) -> AreaLibrary | PatrolLibrary | None:
    """The library called `key` (``cleaning``, ``greening`` or ``patrol``), if loaded."""
    for library in (catalog.cleaning, catalog.greening, catalog.patrol):
        if library is not None and library.key == key:
            return library
    return None


def library_keys(catalog: Catalog) -> list[str]:
    return [
        library.key
        for library in (catalog.cleaning, catalog.greening, catalog.patrol)
        if library is not None
    ]


def _levels(levels: Mapping[int, Names]) -> list[str]:
    return [f"{INDENT}level {level}: {names}" for level, names in levels.items()]


def _task_lines(task: Task, pad: str) -> list[str]:
    lines = [
        f"{pad}{task.key}  {task.names}",
        f"{pad}{INDENT}when: {describe_timing(task)}",
        f"{pad}{INDENT}who: {describe_performer(task)}",
    ]
    lines.extend(f"{pad}{INDENT * 2}{describe_item(item)}" for item in task.items)
    return lines


def area_library_lines(library: AreaLibrary) -> list[str]:
    """What ``rounds catalog show cleaning`` (or ``greening``) prints."""
    lines = [f"{library.key} · {library.names} · version {library.content_version}"]
    if library.notes:
        lines.append(f"{INDENT}{library.notes.zh}")
    lines.append("Service levels:")
    lines.extend(_levels(library.levels))
    for kind, area in library.areas.items():
        lines.append(f"Area {kind}:")
        for task in area.tasks:
            lines.extend(_task_lines(task, INDENT))
    if library.site_tasks:
        lines.append("Site-wide:")
        for task in library.site_tasks:
            lines.extend(_task_lines(task, INDENT))
    if library.sources:
        lines.append("Sources: " + "; ".join(library.sources))
    return lines


def _route_lines(route: Route) -> list[str]:
    pad = INDENT * 2
    order = "varied order" if route.order == "varied" else "fixed order"
    licence = f" · licence {route.licence}" if route.licence else ""
    lines = [
        f"{INDENT}{route.key}  {route.names}",
        f"{pad}{route.shift_pattern.value} shifts · {order} · crew {route.crew}{licence}",
    ]
    for level, rounds in route.rounds.items():
        if rounds.every is not None:
            how = f"every {rounds.every.text}"
        else:
            how = f"{rounds.day or 0} by day, {rounds.night or 0} by night"
        window = f" ({rounds.window.start}–{rounds.window.end})" if rounds.window else ""
        lines.append(f"{pad}level {level}: {how}{window}")
    for checkpoint in route.checkpoints:
        lines.append(
            f"{pad}+{checkpoint.offset_minutes} min  {checkpoint.key}  {checkpoint.names.zh}"
            f"  [{checkpoint.location_kind}]"
        )
    return lines


def patrol_lines(library: PatrolLibrary) -> list[str]:
    """What ``rounds catalog show patrol`` prints."""
    lines = [
        f"{library.key} · {library.names} · version {library.version}",
        f"{INDENT}daytime {library.daytime.start}–{library.daytime.end}",
        "Service levels:",
        *_levels(library.levels),
        "Routes:",
    ]
    for route in library.routes.values():
        lines.extend(_route_lines(route))
    if library.sources:
        lines.append("Sources: " + "; ".join(library.sources))
    return lines


def library_lines(library: AreaLibrary | PatrolLibrary) -> list[str]:
    if isinstance(library, PatrolLibrary):
        return patrol_lines(library)
    return area_library_lines(library)
