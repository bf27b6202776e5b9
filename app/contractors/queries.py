"""Reads of contractors for pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import select

from app.contractors.models import Contractor
from app.extensions import db


def contractors_by_name() -> Sequence[Contractor]:
    return db.session.scalars(select(Contractor).order_by(Contractor.name)).all()
