"""One way to cut a list into pages (issue #15 §6): the rows of one page in a stated
order, and how many rows there are in all."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from registry.extensions import db


def page_of(stmt: sa.Select, order_by: Sequence, page: int, per_page: int, *,
            rows: bool = False) -> tuple[list, int]:
    """Page ``page`` (from 1) of ``stmt`` in ``order_by`` order, ``per_page`` to a page,
    and the total without paging. Entities by default; ``rows=True`` for the result rows
    of a statement selecting several columns or entities."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    paged = stmt.order_by(*order_by).limit(per_page).offset((max(page, 1) - 1) * per_page)
    result = db.session.execute(paged) if rows else db.session.scalars(paged)
    return list(result), total
