"""Importing the ledger from .xlsx or .csv: check every row first, then write all or nothing.

A dry run lists every bad row (row numbers as Excel shows them, the header being
row 1) and writes nothing. Applying re-checks and writes inside the caller's
transaction; the caller commits only when `report.applied` is true. Rows match
existing records by (site, asset code), so importing the same file twice creates
no duplicates.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from app.core.signals import one_replan
from app.core.text import clean_code
from app.core.validation import N_, Msg
from app.equipment.columns import BY_FIELD, COLUMNS, REQUIRED_KEYS, Column, column_for_header
from app.equipment.models import Equipment
from app.equipment.parsing import CATEGORY_LABELS, normalise_choice
from app.equipment.services import (
    ConflictError,
    EquipmentInput,
    EquipmentInvalid,
    Lookups,
    asset_code_taken,
    check,
    create_equipment,
    update_equipment,
)
from app.equipment.sheet_limits import MAX_PROBLEMS, excerpt, short_params
from app.equipment.sheet_reading import ImportFileError, Table, cell_date, cell_text, read_table
from app.equipment.type_names import TypeNames, describe, type_names
from app.sites.models import Site

__all__ = ["ImportFileError", "ImportReport", "RowProblem", "import_equipment"]

Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) while an import is applied."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: Msg
    field: str = ""

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class RowPlan:
    row: int
    asset_code: str
    action: str  # "create", "update" or "unchanged"
    changed: list[str]
    data: EquipmentInput
    existing: Equipment | None


@dataclass
class TypeMatch:
    """One value of the sheet's type column and the catalog type it means (None: unknown)."""

    written: str
    type_key: str | None
    name: str = ""
    category: str = ""
    rows: int = 0
    suggestions: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    filename: str
    encoding: str | None = None
    plans: list[RowPlan] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_locations: list[str] = field(default_factory=list)
    type_matches: dict[str, TypeMatch] = field(default_factory=dict)
    """Each distinct value of the type column, in the order first seen."""
    new_contractors: dict[str, int] = field(default_factory=dict)
    """Contractors named in the sheet that do not exist yet → rows naming them."""
    applied: bool = False
    stopped_at: int | None = None
    """The row where checking stopped after MAX_PROBLEMS problems; None if every row was read."""

    @property
    def unknown_types(self) -> list[TypeMatch]:
        return [m for m in self.type_matches.values() if m.type_key is None]

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)

    @property
    def checked_rows(self) -> int:
        return len({p.row for p in self.plans} | {p.row for p in self.problems})

    def summary(self) -> str:
        head = (
            f"{self.checked_rows} rows checked: {self.count('create')} new, "
            f"{self.count('update')} changed, {self.count('unchanged')} unchanged, "
            f"{len(self.problems)} problems"
        )
        if self.applied:
            return head + "; imported"
        if self.stopped_at is not None:
            head += f"; checking stopped at row {self.stopped_at}"
        return head + "; nothing was written"


def _map_headers(headers: list[str]) -> tuple[dict[int, Column], dict[str, str], list[str]]:
    """Column index → Column; the header text the user wrote per field; unknown headers."""
    mapping: dict[int, Column] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        column = column_for_header(header)
        if column is None:
            ignored.append(excerpt(header.strip()))
            continue
        if column.field in written:
            raise ImportFileError(
                N_(
                    "the columns %(first)s and %(second)s both mean %(zh)s; keep one",
                    first=written[column.field],
                    second=header.strip(),
                    zh=column.zh,
                )
            )
        mapping[index] = column
        written[column.field] = header.strip()
    return mapping, written, ignored


class _RowReader:
    """Turns one spreadsheet row into an `EquipmentInput`, matched to the stored record."""

    def __init__(self, mapping: dict[int, Column], forced_site: Site | None, lookups: Lookups):
        self.mapping = mapping
        self.forced_site = forced_site
        self.lookups = lookups

    def values(self, cells: list[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for index, column in self.mapping.items():
            raw = cells[index] if index < len(cells) else None
            values[column.field] = cell_date(raw) if column.is_date else cell_text(raw)
        return values

    def site_ref(self, values: dict[str, Any]) -> tuple[int | str | None, Msg | None]:
        written = clean_code(values.pop("site_id", ""))
        if self.forced_site is None:
            return written or None, None
        if written and written.casefold() != self.forced_site.code.casefold():
            return None, N_(
                "this row is for site %(row_site)s but the import is for site %(site)s",
                row_site=written,
                site=self.forced_site.code,
            )
        return self.forced_site.id, None


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _missing_columns(present: set[str], site_code: str | None, table: Table) -> None:
    """Refuse a file without the columns every row needs; the type may stand for the category."""
    required = set(REQUIRED_KEYS if site_code else ("site", *REQUIRED_KEYS))
    if "type_key" in present:
        required.discard("category")  # 客梯 says it is an elevator
    missing = [c.zh for c in COLUMNS if c.key in required and c.key not in present]
    if not missing:
        return
    message = N_(
        "missing required columns: %(columns)s (the first row must hold the headers)",
        columns=", ".join(missing),
    )
    if table.encoding == "gb18030":
        message = N_(
            "missing required columns: %(columns)s; the file was read as GB18030 — if "
            "the headers look garbled (%(found)s), save it as CSV UTF-8 or .xlsx",
            columns=", ".join(missing),
            found=", ".join(h for h in table.headers if h.strip())[:80],
        )
    raise ImportFileError(message)


def import_equipment(
    filename: str,
    data: bytes,
    *,
    site_code: str | None = None,
    dry_run: bool = True,
    create_locations: bool = False,
    create_contractors: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of the file; unless `dry_run` and when all rows are fine, write them.

    A dry run lists contractors the sheet names that do not exist yet; applying creates
    those in `create_contractors` with the rows, and refuses rows naming any other.
    Raises ImportFileError when the file as a whole is unusable.
    """
    table = read_table(filename, data)
    mapping, written, ignored = _map_headers(table.headers)
    _missing_columns({c.key for c in mapping.values()}, site_code, table)
    lookups = Lookups(
        create_locations=create_locations,
        offer_contractors=dry_run,
        create_contractors=create_contractors,
    )
    forced_site: Site | None = None
    if site_code:
        forced_site, problem = lookups.site(site_code)
        if problem:
            raise ImportFileError(problem)
    run = _Import(
        ImportReport(filename, table.encoding, ignored_columns=ignored),
        _RowReader(mapping, forced_site, lookups),
        written,
        type_names(),
    )
    for row, cells in table.rows:
        if len(run.report.problems) >= MAX_PROBLEMS:
            run.report.stopped_at = row
            break
        if not _is_blank(cells):
            run.check_row(row, cells)
    report = run.finish()
    if report.problems or dry_run:
        return report
    run.apply(progress)
    return report


class _Import:
    """One pass over the rows: checks each, collects the plan, then writes it all or nothing."""

    def __init__(
        self,
        report: ImportReport,
        reader: _RowReader,
        written: dict[str, str],
        names: TypeNames | None,
    ) -> None:
        self.report = report
        self.reader = reader
        self.lookups = reader.lookups
        self.written = written
        self.names = names
        self.seen: dict[tuple[int, str], int] = {}

    def header(self, field_name: str) -> str:
        return self.written.get(field_name) or BY_FIELD[field_name].zh

    def problem(self, row: int, field_name: str, message: Msg) -> None:
        self.report.problems.append(RowProblem(row, self.header(field_name), message, field_name))

    def check_row(self, row: int, cells: list[Any]) -> None:
        values = self.reader.values(cells)
        site_ref, problem = self.reader.site_ref(values)
        if problem:
            self.problem(row, "site_id", problem)
            return
        type_ok = self._resolve_type(row, values)
        site = self.lookups.site(site_ref)[0] if site_ref is not None else None
        code = clean_code(values.get("asset_code"))
        existing = asset_code_taken(site, code, None) if site and code else None
        base = EquipmentInput.from_equipment(existing) if existing else EquipmentInput()
        data_in = base.updated({**values, "site_id": site_ref})
        checked = check(data_in, existing, self.lookups)
        if site and code:
            first = self.seen.setdefault((site.id, code), row)
            if first != row:
                self.problem(
                    row,
                    "asset_code",
                    N_(
                        "%(code)s appears twice in the file: rows %(first)d and %(row)d",
                        code=code,
                        first=first,
                        row=row,
                    ),
                )
                return
        for field_name, message in checked.errors.items():
            self.problem(row, field_name, message)
        if not checked.ok or not type_ok:
            return
        if checked.pending_location is not None:
            self.report.new_locations.append(
                f"{checked.pending_location.site.code}: {checked.pending_location.path}"
            )
        changed = checked.differences(existing) if existing else []
        action = "create" if existing is None else ("update" if changed else "unchanged")
        self.report.plans.append(RowPlan(row, code, action, changed, data_in, existing))

    def _resolve_type(self, row: int, values: dict[str, Any]) -> bool:
        """The sheet's type name (客梯) becomes its catalog key; the category follows from it
        unless the row names a known one (a contradiction is then reported by `check`).

        False when the name is unknown: the row gets one problem naming the closest types.
        """
        written = str(values.get("type_key") or "").strip()
        if not written or self.names is None:
            return True
        match = self.report.type_matches.get(written)
        if match is None:
            found = self.names.find(written)
            if found is not None:
                match = TypeMatch(written, found.key, describe(found), found.category)
            else:
                category = str(values.get("category") or "").strip() or None
                hints = self.names.suggestions(written) or self.names.suggestions(written, category)
                match = TypeMatch(written, None, suggestions=[describe(t) for t in hints])
            self.report.type_matches[written] = match
        match.rows += 1
        if match.type_key is None:
            values["type_key"] = ""
            self.problem(row, "type_key", _unknown_type(match))
            return False
        values["type_key"] = match.type_key
        written_category = str(values.get("category") or "").strip()
        if normalise_choice(written_category, CATEGORY_LABELS) is None:
            values["category"] = match.category  # blank, or a word of theirs (其他, 电梯系统)
        return True

    def finish(self) -> ImportReport:
        report = self.report
        report.new_locations = list(dict.fromkeys(report.new_locations))
        report.new_contractors = dict(self.lookups.new_contractors)
        order = {c.field: i for i, c in enumerate(COLUMNS)}
        report.problems.sort(key=lambda p: (p.row, order.get(p.field, 0)))
        report.problems = [replace(p, message=short_params(p.message)) for p in report.problems]
        return report

    def apply(self, progress: Progress | None) -> None:
        """Write every planned row and re-plan their equipment once, at the end.

        Any failure leaves `applied` false and re-plans nothing, so the caller rolls back.
        """
        try:
            with one_replan():  # a 500-row ledger is one generation run, not 500
                self._write_rows(progress)
        except _RowRefused:
            return
        self.report.applied = True

    def _write_rows(self, progress: Progress | None) -> None:
        """Create or update each row; a refused row is recorded and stops the import."""
        report, lookups = self.report, self.lookups
        total = len(report.plans)
        for done, plan in enumerate(report.plans, start=1):
            try:
                if plan.existing is None:
                    create_equipment(plan.data, lookups)
                elif plan.action == "update":
                    update_equipment(plan.existing, plan.data, plan.existing.version, lookups)
            except EquipmentInvalid as exc:
                for field_name, message in exc.fields.items():
                    self.problem(plan.row, field_name, message)
                raise _RowRefused from exc
            except ConflictError as exc:
                self.problem(
                    plan.row,
                    "asset_code",
                    N_("someone else changed this equipment during the import; try again"),
                )
                raise _RowRefused from exc
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)


class _RowRefused(Exception):
    """A row failed while writing: leave the re-plan block without re-planning."""


PROGRESS_EVERY = 50
"""Rows between two progress reports of a background import."""


def _unknown_type(match: TypeMatch) -> Msg:
    if match.suggestions:
        return N_(
            "unknown equipment type %(value)s; did you mean: %(suggestions)s? "
            "(write a catalog type name or key, or leave it empty)",
            value=match.written,
            suggestions="; ".join(match.suggestions),
        )
    return N_(
        "unknown equipment type %(value)s; write a catalog type name or key (see the "
        "template's list of types), or leave it empty",
        value=match.written,
    )
