"""Every change to an audited record leaves who, when, and before/after values."""

from flask import Flask

from app.audit.actor import Actor, acting_as
from app.audit.services import history_of
from app.extensions import db
from app.sites.models import Site


def test_creating_and_editing_a_site_is_logged_with_the_actor_and_values(app: Flask) -> None:
    with acting_as(Actor(None, "wang")):
        site = Site(code="YG", name="阳光花园")
        db.session.add(site)
        db.session.flush()
        site.name = "阳光花园二期"
        db.session.flush()
    entries = history_of("site", site.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes["name"] == ["阳光花园", "阳光花园二期"]
    assert entries[1].entity_id == site.id
    assert {e.actor for e in entries} == {"wang"}


def test_a_flush_without_real_changes_logs_nothing(app: Flask) -> None:
    site = Site(code="YG", name="阳光花园")
    db.session.add(site)
    db.session.flush()
    site.name = "阳光花园"
    db.session.flush()
    assert [e.action for e in history_of("site", site.id)] == ["create"]
