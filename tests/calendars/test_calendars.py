"""Working-day calendars in the app: library data, admin overrides and the import command."""

from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.calendars.models import CalendarOverride
from app.calendars.services import import_overrides, site_calendar
from app.extensions import db
from app.sites.models import Site

NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 (example)
2027-10-01 holiday 国庆节
2027-10-02 holiday 国庆节
2027-09-26 workday 国庆调休
2027 complete 国办发明电 example
"""


def _site(code: str = "S1") -> Site:
    site = Site(code=code, name="测试项目", timezone="Asia/Shanghai", service_level=2)
    db.session.add(site)
    db.session.flush()
    return site


def test_2026_make_up_saturdays_are_working_days_and_national_day_is_not(app: Flask) -> None:
    calendar = site_calendar(None)
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        assert calendar.is_workday(date.fromisoformat(day)), day
    assert not calendar.is_workday(date(2026, 10, 1))
    assert not calendar.is_provisional(2026)


def test_a_year_without_official_data_is_provisional_until_its_notice_is_imported(
    app: Flask,
) -> None:
    assert site_calendar(None).is_provisional(2027)
    import_overrides(NOTICE_2027, None)
    calendar = site_calendar(None)
    assert not calendar.is_provisional(2027)
    assert calendar.is_workday(date(2027, 9, 26))  # a Sunday made a working day
    assert calendar.holiday_name(date(2027, 10, 1)) == "国庆节"


def test_a_site_override_wins_over_the_company_wide_one(app: Flask) -> None:
    site = _site()
    import_overrides("2026-06-01 holiday 公司活动日\n", None)
    import_overrides("2026-06-01 workday 本项目照常上班\n", site)
    assert site_calendar(site).is_workday(date(2026, 6, 1))
    assert not site_calendar(None).is_workday(date(2026, 6, 1))


def test_importing_the_same_notice_twice_adds_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    first = runner.invoke(args=["calendar", "import", str(notice)])
    assert first.exit_code == 0, first.output
    assert "3 added" in first.output
    second = runner.invoke(args=["calendar", "import", str(notice)])
    assert "0 added, 0 updated, 3 unchanged" in second.output
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 3


def test_a_bad_line_names_its_number_and_nothing_is_imported(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    notice = tmp_path / "bad.txt"
    notice.write_text("2027-10-01 holiday 国庆节\n2027-02-30 holiday 春节\n", encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(notice)])
    assert result.exit_code != 0
    assert "line 2" in result.output
    assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0


def test_unknown_site_code_is_refused_with_a_one_line_reason(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    notice = tmp_path / "n.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(notice), "--site", "NOPE"])
    assert result.exit_code != 0
    assert "no site with code 'NOPE'" in result.output


def test_the_calendar_page_flags_a_provisional_year(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    client = login("supervisor")
    page = client.get("/calendar/?year=2027").get_data(as_text=True)
    assert "Provisional" in page or "暂定" in page
    page_2026 = client.get("/calendar/?year=2026").get_data(as_text=True)
    assert "Provisional" not in page_2026 and "暂定" not in page_2026
