"""Import bombs: a file's own claims about its size are not trusted, and the check stops early.

The workbooks are generated here cheaply by editing the sheet XML of a tiny .xlsx: a
declared dimension of 2,000,000 rows and 16,384 columns, a huge cell, 300,000 bad rows.
The tests count the rows openpyxl actually hands over, so they do not depend on timing.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from app.equipment import sheet_limits
from app.equipment.importing import ImportFileError, import_equipment
from tests.equipment.conftest import Ledger
from tests.equipment.test_import_export import HEADER, count, csv_bytes

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _edited(data: bytes, dimension: str, extra_rows: Iterable[str] = ()) -> bytes:
    """The workbook with its declared dimension replaced and raw rows appended."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == SHEET:
                xml = body.decode()
                start = xml.index("<dimension ref=")
                end = xml.index("/>", start) + 2
                xml = xml[:start] + f'<dimension ref="{dimension}"/>' + xml[end:]
                xml = xml.replace("</sheetData>", "".join(extra_rows) + "</sheetData>")
                body = xml.encode()
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _inline_row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows openpyxl yielded, however the file described itself."""
    counter = [0]
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self: ReadOnlyWorksheet, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for row in original(self, *args, **kwargs):
            counter[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return counter


def test_a_declared_two_million_rows_are_not_read_and_a_huge_cell_is_refused_by_excerpt(
    ledger: Ledger, rows_read: list[int]
) -> None:
    huge = "长" * 3_000_000
    data = _edited(
        _workbook([HEADER, ["YG", "WP-01", "水泵", "water", "", ""]]),
        "A1:XFD2000000",
        iter([_inline_row(3, "YG", "WP-02", huge)]),
    )
    assert len(data) < 200_000

    with pytest.raises(ImportFileError) as refused:
        import_equipment("bomb.xlsx", data, dry_run=False)

    message = str(refused.value.message)
    assert "cell C3 holds 3000000 characters" in message
    assert len(message) < 200  # an excerpt, never the cell
    assert rows_read[0] == 3
    assert count() == 0


def test_a_declared_dimension_alone_does_not_pad_rows_or_columns(
    ledger: Ledger, rows_read: list[int]
) -> None:
    data = _edited(_workbook([HEADER, ["YG", "WP-01", "水泵", "water", "", ""]]), "A1:XFD2000000")
    report = import_equipment("declared.xlsx", data, dry_run=False)
    assert report.applied
    assert rows_read[0] == 2
    assert count() == 1


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(
    ledger: Ledger, rows_read: list[int]
) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w") as member:
            chunk = b"A" * (1024 * 1024)
            for _ in range(sheet_limits.MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert len(out.getvalue()) < 1_000_000

    with pytest.raises(ImportFileError) as refused:
        import_equipment("zipbomb.xlsx", out.getvalue())

    assert "unpacks to 65 MB; at most 64 MB" in str(refused.value.message)
    assert rows_read[0] == 0


def test_three_hundred_thousand_bad_rows_stop_at_the_row_limit(
    ledger: Ledger, rows_read: list[int]
) -> None:
    bad_rows = (f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 300_002))
    data = _edited(_workbook([HEADER]), "A1:F300001", bad_rows)
    assert len(data) < 2_000_000

    with pytest.raises(ImportFileError) as refused:
        import_equipment("many.xlsx", data)

    assert "more than 10000 rows" in str(refused.value.message)
    assert rows_read[0] == sheet_limits.MAX_ROWS + 2  # the header, the rows, and one too many


def test_many_bad_rows_within_the_limit_stop_being_checked_after_enough_problems(
    ledger: Ledger,
) -> None:
    rows = [["ZZ", f"X{n}", "x", "nonsense", "", ""] for n in range(2_000)]
    report = import_equipment("bad.csv", csv_bytes([HEADER, *rows]))
    assert len(report.problems) == sheet_limits.MAX_PROBLEMS
    assert report.stopped_at is not None
    assert "checking stopped at row" in report.summary()


def test_a_csv_with_too_many_rows_is_refused_with_the_limit(ledger: Ledger) -> None:
    rows = [["YG", f"X{n}", "x", "water", "", ""] for n in range(sheet_limits.MAX_ROWS + 1)]
    with pytest.raises(ImportFileError) as refused:
        import_equipment("many.csv", csv_bytes([HEADER, *rows]))
    assert "more than 10000 rows" in str(refused.value.message)


def test_the_import_page_quotes_only_an_excerpt_of_a_bad_cell(
    ledger: Ledger, client_for: Any
) -> None:
    long_value = "坏" * 1500 + "END-OF-CELL"
    data = csv_bytes([HEADER, ["YG", "WP-01", "水泵", long_value, "", ""]])
    response = client_for("supervisor").post(
        "/equipment/import",
        data={"file": (io.BytesIO(data), "ledger.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "坏" * 40 + "…" in page
    assert "END-OF-CELL" not in page
    assert count() == 0


@pytest.fixture
def client_for(login: Any) -> Any:
    def make(role: str) -> FlaskClient:
        return login(role)

    return make
