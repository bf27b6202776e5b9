"""A plan's page says which promises it keeps, and the preview which legal date it follows."""

from collections.abc import Callable
from datetime import UTC, date, datetime

from flask.testing import FlaskClient

from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate
from app.sites.models import Site
from app.workorders.models import WorkOrder


def done_on(
    plan: Plan, day: date, create_work_order: Callable[..., WorkOrder], status: str = "done"
) -> None:
    at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in Shanghai
    create_work_order(plan, at, status=status, completed_at=at)


def test_the_plan_page_shows_the_longest_gap_of_the_past_year_beside_its_ceiling(
    site: Site,
    create_plan: Callable[..., Plan],
    create_work_order: Callable[..., WorkOrder],
    login: Callable[[str], FlaskClient],
) -> None:
    plan = create_plan(site, "电梯半月保养", rrule="FREQ=DAILY;INTERVAL=15", ceiling_days=15)
    for day in (date(2026, 2, 1), date(2026, 2, 15), date(2026, 2, 25)):
        done_on(plan, day, create_work_order)
    done_on(plan, date(2025, 1, 2), create_work_order)  # more than a year ago: not counted
    db.session.commit()
    html = login("supervisor").get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "最长间隔 15 天：过去一年最大 14 天" in html  # today is 2026-03-02


def test_a_broken_ceiling_is_shown_as_broken(
    site: Site,
    create_plan: Callable[..., Plan],
    create_work_order: Callable[..., WorkOrder],
    login: Callable[[str], FlaskClient],
) -> None:
    plan = create_plan(site, "电梯半月保养", rrule="FREQ=DAILY;INTERVAL=15", ceiling_days=15)
    for day in (date(2026, 1, 10), date(2026, 2, 1)):
        done_on(plan, day, create_work_order, status="done_late")
    db.session.commit()
    html = login("supervisor").get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "最长间隔 15 天：过去一年最大 29 天" in html  # 02-01 → today 03-02
    assert '<li class="text-danger fw-semibold">\n        最长间隔' in html


def test_a_monthly_statutory_plan_counts_the_months_without_a_visit(
    site: Site,
    create_plan: Callable[..., Plan],
    create_work_order: Callable[..., WorkOrder],
    login: Callable[[str], FlaskClient],
) -> None:
    plan = create_plan(
        site, "灭火器每月检查", rrule="FREQ=MONTHLY", criticality="statutory",
        starts_on=date(2025, 10, 1),
    )  # fmt: skip
    for day in (date(2025, 10, 3), date(2025, 11, 5), date(2026, 1, 6), date(2026, 2, 3)):
        done_on(plan, day, create_work_order)
    db.session.commit()
    client = login("supervisor")
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "每月至少一次：过去一年缺 1 个月" in page  # December 2025
    client.post("/lang/en", data={"next": "/"})
    english = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "A visit every month: months without one in the past year: 1" in english


def test_an_inspection_shows_the_ledgers_date_on_its_page_and_in_its_preview(
    site: Site,
    elevator: Equipment,
    create_plan: Callable[..., Plan],
    login: Callable[[str], FlaskClient],
) -> None:
    elevator.next_inspection_on = date(2026, 9, 15)  # commissioned 2018-06-01
    plan = create_plan(
        site, "定期检验", kind="inspection", rrule="FREQ=YEARLY", equipment_id=elevator.id,
        performer="authority_inspection", holiday_policy="previous",
        age_bands=[{"min_years": 0, "rrule": "FREQ=YEARLY", "of": "equipment"}],
    )  # fmt: skip
    db.session.commit()
    generate(until=date(2027, 1, 1))
    client = login("supervisor")
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "下次法定检验 2026-09-15：已安排 2026-09-15" in page
    preview = client.get(f"/plans/{plan.id}/preview").get_data(as_text=True)
    assert "法定日期 2026-09-15（台账下次法定检验）" in preview
    client.post("/lang/en", data={"next": "/"})
    english = client.get(f"/plans/{plan.id}/preview").get_data(as_text=True)
    assert "statutory date 2026-09-15 (ledger's next inspection)" in english
