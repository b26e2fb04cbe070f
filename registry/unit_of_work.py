"""Several service calls as one transaction (issue #15 §6), instead of ``commit=`` and
``is_demo=`` flags threaded through every service for the callers that need them (the demo
loader, an accepted application filing its plan and inventory, test fixtures).

A service ends its change with :func:`finish`: alone, that commits; inside
``with unit_of_work():`` it only flushes, and the unit commits once at the end or rolls
everything back if anything in it raised. ``unit_of_work(demo=True)`` also marks what the
services create in it as demo data (:func:`marks_demo`). Units nest: an inner one joins
the outer (its commit and its demo mark are the outer's).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from registry.errors import Conflict
from registry.extensions import db


@dataclass(frozen=True)
class Unit:
    demo: bool = False


_current: ContextVar[Unit | None] = ContextVar("registry_unit_of_work", default=None)


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Another change to this record was saved at the same time; "
                         "reload and try again.")) from None


@contextmanager
def unit_of_work(*, demo: bool = False) -> Iterator[Unit]:
    """Run the block's service calls in one transaction: commit at the end (a constraint
    refusing it is a Conflict), roll back if the block raises."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    unit = Unit(demo=demo)
    token = _current.set(unit)
    try:
        yield unit
        _commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _current.reset(token)


def finish() -> None:
    """The last step of a service's change: commit it (a constraint refusing the commit,
    e.g. a concurrent change taking the same filing number, is a Conflict), or, inside a
    unit of work, flush it for the unit's commit."""
    if _current.get() is None:
        _commit()
    else:
        db.session.flush()


def marks_demo() -> bool:
    """Whether what is created now is demo data (inside ``unit_of_work(demo=True)``)."""
    unit = _current.get()
    return unit is not None and unit.demo
