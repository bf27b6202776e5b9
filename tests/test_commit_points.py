"""One commit point per request, CLI command and job: nobody else calls `session.commit()`.

Services flush; `api_route` commits for the API and `save` for the pages. CLI commands,
the worker's jobs and generation's per-batch store commit at their own boundary. A new
`commit()` anywhere else fails here, naming the file and line.
"""

import ast
from pathlib import Path

import pytest
from flask import Flask, get_flashed_messages
from sqlalchemy import select

from app.api.spec import committing
from app.core.validation import N_, ValidationError
from app.extensions import db
from app.sites.models import Site
from app.sites.services import create_site
from app.web.forms import save

APP = Path(__file__).resolve().parent.parent / "app"

# Paths relative to app/; a trailing "/" allows a whole directory.
ALLOWED = (
    "api/spec.py",  # api_route: the API's commit point
    "web/forms.py",  # save: the pages' commit point
    "worker/jobs.py",  # each job commits at its end
    "worker/tasks.py",  # each queued task (a background import) commits at its end
    "scheduling/generation",  # generation commits per batch, for crash safety
    "demo/",  # loading the demo property
)


def _allowed(relative: str) -> bool:
    return relative.endswith("cli.py") or any(relative.startswith(a) for a in ALLOWED)


def _commits(source: str) -> list[int]:
    """Lines calling `<something>.session.commit()` or `session.commit()`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "commit":
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if name == "session":
            lines.append(node.lineno)
    return lines


def commits_outside_commit_points(root: Path = APP) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("migrations/") or _allowed(relative):
            continue
        found += [f"app/{relative}:{line}" for line in _commits(path.read_text("utf-8"))]
    return found


def test_only_the_commit_points_cli_and_jobs_commit() -> None:
    offenders = commits_outside_commit_points()
    assert offenders == [], (
        "commit through api_route or app.web.forms.save, not by hand: " + ", ".join(offenders)
    )


def test_the_scan_names_a_view_that_commits_by_hand(tmp_path: Path) -> None:
    views = tmp_path / "plans" / "views.py"
    views.parent.mkdir()
    views.write_text("def edit():\n    change()\n    db.session.commit()\n", "utf-8")
    (tmp_path / "plans" / "cli.py").write_text("db.session.commit()\n", "utf-8")
    assert commits_outside_commit_points(tmp_path) == ["app/plans/views.py:3"]


def test_the_scan_sees_a_bare_session_commit(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text("session = make()\nsession.commit()\n", "utf-8")
    assert commits_outside_commit_points(tmp_path) == ["app/jobs.py:2"]


def _site_kept(code: str) -> bool:
    """Whether the site survived: anything not committed is dropped first."""
    db.session.rollback()
    return db.session.scalar(select(Site).where(Site.code == code)) is not None


def test_save_commits_what_the_service_changed(app: Flask) -> None:
    with app.test_request_context():
        saved, site = save(lambda: create_site("KEEP", "Kept"))
        assert saved and site is not None
        assert _site_kept("KEEP")


def test_a_refused_save_keeps_nothing_and_tells_the_user_why(app: Flask) -> None:
    def half_then_refuse() -> None:
        create_site("HALF", "Half done")
        raise ValidationError({"name": N_("Enter a name.")})

    with app.test_request_context():
        outcome = save(half_then_refuse)
        assert not outcome  # `if save(...):` reads as "if it was saved"
        assert outcome == (False, None)
        assert not _site_kept("HALF")
        assert get_flashed_messages(with_categories=True) == [("danger", "请输入名称。")]


def test_an_unexpected_error_in_save_is_rolled_back_and_raised(app: Flask) -> None:
    def half_then_break() -> None:
        create_site("BROKE", "Broken")
        raise RuntimeError("bug")

    with app.test_request_context(), pytest.raises(RuntimeError):
        save(half_then_break)
    assert not _site_kept("BROKE")


@pytest.mark.parametrize(("status", "kept"), [(201, True), (422, False), (409, False)])
def test_an_api_endpoint_commits_only_what_it_answered_with_success(
    app: Flask, status: int, kept: bool
) -> None:
    def endpoint() -> tuple[dict[str, str], int]:
        create_site(f"API{status}", "From the API")
        return {}, status

    with app.test_request_context(method="POST"):
        assert committing(endpoint)().status_code == status
        assert _site_kept(f"API{status}") is kept
