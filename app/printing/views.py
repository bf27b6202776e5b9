"""Print pages: choose a sheet, see it as HTML (the PDF's own template), download the PDF.

`/print/<sheet>` previews, `/print/<sheet>.pdf` downloads; both read the same query
string, so a preview's "PDF" button is the same URL with ".pdf". Bad input shows
the chooser again with the message next to the field (422), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.access.objects import may_view
from app.auth.permissions import requires
from app.core.i18n import is_english
from app.extensions import db
from app.printing import services
from app.printing.forms import (
    ChecklistForm,
    HistoryForm,
    LabelsForm,
    PatrolForm,
    PrintForm,
    RecordForm,
    RosterForm,
    prefill_for_lead,
)
from app.printing.output import PreviewLinks, Sheet, sheet_html, sheets_pdf
from app.printing.render import PREVIEW_STYLESHEET, STYLESHEET
from app.printing.sheet import PrintInputError
from app.printing.words import Locale, locale_of
from app.web.forms import show_errors
from app.workorders.models import WorkOrder

bp = Blueprint("print", __name__, url_prefix="/print")
PERMISSION = "print.sheets"


def _locale(form: PrintForm) -> Locale:
    return locale_of(form.lang.data or ("en" if is_english() else "zh"))


@dataclass(frozen=True)
class SheetPage:
    form: type[PrintForm]
    build: Callable[[PrintForm, Locale], Sequence[Sheet]]


def _checklist(form: PrintForm, locale: Locale) -> Sequence[Sheet]:
    assert isinstance(form, ChecklistForm)
    return [
        services.checklist(
            form.site.data,
            form.date.data,
            locale=locale,
            team=form.team.data or None,
            worker=(form.worker.data or "").strip() or None,
            area=(form.area.data or "").strip() or None,
            viewer=current_user,
        )
    ]


def _patrol(form: PrintForm, locale: Locale) -> Sequence[Sheet]:
    assert isinstance(form, PatrolForm)
    return [
        services.patrol(
            form.site.data,
            form.team.data,
            form.date.data,
            locale=locale,
            shift=form.shift.data,
            viewer=current_user,
        )
    ]


def _roster(form: PrintForm, locale: Locale) -> Sequence[Sheet]:
    assert isinstance(form, RosterForm)
    return [
        services.roster(
            form.site.data,
            form.team.data,
            locale=locale,
            start=form.start.data,
            span=form.span.data,
        )
    ]


def _labels(form: PrintForm, locale: Locale) -> Sequence[Sheet]:
    assert isinstance(form, LabelsForm)
    return [
        services.labels(
            form.site.data,
            locale=locale,
            category=form.category.data,
            area=(form.area.data or "").strip() or None,
            asset_codes=services.split_codes(form.asset.data),
        )
    ]


def _history(form: PrintForm, locale: Locale) -> Sequence[Sheet]:
    assert isinstance(form, HistoryForm)
    return [
        services.history(
            form.site.data,
            form.start.data,
            form.end.data,
            locale=locale,
            asset=(form.asset.data or "").strip() or None,
            category=form.category.data or None,
            viewer=current_user,
        )
    ]


PAGES: dict[str, SheetPage] = {
    "checklist": SheetPage(ChecklistForm, _checklist),
    "patrol": SheetPage(PatrolForm, _patrol),
    "roster": SheetPage(RosterForm, _roster),
    "labels": SheetPage(LabelsForm, _labels),
    "history": SheetPage(HistoryForm, _history),
}


def _chooser(failed: PrintForm | None = None) -> ResponseReturnValue:
    forms = {name: page.form(formdata=None) for name, page in PAGES.items()}
    forms["record"] = RecordForm(formdata=None)
    prefill_for_lead(forms["checklist"], current_user)  # type: ignore[arg-type]
    if failed is not None:
        forms[failed.name] = failed
    return render_template("print/index.html", forms=forms, failed=failed), (
        422 if failed is not None else 200
    )


@bp.route("/")
@requires(PERMISSION)
def index() -> ResponseReturnValue:
    """Choose which paper sheets to print, and for what."""
    return _chooser()


@bp.route("/sheet.css")
@requires(PERMISSION)
def stylesheet() -> ResponseReturnValue:
    """The sheets' stylesheet for the HTML preview (the PDF reads it from disk)."""
    return send_file(STYLESHEET, mimetype="text/css", max_age=3600)


@bp.route("/preview.css")
@requires(PERMISSION)
def preview_stylesheet() -> ResponseReturnValue:
    """Paper on screen and the toolbar; the PDF never sees these rules."""
    return send_file(PREVIEW_STYLESHEET, mimetype="text/css", max_age=3600)


def _filename(name: str) -> str:
    parts = [name, *(v for k, v in sorted(request.args.items()) if k != "lang" and v)]
    return (secure_filename("-".join(parts)) or name) + ".pdf"


def _pdf(sheets: Sequence[Sheet], filename: str) -> Response:
    response = Response(sheets_pdf(sheets), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _preview(sheet: Sheet, pdf_url: str, back_url: str) -> str:
    return sheet_html(
        sheet,
        PreviewLinks(
            stylesheet_url=url_for("print.stylesheet"),
            preview_stylesheet_url=url_for("print.preview_stylesheet"),
            pdf_url=pdf_url,
            pdf_label=_("Download PDF"),
            back_url=back_url,
            back_label=_("Print something else"),
        ),
    )


def _serve(name: str, pdf: bool) -> ResponseReturnValue:
    if not request.args:
        return redirect(url_for("print.index", _anchor=name))
    page = PAGES[name]
    form = page.form(request.args)
    if not form.validate():
        return _chooser(form)
    try:
        sheets = page.build(form, _locale(form))
    except PrintInputError as exc:
        show_errors(form, exc)
        return _chooser(form)
    if pdf:
        return _pdf(sheets, _filename(name))
    return _preview(
        sheets[0],
        url_for(f"print.{name}_pdf", **request.args),
        url_for("print.index", _anchor=name),
    )


def _register(name: str) -> None:
    def preview() -> ResponseReturnValue:
        return _serve(name, pdf=False)

    def pdf() -> ResponseReturnValue:
        return _serve(name, pdf=True)

    preview.__doc__ = f"HTML preview of the {name} sheet."
    pdf.__doc__ = f"The {name} sheet as an A4 PDF."
    bp.add_url_rule(f"/{name}", f"{name}", requires(PERMISSION)(preview))
    bp.add_url_rule(f"/{name}.pdf", f"{name}_pdf", requires(PERMISSION)(pdf))


for _name in PAGES:
    _register(_name)


@bp.route("/record")
@requires(PERMISSION)
def record_lookup() -> ResponseReturnValue:
    """The chooser's work-order box: on to that work order's record."""
    form = RecordForm(request.args)
    if not form.validate() or form.work_order.data is None:
        form.work_order.errors = [*form.work_order.errors, _("Give the work order number.")]
        return _chooser(form)
    return redirect(url_for("print.record", work_order_id=form.work_order.data, **_lang_arg()))


def _lang_arg() -> dict[str, str]:
    lang = request.args.get("lang")
    return {"lang": lang} if lang else {}


def _record_sheet(work_order_id: int) -> Sheet:
    """The record, for those who may open its work order (the same 403 as `/work/<id>`)."""
    if not may_view(current_user, db.get_or_404(WorkOrder, work_order_id)):
        abort(403)
    form = RecordForm(request.args)
    try:
        return services.record(work_order_id, locale=_locale(form))
    except PrintInputError:
        abort(404)


@bp.route("/record/<int:work_order_id>")
@requires(PERMISSION)
def record(work_order_id: int) -> ResponseReturnValue:
    """A work order's maintenance record: blank before the visit, filled in after it."""
    return _preview(
        _record_sheet(work_order_id),
        url_for("print.record_pdf", work_order_id=work_order_id, **_lang_arg()),
        url_for("print.index", _anchor="record"),
    )


@bp.route("/record/<int:work_order_id>.pdf")
@requires(PERMISSION)
def record_pdf(work_order_id: int) -> ResponseReturnValue:
    """One completed visit's record as a PDF."""
    return _pdf([_record_sheet(work_order_id)], f"record-{work_order_id}.pdf")
