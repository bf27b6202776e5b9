"""Why an occurrence differs from its rule: structured reasons a supervisor can read.

Every occurrence that was moved, skipped, merged or reassigned carries one or more
`Reason` values. They are plain data (a stable `code` plus JSON-able `params`) so the
app can store them in a JSON column, and `render("zh" | "en")` turns them into a
sentence without needing the engine again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

JsonScalar = str | int | float | bool | None
Locale = Literal["zh", "en"]


class ReasonCode(StrEnum):
    """Stable machine keys; the app may store and filter on them."""

    HOLIDAY_MOVED = "holiday_moved"
    HOLIDAY_SKIPPED = "holiday_skipped"
    NO_WORKDAY_FOUND = "no_workday_found"
    CEILING_MOVED_EARLIER = "ceiling_moved_earlier"
    CEILING_OVER_HOLIDAY = "ceiling_over_holiday"
    CEILING_KEPT_SKIPPED = "ceiling_kept_skipped"
    CEILING_EXTRA_VISIT = "ceiling_extra_visit"
    TIER_MERGED = "tier_merged"
    TIER_CARRIED = "tier_carried"
    TIER_DONE_ELSEWHERE = "tier_done_elsewhere"
    TIER_MADE_UP = "tier_made_up"
    SAME_DAY_MERGED = "same_day_merged"
    REASSIGNED = "reassigned"
    UNASSIGNED = "unassigned"
    MONTH_END_CLAMPED = "month_end_clamped"
    SEASON_ANCHORED = "season_anchored"
    PERIOD_KEPT = "period_kept"
    SEASON_KEPT = "season_kept"
    OUTAGE_STAGGERED = "outage_staggered"
    OUTAGE_UNRESOLVED = "outage_unresolved"
    FIRST_VISIT_MOVED = "first_visit_moved"


@dataclass(frozen=True, slots=True)
class Reason:
    """One explanation; `param_items` is a sorted tuple so reasons stay hashable."""

    code: ReasonCode
    param_items: tuple[tuple[str, JsonScalar], ...] = ()

    @classmethod
    def of(cls, code: ReasonCode, **params: JsonScalar) -> Reason:
        return cls(code, tuple(sorted(params.items())))

    @property
    def params(self) -> dict[str, JsonScalar]:
        return dict(self.param_items)

    def to_json(self) -> dict[str, object]:
        """The shape the app stores: {"code": ..., "params": {...}}."""
        return {"code": self.code.value, "params": self.params}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Reason:
        params = data.get("params") or {}
        assert isinstance(params, Mapping)
        return cls.of(ReasonCode(str(data["code"])), **params)

    def render(self, locale: Locale = "zh") -> str:
        template = _TEMPLATES[self.code]
        return template(self.params, locale)


# --- wording -----------------------------------------------------------------------------

_CAUSES: dict[str, tuple[str, str]] = {
    "off_duty": ("不在班", "is not on duty"),
    "on_leave": ("请假", "is on leave"),
    "no_licence": ("无所需证书", "holds no required licence"),
    "licence_expired": ("证书已过期", "has an expired licence"),
    "no_candidates": ("无候选人员", "no staff are listed"),
    "nobody_on_duty": ("无在班人员", "nobody is on duty"),
    "rebalanced": ("因班组工作量平衡让出", "gave it up to even out the pool's work"),
    "replanned": ("因计划重排让出", "gave it up when the plan was re-planned"),
    "nobody_qualified_on_duty": (
        "无持证在班人员",
        "nobody on duty holds the required licence",
    ),
}


def _label(params: Mapping[str, JsonScalar], prefix: str, locale: Locale) -> str:
    """A date with its day label, e.g. "2026-10-01 (National Day)".

    Chinese text needs no space after a closing "）" but does after a bare date, so
    the zh form carries its own trailing separator and zh templates add none.
    """
    day = params[prefix]
    label = params.get(f"{prefix}_label_{locale}")
    if locale == "zh":
        return f"{day}（{label}）" if label else f"{day} "
    return f"{day} ({label})" if label else str(day)


def _cause(params: Mapping[str, JsonScalar], locale: Locale) -> str:
    zh, en = _CAUSES.get(str(params.get("cause")), (str(params.get("cause")),) * 2)
    return zh if locale == "zh" else en


def _tier_name(params: Mapping[str, JsonScalar], locale: Locale) -> str:
    return str(params.get(f"tier_{locale}") or params.get("tier"))


def _holiday_moved(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    later = str(p["to"]) > str(p["from"])
    if locale == "zh":
        verb = "顺延至" if later else "提前至"
        return f"由 {_label(p, 'from', locale)}{verb} {p['to']}：非工作日"
    return f"moved from {_label(p, 'from', locale)} to {p['to']}: not a working day"


def _holiday_skipped(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"{_label(p, 'from', locale)}非工作日，本次取消"
    return f"skipped: {_label(p, 'from', locale)} is not a working day"


def _no_workday(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"{_label(p, 'from', locale)}前后 {p['searched_days']} 天内无工作日，保持原日期"
    return f"kept on {_label(p, 'from', locale)}: no working day within {p['searched_days']} days"


def _ceiling_earlier(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return (
            f"由 {_label(p, 'from', locale)}提前至 {p['to']}：{p['ceiling_days']} 天上限不允许更晚"
        )
    return (
        f"moved from {_label(p, 'from', locale)} to {p['to']}; "
        f"the {p['ceiling_days']}-day ceiling forbids a later date"
    )


def _ceiling_over_holiday(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return (
            f"安排在 {_label(p, 'to', locale).rstrip()}：{p['ceiling_days']} 天上限内没有工作日，"
            "上限优先于节假日规则"
        )
    return (
        f"kept on {_label(p, 'to', locale)} although it is not a working day: no working "
        f"day fits the {p['ceiling_days']}-day ceiling, which wins over the holiday rule"
    )


def _ceiling_kept_skipped(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return (
            f"原定 {_label(p, 'from', locale)}本应取消，但为满足 {p['ceiling_days']} 天上限"
            f"改在 {p['to']} 进行"
        )
    return (
        f"the visit of {_label(p, 'from', locale)} would have been dropped; "
        f"it is kept on {p['to']} so the {p['ceiling_days']}-day ceiling holds"
    )


def _ceiling_extra(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"加排一次：距上次 {p['previous']} 已到 {p['ceiling_days']} 天上限"
    return (
        f"extra visit: the next planned one would be more than {p['ceiling_days']} days "
        f"after {p['previous']}"
    )


def _tier_merged(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"{_tier_name(p, locale)}（应于 {p['tier_slot']}）并入本次，只上门一次"
    return (
        f"{_tier_name(p, locale)} visit due {p['tier_slot']} merged into this one: "
        "one visit, not two"
    )


def _tier_carried(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"{p['tier_slot']} 那次未进行，其{_tier_name(p, locale)}项目并入本次"
    return (
        f"the visit of {p['tier_slot']} was dropped; its {_tier_name(p, locale)} items "
        "are done in this one"
    )


def _tier_done_elsewhere(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"{_tier_name(p, locale)}项目已于 {p['done_on']} 完成，本次不再重复"
    return f"its {_tier_name(p, locale)} items were done on {p['done_on']}; not repeated here"


def _tier_made_up(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return (
            f"由 {_label(p, 'from', locale)}提前至 {p['to']}：补做 {p['tier_slot']} "
            f"未进行的{_tier_name(p, locale)}项目"
        )
    return (
        f"moved from {_label(p, 'from', locale)} to {p['to']} to make up the "
        f"{_tier_name(p, locale)} items of the missed visit of {p['tier_slot']}"
    )


def _same_day(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"调整后与 {p['kept_slot']} 那次落在同一时间，合并为一次"
    return f"after the move it would coincide with the visit of {p['kept_slot']}; merged into it"


def _reassigned(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"改派 {p['to']}：{p['from']} {_cause(p, locale)}"
    return f"reassigned to {p['to']}: {p['from']} {_cause(p, locale)}"


def _unassigned(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"未能派工：{_cause(p, locale)}"
    return f"unassigned: {_cause(p, locale)}"


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _month_end(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    _, month, day = (int(part) for part in str(p["to"]).split("-"))
    if locale == "zh":
        return f"本月没有 {p['day']} 日，改在月末 {month}月{day}日"
    return f"clamped to {day} {_MONTHS_EN[month - 1]}: the month has no day {p['day']}"


def _season_anchored(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    label = p.get(f"label_{locale}")
    if locale == "zh":
        named = f"（{label}）" if label else " "
        return f"按季节窗口 {p['window']}{named}安排，每年在窗口内进行"
    named = f" ({label})" if label else ""
    return f"follows the season window {p['window']}{named}: done inside it every year"


_PERIODS = {"iso_week": ("本周", "its week"), "month": ("本月", "its month")}


def _period_kept(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    zh, en = _PERIODS.get(str(p["period"]), (str(p["period"]),) * 2)
    if p["to"] == p["from"]:
        if locale == "zh":
            return (
                f"{_label(p, 'from', locale)}所在{zh[1:]}无工作日，仍按期进行："
                f"法定频次要求{zh}内必须完成一次"
            )
        return (
            f"kept on {_label(p, 'from', locale)} although {en} has no working day: "
            f"the statutory frequency needs a visit in {en}"
        )
    if locale == "zh":
        return f"由 {_label(p, 'from', locale)}改在 {p['to']}：法定频次要求{zh}内必须完成一次"
    return (
        f"moved from {_label(p, 'from', locale)} to {p['to']}: "
        f"the statutory frequency needs a visit in {en}"
    )


def _season_kept(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    window = p["window"]
    if p["to"] == p["from"]:
        if locale == "zh":
            return f"{_label(p, 'from', locale)}仍按期进行：季节窗口 {window} 内无其他工作日可安排"
        return f"kept on {_label(p, 'from', locale)}: the season {window} has no working day left"
    if locale == "zh":
        return f"由 {_label(p, 'from', locale)}改在 {p['to']}：季节窗口 {window} 内至少进行一次"
    return (
        f"moved from {_label(p, 'from', locale)} to {p['to']}: "
        f"the season {window} needs at least one visit"
    )


_OUTAGE_KINDS = {"lift": ("停梯", "lift"), "power": ("停电", "power"), "water": ("停水", "water")}


def _outage_kind(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    zh, en = _OUTAGE_KINDS.get(str(p["kind"]), (str(p["kind"]),) * 2)
    return zh if locale == "zh" else en


def _outage_staggered(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    start, end = str(p["from"]).replace("T", " ")[:16], str(p["to"]).replace("T", " ")[:16]
    if locale == "zh":
        return f"由 {start} 错开至 {end}：避免 {p['building']} 同时{_outage_kind(p, locale)}"
    return (
        f"staggered from {start} to {end} so {p['building']} keeps its "
        f"{_outage_kind(p, locale)} service"
    )


def _outage_unresolved(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    at = str(p["at"]).replace("T", " ")[:16]
    if locale == "zh":
        return (
            f"{at} 与 {p['building']} 其他{_outage_kind(p, locale)}作业重叠，"
            "窗口内无法错开，请人工安排"
        )
    return (
        f"{at} overlaps another {_outage_kind(p, locale)} outage in {p['building']} and "
        "cannot be staggered within its window: arrange it by hand"
    )


def _first_visit_moved(p: Mapping[str, JsonScalar], locale: Locale) -> str:
    if locale == "zh":
        return f"计划于 {p['applied']} 建立，已过当天 {p['time']}，首次改在 {p['to']}"
    return (
        f"the plan was set up at {p['applied']}, after that day's {p['time']}: "
        f"the first visit is on {p['to']}"
    )


_TEMPLATES: dict[ReasonCode, Callable[[Mapping[str, JsonScalar], Locale], str]] = {
    ReasonCode.HOLIDAY_MOVED: _holiday_moved,
    ReasonCode.HOLIDAY_SKIPPED: _holiday_skipped,
    ReasonCode.NO_WORKDAY_FOUND: _no_workday,
    ReasonCode.CEILING_MOVED_EARLIER: _ceiling_earlier,
    ReasonCode.CEILING_OVER_HOLIDAY: _ceiling_over_holiday,
    ReasonCode.CEILING_KEPT_SKIPPED: _ceiling_kept_skipped,
    ReasonCode.CEILING_EXTRA_VISIT: _ceiling_extra,
    ReasonCode.TIER_MERGED: _tier_merged,
    ReasonCode.TIER_CARRIED: _tier_carried,
    ReasonCode.TIER_DONE_ELSEWHERE: _tier_done_elsewhere,
    ReasonCode.TIER_MADE_UP: _tier_made_up,
    ReasonCode.SAME_DAY_MERGED: _same_day,
    ReasonCode.REASSIGNED: _reassigned,
    ReasonCode.UNASSIGNED: _unassigned,
    ReasonCode.MONTH_END_CLAMPED: _month_end,
    ReasonCode.SEASON_ANCHORED: _season_anchored,
    ReasonCode.PERIOD_KEPT: _period_kept,
    ReasonCode.SEASON_KEPT: _season_kept,
    ReasonCode.OUTAGE_STAGGERED: _outage_staggered,
    ReasonCode.OUTAGE_UNRESOLVED: _outage_unresolved,
    ReasonCode.FIRST_VISIT_MOVED: _first_visit_moved,
}
