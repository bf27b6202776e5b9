"""Trades (工种): who does a piece of work, and which trades each role may lead.

A plan, work order or paper sheet belongs to one trade, derived from what is already
stored (its kind, its asset's category, its team's kind), so no row needs a new column
and a plan moved to another team moves trade with it. A lead edits and signs off only
their own trades; admins and engineering supervisors lead them all. Statutory work
(法定检验、特种设备维保) is further limited by who the catalog says performs it.
"""

from __future__ import annotations

TRADES: dict[str, tuple[str, str]] = {
    "engineering": ("工程", "Engineering"),
    "elevator": ("电梯（维保单位）", "Elevator contractor"),
    "cleaning": ("保洁", "Cleaning"),
    "greening": ("绿化", "Greening"),
    "security": ("秩序维护", "Security"),
    "customer_service": ("客服", "Customer service"),
}
ENGINEERING = "engineering"

_ALL_TRADES = frozenset(TRADES)
ROLE_TRADES: dict[str, frozenset[str]] = {
    "admin": _ALL_TRADES,
    "supervisor": _ALL_TRADES,
    "cleaning_lead": frozenset({"cleaning", "greening"}),
    "security_lead": frozenset({"security"}),
    "customer_service": frozenset({"customer_service"}),
}
"""The trades each role leads; roles not listed (technician, cleaner, viewer) lead none."""

_KIND_TRADES = {"cleaning": "cleaning", "greening": "greening", "patrol": "security"}
_CATEGORY_TRADES = {"elevator": "elevator"}

STATUTORY_EDITORS: dict[str, frozenset[str]] = {
    "in_house": frozenset({"admin", "supervisor", "cleaning_lead", "security_lead"}),
    "in_house_licensed": frozenset({"admin", "supervisor"}),
    "licensed_contractor": frozenset({"admin", "supervisor"}),
    "authority_inspection": frozenset({"admin", "supervisor"}),
}
"""Who may change a statutory plan, by the catalog's `performer`: licensed in-house
staff, a licensed contractor or the inspection authority answer to the engineering
supervisor, never to a cleaning or security lead. An unknown performer: admins only."""


def trade_of(kind: str | None, category: str | None = None, team_kind: str | None = None) -> str:
    """The trade of a plan or work order from its kind, asset category and team kind.

    Cleaning, greening and patrols are their teams' work; an elevator is the elevator
    contractor's whoever is on the team; otherwise the team decides, and engineering is
    the default (most plans are on plant).
    """
    if kind in _KIND_TRADES:
        return _KIND_TRADES[kind]
    if category in _CATEGORY_TRADES:
        return _CATEGORY_TRADES[category]
    if team_kind in TRADES:
        return team_kind
    return ENGINEERING


def trades_of(roles: frozenset[str]) -> frozenset[str]:
    """Every trade any of these roles leads."""
    led: frozenset[str] = frozenset()
    for role in roles:
        led |= ROLE_TRADES.get(role, frozenset())
    return led


def leads_trade(roles: frozenset[str], trade: str) -> bool:
    return trade in trades_of(roles)


def may_edit_statutory(roles: frozenset[str], performer: str) -> bool:
    """Whether these roles may change statutory work done by `performer`."""
    return bool(roles & STATUTORY_EDITORS.get(performer, frozenset({"admin"})))
