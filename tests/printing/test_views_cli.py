"""Printing from the pages (preview, PDF, chooser) and from `rounds print`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from app.extensions import db
from app.people.models import Team
from app.printing import services
from app.printing.output import sheets_pdf
from app.workorders.models import WorkOrder
from tests.printing.conftest import DAY, Demo, pages

CHECKLIST = "/print/checklist?site=DEMO&team=CLN&date=2026-03-03"


@pytest.fixture
def lead(demo: Demo, login: Callable[[str], FlaskClient]) -> FlaskClient:
    return login("cleaning_lead")


def test_a_lead_previews_the_checklist_as_html_with_a_pdf_button(lead: FlaskClient) -> None:
    page = lead.get(CHECKLIST)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "每日作业检查表" in html and "地面清扫" in html
    assert 'href="/print/checklist.pdf?site=DEMO&amp;team=CLN&amp;date=2026-03-03"' in html
    assert 'href="/print/sheet.css"' in html
    assert 'name="viewport"' in html
    assert lead.get("/print/sheet.css").mimetype == "text/css"


def test_the_pdf_is_the_same_sheet(lead: FlaskClient) -> None:
    response = lead.get(CHECKLIST.replace("checklist?", "checklist.pdf?"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "checklist-2026-03-03-DEMO-CLN.pdf" in response.headers["Content-Disposition"]
    assert "地面清扫" in pages(response.data)[0]


def test_english_is_printed_for_english_users_or_when_asked(lead: FlaskClient) -> None:
    assert "Daily checklist" in lead.get(CHECKLIST + "&lang=en").get_data(as_text=True)
    lead.post("/lang/en", data={"next": "/"})
    assert "Daily checklist" in lead.get(CHECKLIST).get_data(as_text=True)


def test_bad_input_shows_the_chooser_with_the_reason_next_to_the_field(lead: FlaskClient) -> None:
    page = lead.get("/print/checklist?site=DEMO&team=&worker=nobody&date=2026-03-03")
    html = page.get_data(as_text=True)

    assert page.status_code == 422
    assert "nobody" in html and "is-invalid" in html


def test_without_a_choice_the_sheet_address_leads_to_the_chooser(lead: FlaskClient) -> None:
    response = lead.get("/print/patrol.pdf")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/print/#patrol")
    assert lead.get("/print/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/print/patrol?site=DEMO&team=SEC&date=2026-03-03&shift=night",
        "/print/roster?site=DEMO&team=SEC&start=2026-03-03&span=month",
        "/print/labels?site=DEMO&category=elevator",
        "/print/history?site=DEMO&asset=EL-T1-01&start=2026-03-01&end=2026-03-31",
    ],
)
def test_every_sheet_has_a_preview_and_a_pdf(lead: FlaskClient, url: str) -> None:
    assert lead.get(url).status_code == 200
    pdf = lead.get(url.replace("?", ".pdf?", 1))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def _a_work_order() -> int:
    found = db.session.scalar(select(func.min(WorkOrder.id)))
    assert found is not None
    return found


def test_a_work_orders_record_prints_from_its_number(demo: Demo, lead: FlaskClient) -> None:
    number = _a_work_order()
    found = lead.get(f"/print/record?work_order={number}")

    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"/print/record/{number}")
    assert lead.get(f"/print/record/{number}").status_code == 200
    assert lead.get(f"/print/record/{number}.pdf").mimetype == "application/pdf"
    assert lead.get("/print/record/987654.pdf").status_code == 404
    assert lead.get("/print/record?work_order=").status_code == 422


def test_staff_without_the_print_permission_are_refused(
    demo: Demo, login: Callable[[str], FlaskClient]
) -> None:
    cleaner = login("cleaner")

    assert cleaner.get("/print/").status_code == 403
    assert cleaner.get(CHECKLIST).status_code == 403


def _run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(args=["print", *args])
    return result.exit_code, result.output


def test_the_cli_writes_a_pdf(demo: Demo, runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "cln.pdf"

    code, output = _run(
        runner, "checklist", "--date", "2026-03-03", "--site", "DEMO", "--team", "CLN",
        "-o", str(out),
    )  # fmt: skip

    assert code == 0, output
    assert "地面清扫" in pages(out.read_bytes())[0]
    number = str(_a_work_order())
    code, _ = _run(runner, "record", "--work-order", number, "--lang", "en", "-o", str(out))
    assert code == 0 and "Maintenance record" in pages(out.read_bytes())[0]


@pytest.mark.parametrize(
    "args",
    [
        ["checklist", "--date", "2026-13-03", "--team", "CLN"],
        ["checklist", "--date", "2026-03-03", "--team", "NOPE"],
        ["checklist", "--date", "2026-03-03"],
        ["checklist", "--team", "CLN"],
        ["checklist", "--date", "2026-03-03", "--team", "CLN", "--lang", "fr"],
        ["record", "--work-order", "abc"],
        ["record", "--work-order", "987654"],
        ["patrol", "--date", "2026-03-03", "--team", "SEC", "--shift", "lunch"],
        ["roster", "--team", "SEC", "--from", "2026-03-01", "--to", "2026-05-01"],
        ["labels", "--asset", "NOPE-1"],
        ["history", "--asset", "EL-T1-01", "--from", "2026-03-01"],
    ],
)
def test_bad_cli_input_exits_non_zero_with_a_one_line_reason(
    demo: Demo, runner: FlaskCliRunner, tmp_path: Path, args: list[str]
) -> None:
    code, output = _run(runner, *args, "-o", str(tmp_path / "x.pdf"))

    assert code == 1
    assert output.startswith("Error: ") and output.count("\n") == 1, output
    assert not (tmp_path / "x.pdf").exists()


def test_without_an_output_file_the_cli_says_so(demo: Demo, runner: FlaskCliRunner) -> None:
    code, output = _run(runner, "labels")

    assert code == 1 and "-o FILE.pdf" in output


def test_all_teams_checklists_for_a_day_go_into_one_pdf(
    demo: Demo, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "day.pdf"

    code, output = _run(
        runner, "checklist", "--date", "2026-03-03", "--site", "DEMO", "--all-teams", "-o", str(out)
    )

    assert code == 0, output
    texts = pages(out.read_bytes())
    alone = [services.checklist("DEMO", DAY, locale="zh", team=t.code) for t in _teams(demo)]
    with_work = [s for s in alone if s.groups or s.patrols_elsewhere]
    assert {"保洁部", "秩序维护部"} <= {s.head.fields[1].value for s in with_work}
    firsts = [t for t in texts if "第 1 页 / 共" in t]
    assert len(firsts) == len(with_work)
    for sheet, text in zip(with_work, firsts, strict=True):
        assert sheet.head.id_line in text
    assert len(texts) == sum(len(pages(sheets_pdf([s]))) for s in with_work)
    assert f"{len(with_work)} sheet(s)" in output


def _teams(demo: Demo) -> list[Team]:
    return list(
        db.session.scalars(select(Team).where(Team.site_id == demo.site.id).order_by(Team.code))
    )
