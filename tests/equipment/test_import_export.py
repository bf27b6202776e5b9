"""Spreadsheet import and export: exact round trips, and every bad file refused with its reason.

The bad-import corpus is generated here (wrong encodings, junk bytes, missing
columns, duplicate codes, unknown categories, impossible dates, unknown
locations, formula cells) so each case states its bytes next to its message.
"""

import codecs
import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.equipment.columns import COLUMNS, neutralise, unneutralise
from app.equipment.exporting import export_ledger
from app.equipment.importing import ImportFileError, import_equipment
from app.equipment.models import Equipment
from app.extensions import db
from tests.equipment.conftest import Ledger

CATEGORY_CHOICES = (
    "elevator (电梯/扶梯), water (给排水), power (供配电), fire (消防), cctv (视频监控), "
    "access_control (门禁/对讲/道闸), hvac (暖通空调), lighting (照明), building_fabric (房屋本体)"
)
HEADER = ["项目编号", "资产编号", "名称", "类别", "位置", "安装日期"]


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Equipment)) or 0


def snapshot() -> dict[str, dict[str, Any]]:
    """Every stored field of every record, keyed by asset code (ids and versions aside)."""
    db.session.expire_all()
    skip = {"id", "version", "created_at", "updated_at"}
    return {
        eq.asset_code: {
            c.key: getattr(eq, c.key) for c in Equipment.__table__.columns if c.key not in skip
        }
        for eq in db.session.scalars(select(Equipment))
    }


def messages(report: Any) -> list[str]:
    return [str(p) for p in report.problems]


@pytest.fixture
def full_ledger(ledger: Ledger, make_equipment: Callable[..., Equipment]) -> None:
    """Records using every column, including text a spreadsheet would run as a formula."""
    make_equipment(
        "WP-01",
        name="生活水泵 1#",
        location_id=ledger.pump_room.id,
        manufacturer="格兰富",
        model="CR 32-4",
        serial_number="SN-0001",
        installed_on="2019-04-01",
        commissioned_on="2019-05-01",
        warranty_until="2021-05-01",
        criticality="high",
        maintainer_team_id=ledger.team.id,
        attributes='{"扬程": "50m", "功率kW": 15, "变频": true}',
        notes="第一行\n第二行",
    )
    make_equipment(
        "DT-01",
        name='=HYPERLINK("http://evil.example","点我")',
        category="elevator",
        type_key="traction_elevator",
        attributes={"component_dates": {"governor": "2019-07-02"}, "载重kg": 1000},
        location_id=ledger.building2.id,
        status="fault",
        maintainer_contractor_id=ledger.contractor.id,
        registration_number="-31103101002019000123",
        next_inspection_on="2026-06-30",
        notes="@SUM(1+1)",
    )
    make_equipment("PD-01", category="power", status="retired", model="+86 型")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_an_empty_ledger_gives_identical_records(
    full_ledger: None, fmt: str
) -> None:
    before = snapshot()
    exported = export_ledger(fmt)
    db.session.execute(Equipment.__table__.delete())
    db.session.commit()
    report = import_equipment(f"ledger.{fmt}", exported, dry_run=False)
    assert messages(report) == []
    db.session.commit()
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_importing_the_same_export_again_changes_nothing_and_adds_no_duplicates(
    full_ledger: None, fmt: str
) -> None:
    before = snapshot()
    report = import_equipment(f"ledger.{fmt}", export_ledger(fmt), dry_run=False)
    db.session.commit()
    assert report.applied
    assert (report.count("create"), report.count("update"), report.count("unchanged")) == (0, 0, 3)
    assert count() == 3
    assert snapshot() == before


def test_an_edited_export_updates_the_matching_records(full_ledger: None) -> None:
    workbook = load_workbook(io.BytesIO(export_ledger("xlsx")))
    sheet = workbook.active
    assert sheet is not None
    codes = [sheet.cell(row=r, column=2).value for r in range(2, 5)]
    sheet.cell(row=codes.index("WP-01") + 2, column=13).value = "故障"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_equipment("ledger.xlsx", buffer.getvalue(), dry_run=False)
    db.session.commit()
    assert [(p.asset_code, p.changed) for p in report.plans if p.action == "update"] == [
        ("WP-01", ["status"])
    ]
    assert snapshot()["WP-01"]["status"].value == "fault"


def test_exported_formula_text_is_neutralised_in_both_formats(full_ledger: None) -> None:
    sheet = load_workbook(io.BytesIO(export_ledger("xlsx"))).active
    assert sheet is not None
    names = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=3) for r in range(2, 5)}
    cell = names["DT-01"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","点我")'
    text = export_ledger("csv").decode("utf-8-sig")
    assert "'@SUM(1+1)" in text and "'-31103101002019000123" in text and "'+86 型" in text


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@x", "\tx", "'=x", "''=x", "plain", "'plain", "a=b"]
)
def test_neutralising_formulas_round_trips_exactly(value: str) -> None:
    escaped = neutralise(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(escaped) == value


def test_the_csv_export_has_a_bom_so_excel_reads_chinese(full_ledger: None) -> None:
    data = export_ledger("csv")
    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(c.zh for c in COLUMNS)


def test_an_export_can_be_limited_to_one_site(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    make_equipment("WP-01")
    make_equipment("WP-09", site_id=ledger.other_site.id)
    lines = export_ledger("csv", ledger.other_site).decode("utf-8-sig").splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [["XH", "WP-09"]]


# --- files that import fine ----------------------------------------------------------------


def test_a_gb18030_csv_from_chinese_excel_imports(ledger: Ledger) -> None:
    data = csv_bytes(
        [HEADER, ["YG", "WP-01", "生活水泵", "给排水", "1号楼/B1/水泵房", "2020/5/1"]], "gb18030"
    )
    report = import_equipment("台账.csv", data, dry_run=False)
    db.session.commit()
    assert report.encoding == "gb18030" and report.applied
    eq = db.session.scalar(select(Equipment))
    assert eq is not None
    assert (eq.name, eq.category, eq.location, eq.installed_on) == (
        "生活水泵",
        "water",
        ledger.pump_room,
        date(2020, 5, 1),
    )


def test_a_utf8_csv_with_bom_and_english_headers_imports(ledger: Ledger) -> None:
    data = codecs.BOM_UTF8 + csv_bytes(
        [
            ["Site", "asset_code", "NAME", "category", "status"],
            ["YG", "WP-01", "水泵", "water", "Fault"],
        ]
    )
    report = import_equipment("ledger.csv", data, dry_run=False)
    db.session.commit()
    assert report.encoding == "utf-8-sig" and report.applied
    assert snapshot()["WP-01"]["status"].value == "fault"


def test_the_site_can_be_given_for_the_whole_file(ledger: Ledger) -> None:
    data = csv_bytes([["资产编号", "名称", "类别"], ["WP-01", "水泵", "water"]])
    report = import_equipment("ledger.csv", data, site_code="XH", dry_run=False)
    db.session.commit()
    assert report.applied
    assert snapshot()["WP-01"]["site_id"] == ledger.other_site.id


def test_unknown_locations_are_created_when_asked(ledger: Ledger) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["YG", "WP-01", "水泵", "water", "3号楼/B1/泵房", ""],
            ["YG", "WP-02", "水泵", "water", "3号楼/B1/泵房", ""],
        ]
    )
    report = import_equipment("ledger.csv", data, dry_run=False, create_locations=True)
    db.session.commit()
    assert report.new_locations == ["YG: 3号楼/B1/泵房"]
    located = {
        e.asset_code: e.location.path for e in db.session.scalars(select(Equipment)) if e.location
    }
    assert located == {"WP-01": "3号楼/B1/泵房", "WP-02": "3号楼/B1/泵房"}


# --- the bad-import corpus -----------------------------------------------------------------

LATIN1 = "asset_code,name,category,site\r\nWP-01,Pompe à eau,water,YG\r\n".encode("latin-1")
SHIFT_JIS = "資産番号,名称,種類\r\nA-1,ポンプ,給水\r\n".encode("shift_jis")
JUNK = bytes(range(256)) * 4
LATIN1_BAD_AT = LATIN1.index(bytes([0xE0]))

FILE_ERRORS = [
    (
        "junk.csv",
        JUNK,
        "cannot read junk.csv: it contains binary data, not text; is it really a CSV?",
    ),
    (
        "latin1.csv",
        LATIN1,
        f"cannot read latin1.csv: it is neither UTF-8 nor GB18030 text (byte 0xE0 at position "
        f"{LATIN1_BAD_AT}); in Excel use Save As → CSV UTF-8, or import the .xlsx",
    ),
    (
        "sjis.csv",
        SHIFT_JIS,
        "missing required columns: 项目编号, 设备编号, 名称, 类别; the file was read as GB18030 — "
        "if the headers look garbled (帒嶻斣崋, 柤徧, 庬椶), save it as CSV UTF-8 or .xlsx",
    ),
    (
        "junk.xlsx",
        JUNK,
        "cannot read junk.xlsx: it is not an Excel .xlsx workbook (old .xls files: open them "
        "in Excel and save as .xlsx)",
    ),
    (
        "ledger.xls",
        b"\xd0\xcf\x11\xe0",
        "cannot import ledger.xls: only .xlsx and .csv files can be imported",
    ),
    ("empty.csv", b"", "empty.csv is empty"),
    (
        "columns.csv",
        csv_bytes([["项目编号", "资产编号", "型号"], ["YG", "WP-01", "CR 32"]]),
        "missing required columns: 名称, 类别 (the first row must hold the headers)",
    ),
    (
        "twice.csv",
        csv_bytes([["项目编号", "资产编号", "名称", "name", "类别"]]),
        "the columns 名称 and name both mean 名称; keep one",
    ),
]


@pytest.mark.parametrize(
    ("filename", "data", "message"), FILE_ERRORS, ids=[f[0] for f in FILE_ERRORS]
)
def test_an_unusable_file_is_refused_with_one_clear_reason(
    ledger: Ledger, filename: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError) as caught:
        import_equipment(filename, data, dry_run=False)
    assert str(caught.value) == message
    db.session.commit()
    assert count() == 0


ROW_ERRORS = [
    (
        "duplicate codes",
        [
            ["YG", "WP-01", "水泵A", "water", "", ""],
            ["YG", "WP-02", "水泵B", "water", "", ""],
            ["YG", "WP-01", "水泵C", "water", "", ""],
        ],
        ["row 4, 资产编号: WP-01 appears twice in the file: rows 2 and 4"],
    ),
    (
        "unknown category",
        [["YG", "WP-01", "锅炉", "锅炉房设备", "", ""]],
        [f"row 2, 类别: unknown category 锅炉房设备; choose one of: {CATEGORY_CHOICES}"],
    ),
    (
        "impossible date",
        [
            ["YG", "WP-01", "水泵", "water", "", "2026-03-01"],
            ["YG", "WP-02", "水泵", "water", "", "2026-02-30"],
        ],
        ["row 3, 安装日期: 2026-02-30 is not a real date: 2026-02 has only 28 days"],
    ),
    (
        "unknown location",
        [["YG", "WP-01", "水泵", "water", "1号楼/B2/水泵房", ""]],
        ["row 2, 位置: no location 1号楼/B2/水泵房 in site YG: 1号楼 has no B2"],
    ),
    (
        "unknown site",
        [["ZZ", "WP-01", "水泵", "water", "", ""]],
        ["row 2, 项目编号: no site with code ZZ"],
    ),
]


@pytest.mark.parametrize(("case", "rows", "expected"), ROW_ERRORS, ids=[r[0] for r in ROW_ERRORS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_rows_are_named_with_row_column_and_reason_and_nothing_is_written(
    ledger: Ledger, case: str, rows: list[list[Any]], expected: list[str], fmt: str
) -> None:
    data = csv_bytes([HEADER, *rows]) if fmt == "csv" else xlsx_bytes([HEADER, *rows])
    report = import_equipment(f"ledger.{fmt}", data, dry_run=False)
    assert messages(report) == expected
    assert not report.applied
    db.session.rollback()
    assert count() == 0


def test_a_dry_run_lists_every_bad_row_in_order_and_writes_nothing(ledger: Ledger) -> None:
    rows = [
        HEADER,
        ["YG", "WP-01", "", "water", "", "2026-02-29"],
        [],
        ["YG", "WP-02", "水泵", "water", "", ""],
        ["YG", "WP-03", "水泵", "boiler", "2号楼/屋顶", ""],
    ]
    report = import_equipment("ledger.csv", csv_bytes(rows), dry_run=True)
    assert messages(report) == [
        "row 2, 名称: required",
        "row 2, 安装日期: 2026-02-29 is not a real date: 2026-02 has only 28 days",
        f"row 5, 类别: unknown category boiler; choose one of: {CATEGORY_CHOICES}",
        "row 5, 位置: no location 2号楼/屋顶 in site YG: 2号楼 has no 屋顶",
    ]
    assert report.summary() == (
        "3 rows checked: 1 new, 0 changed, 0 unchanged, 4 problems; nothing was written"
    )
    db.session.rollback()
    assert count() == 0


def test_a_clean_dry_run_writes_nothing_either(ledger: Ledger) -> None:
    report = import_equipment(
        "ledger.csv", csv_bytes([HEADER, ["YG", "WP-01", "水泵", "water", "", ""]]), dry_run=True
    )
    assert report.count("create") == 1 and not report.applied
    db.session.rollback()
    assert count() == 0


def test_a_row_for_another_site_than_the_one_named_is_refused(ledger: Ledger) -> None:
    data = csv_bytes([HEADER, ["XH", "WP-01", "水泵", "water", "", ""]])
    report = import_equipment("ledger.csv", data, site_code="YG")
    assert messages(report) == [
        "row 2, 项目编号: this row is for site XH but the import is for site YG"
    ]


def test_a_formula_cell_is_stored_as_plain_text_and_exported_harmless(ledger: Ledger) -> None:
    payload = '=cmd|" /C calc"!A0'
    data = csv_bytes([HEADER, ["YG", "WP-01", payload, "water", "", ""]])
    import_equipment("ledger.csv", data, dry_run=False)
    db.session.commit()
    assert snapshot()["WP-01"]["name"] == payload
    assert f"'{payload}".replace('"', '""') in export_ledger("csv").decode("utf-8-sig")


def test_blank_rows_keep_the_row_numbers_people_see_in_excel(ledger: Ledger) -> None:
    rows = [
        HEADER,
        ["YG", "WP-01", "水泵", "water", "", ""],
        [None] * 6,
        [None] * 6,
        ["YG", "WP-02", "水泵", "water", "", "2026-02-30"],
    ]
    report = import_equipment("ledger.xlsx", xlsx_bytes(rows))
    assert [p.row for p in report.problems] == [5]


# --- the command line ----------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cli_dry_run_prints_each_problem_and_a_summary_and_fails(
    ledger: Ledger, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "台账.csv",
        csv_bytes(
            [
                HEADER,
                ["YG", "WP-01", "水泵", "water", "", ""],
                ["YG", "WP-02", "水泵", "water", "", ""],
                ["YG", "WP-03", "水泵", "water", "", ""],
                ["YG", "WP-04", "水泵", "water", "", ""],
                ["YG", "WP-05", "水泵", "water", "", ""],
                ["YG", "WP-06", "水泵", "water", "", "2026-02-30"],
            ]
        ),
    )
    result = runner.invoke(args=["import", "equipment", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "row 7, 安装日期: 2026-02-30 is not a real date: 2026-02 has only 28 days",
        "6 rows checked: 5 new, 0 changed, 0 unchanged, 1 problems; nothing was written",
        "Error: 1 problems in 台账.csv; nothing was imported",
    ]
    assert count() == 0


def test_cli_imports_a_good_file_and_a_second_run_changes_nothing(
    ledger: Ledger, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "ledger.csv", csv_bytes([HEADER, ["YG", "WP-01", "水泵", "water", "", ""]])
    )
    first = runner.invoke(args=["import", "equipment", str(path)])
    assert first.exit_code == 0, first.output
    assert first.output.strip().endswith("1 new, 0 changed, 0 unchanged, 0 problems; imported")
    second = runner.invoke(args=["import", "equipment", str(path)])
    assert "0 new, 0 changed, 1 unchanged" in second.output
    assert count() == 1


CLI_REFUSALS = [
    (
        "--site",
        "latin1.csv",
        LATIN1,
        ["--site", "YG"],
        "Error: cannot read latin1.csv: it is neither UTF-8 nor GB18030 text",
    ),
    ("site", "ok.csv", csv_bytes([HEADER]), ["--site", "ZZ"], "Error: no site with code ZZ"),
    (
        "columns",
        "cols.csv",
        csv_bytes([["资产编号"]]),
        [],
        "Error: missing required columns: 项目编号, 名称, 类别",
    ),
    ("suffix", "ledger.ods", b"x", [], "Error: cannot import ledger.ods: only .xlsx and .csv"),
]


@pytest.mark.parametrize(
    ("case", "name", "data", "args", "reason"), CLI_REFUSALS, ids=[c[0] for c in CLI_REFUSALS]
)
def test_cli_refuses_bad_input_with_a_one_line_reason(
    ledger: Ledger,
    runner: FlaskCliRunner,
    tmp_path: Path,
    case: str,
    name: str,
    data: bytes,
    args: list[str],
    reason: str,
) -> None:
    path = write(tmp_path, name, data)
    result = runner.invoke(args=["import", "equipment", str(path), *args])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(reason)


def test_cli_reports_a_missing_file(ledger: Ledger, runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["import", "equipment", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"Error: cannot read {tmp_path / 'nope.xlsx'}: No such file or directory"
    )


def test_cli_exports_by_suffix_and_refuses_other_suffixes(
    app: Flask, full_ledger: None, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["export", "equipment", str(tmp_path / "out.xlsx"), "--site", "YG"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None and sheet.max_row == 4
    bad = runner.invoke(args=["export", "equipment", str(tmp_path / "out.txt")])
    assert bad.exit_code == 1
    assert bad.output.strip() == (
        "Error: cannot export to out.txt: the file name must end in .xlsx or .csv"
    )
