"""The printed sheets' vocabulary as (zh, en) pairs, and dates in words.

Paper forms must come out in Chinese whatever state the translations are in, and
the CLI prints either language without a request, so the words of a sheet are
data here (like `label(...)` pairs) and each builder picks them for its locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from app.plans.recurrence import WEEKDAY_NAMES
from schedules import WorkCalendar

Locale = Literal["zh", "en"]
LOCALES: tuple[Locale, ...] = ("zh", "en")

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WORDS: dict[str, tuple[str, str]] = {
    # titles
    "checklist.title": ("每日作业检查表", "Daily checklist"),
    "record.title": ("维护保养记录", "Maintenance record"),
    "patrol.title": ("巡更记录表", "Patrol sheet"),
    "roster.title": ("排班表", "Roster"),
    "labels.title": ("设备标识标签", "Asset labels"),
    "history.title": ("设备维护履历", "Equipment history"),
    # header fields
    "site": ("项目", "Site"),
    "team": ("班组", "Team"),
    "worker": ("作业人员", "Worker"),
    "area": ("区域", "Area"),
    "date": ("日期", "Date"),
    "lead": ("领班", "Lead"),
    "shift": ("班次", "Shift"),
    "period": ("期间", "Period"),
    "equipment": ("设备", "Equipment"),
    "category": ("设备类别", "Category"),
    "asset_code": ("设备编号", "Asset code"),
    "location": ("位置", "Location"),
    "model": ("品牌型号", "Make and model"),
    "serial": ("出厂编号", "Serial no."),
    "registration": ("使用登记证号", "Registration certificate no."),
    "registration_code": ("注册代码", "Registration code"),
    "work_order": ("工单号", "Work order"),
    "visit": ("保养类别", "Visit"),
    "planned": ("计划日期", "Planned"),
    "maintainer": ("维保单位", "Maintained by"),
    "legal_basis": ("依据", "Basis"),
    "scan_to_fill": ("扫码在线填报", "Scan to fill in online"),
    "scan_to_open": ("扫码查看设备", "Scan to open"),
    "summary": ("共 {tasks} 项任务，{visits} 次", "{tasks} tasks, {visits} visits"),
    # checklist columns
    "col.no": ("序号", "No."),
    "col.task": ("作业内容 / 位置", "Task / place"),
    "col.frequency": ("频次", "Frequency"),
    "col.planned": ("计划", "Due"),
    "col.done": ("完成", "Done"),
    "col.time": ("完成时间", "Time"),
    "col.initials": ("签名", "Initials"),
    "col.inspection": ("领班检查", "Lead check"),
    "pass": ("合格", "OK"),
    "redo": ("返工", "Redo"),
    "patrols_elsewhere": (
        "另有 {count} 次巡更任务，见巡更记录表。",
        "{count} patrol rounds are on the patrol sheet.",
    ),
    "nothing_due": ("当日无作业任务。", "Nothing is due on this day."),
    "remarks": ("备注 / 异常情况", "Remarks / problems found"),
    "sign.worker": ("作业人员签名", "Worker's signature"),
    "sign.lead": ("领班检查签名", "Lead's signature"),
    "sign.date": ("日期", "Date"),
    "sign.technician": ("维保人员签名", "Technician's signature"),
    "sign.safety_manager": ("使用单位安全管理员签名", "User's safety manager"),
    "sign.guard": ("巡逻人员签名", "Guard's signature"),
    "sign.handover": ("交接班人签名", "Handed over to"),
    "sign.checked_by": ("审核", "Checked by"),
    "sign.made_by": ("制表", "Prepared by"),
    # record
    "col.item": ("检查项目", "Item"),
    "col.standard": ("要求 / 允许范围", "Requirement / range"),
    "col.result": ("结果", "Result"),
    "col.remark": ("备注", "Remark"),
    "result.pass": ("正常", "OK"),
    "result.fail": ("异常", "Fault"),
    "result.na": ("不适用", "N/A"),
    "key_item": ("关键项", "Key item"),
    "photo": ("需拍照", "Photo"),
    "reading_range": ("范围 {range}", "Range {range}"),
    "no_items": (
        "该工单无检查项目，请在备注中记录工作内容。",
        "No checklist: describe the work below.",
    ),
    "filled": ("已完成 {when}", "Completed {when}"),
    "blank": ("空白表（现场填写）", "Blank form (fill in on site)"),
    "work_done": ("工作内容 / 更换零部件", "Work done / parts replaced"),
    "report_no": ("报告编号", "Report no."),
    "crew": ("作业人员", "Crew"),
    # patrol
    "col.round": ("轮次", "Round"),
    "col.exception": ("异常情况", "Exceptions"),
    "route": ("巡更路线", "Route"),
    "checkpoint_time": ("到点时间", "Time at point"),
    "no_rounds": ("本班次无巡更任务。", "No rounds in this shift."),
    # roster
    "col.staff": ("姓名", "Name"),
    "legend": ("图例", "Legend"),
    "makeup": ("调休上班", "Make-up working day"),
    "holiday": ("法定节假日", "Public holiday"),
    "rest_day": ("休", "Rest"),
    "work_day_short": ("班", "Work"),
    "rest_meaning": ("休息", "rest day"),
    "leave_meaning": ("休假 / 请假", "on leave"),
    "unassigned": ("未派工", "Unassigned"),
    "items_count": ("{count}项", "{count}"),
    "work_count_note": ("格内数字为当日派工数", "Numbers: work orders given that day"),
    # history
    "col.due": ("计划日期", "Due"),
    "col.done_at": ("完成时间", "Completed"),
    "col.work": ("工作内容", "Work"),
    "col.by": ("执行人", "By"),
    "col.status": ("状态", "Status"),
    "col.findings": ("异常项", "Findings"),
    "total": ("合计", "Total"),
    "on_time_rate": ("按时完成率", "On time"),
    "no_history": ("期间内无工单。", "No work orders in this period."),
    "printed_at": ("打印时间", "Printed"),
}


def pick(pair: Any, locale: Locale) -> str:
    """The locale's half of a (zh, en) pair, a {"zh", "en"} mapping or anything with .zh/.en."""
    if pair is None:
        return ""
    if isinstance(pair, str):
        return pair
    if hasattr(pair, "zh") and hasattr(pair, "en"):
        zh, en = pair.zh, pair.en
    elif isinstance(pair, Mapping):
        zh, en = pair.get("zh") or pair.get("en") or "", pair.get("en") or ""
    else:
        zh, en = pair[0], pair[1] if len(pair) > 1 else pair[0]
    return (en or zh) if locale == "en" else (zh or en)


class Words:
    """`t("site")` in templates: one sheet's words in one language."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    def __call__(self, key: str, **params: Any) -> str:
        text = pick(WORDS[key], self.locale)
        return text.format(**params) if params else text


def locale_of(code: str | None) -> Locale:
    """ "en", "en_US", "EN" → "en"; anything else is Chinese, the default."""
    return "en" if code and code.lower().startswith("en") else "zh"


def weekday(day: date, locale: Locale) -> str:
    return pick(WEEKDAY_NAMES[day.weekday()], locale)


def day_text(day: date, locale: Locale) -> str:
    """2026年3月3日 周二 / Tue 3 Mar 2026."""
    if locale == "en":
        return f"{weekday(day, locale)[:3]} {day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日 {weekday(day, locale)}"


def day_marker(calendar: WorkCalendar, day: date, locale: Locale) -> str | None:
    """ "春节 · 法定节假日" on a public holiday, "调休上班" on a make-up Saturday, else None."""
    if calendar.is_makeup_workday(day):
        return pick(WORDS["makeup"], locale)
    name = calendar.holiday_name(day, locale)
    if name:
        return f"{name} · {pick(WORDS['holiday'], locale)}"
    return None
