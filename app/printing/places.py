"""A site's location tree in memory, so sheets group and sort rows without a query per row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.sites.models import Location

FLOOR_KIND = "floor"


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    name: str
    kind: str
    sort_key: str


class LocationTree:
    """Every location of one site: chains (building → floor → area), paths and subtrees."""

    def __init__(self, site_id: int) -> None:
        rows = db.session.execute(
            select(
                Location.id, Location.parent_id, Location.name, Location.kind, Location.sort_key
            ).where(Location.site_id == site_id)
        )
        self.nodes: dict[int, Node] = {row.id: Node(*row) for row in rows}
        self._children: dict[int | None, list[int]] = {}
        for node in self.nodes.values():
            self._children.setdefault(node.parent_id, []).append(node.id)

    def chain(self, location_id: int | None) -> list[Node]:
        """From the top (usually a building) down to the location; [] when unknown."""
        found: list[Node] = []
        seen: set[int] = set()
        node = self.nodes.get(location_id) if location_id is not None else None
        while node is not None and node.id not in seen:
            seen.add(node.id)
            found.append(node)
            node = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        return list(reversed(found))

    def path(self, location_id: int | None, separator: str = "/") -> str:
        return separator.join(node.name for node in self.chain(location_id))

    def sort_path(self, location_id: int | None) -> tuple[tuple[str, str], ...]:
        return tuple((node.sort_key, node.name) for node in self.chain(location_id))

    def building_and_floor(self, location_id: int | None) -> tuple[Node | None, Node | None]:
        """The top of the chain and the floor it is on (None where the tree has none)."""
        chain = self.chain(location_id)
        if not chain:
            return None, None
        floor = next((node for node in chain[1:] if node.kind == FLOOR_KIND), None)
        return chain[0], floor

    def subtree(self, root_id: int) -> Iterator[int]:
        stack = [root_id]
        while stack:
            node_id = stack.pop()
            yield node_id
            stack.extend(self._children.get(node_id, ()))
