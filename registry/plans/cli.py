"""``flask --app registry recompute-deadlines``: when the official calendar of a year
arrives (a newer ``chinesecalendar``), every approximate filing deadline is computed again
and ``filed_late`` re-judged, audited (``registry/plans/deadlines.py``)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.cli import fail
from registry.errors import DomainError


@click.command("recompute-deadlines")
@with_appcontext
def recompute_deadlines_command():
    """Recompute approximate filing deadlines and re-judge late filings (audited)."""
    from registry.permissions import SystemActor
    from registry.plans.deadlines import recompute_deadlines

    try:
        counts = recompute_deadlines(SystemActor("recompute-deadlines"))
    except DomainError as exc:
        fail(exc)
    click.echo(f"deadlines: {counts['checked']} approximate checked, {counts['changed']} "
               f"changed, {counts['still_approximate']} still approximate; "
               f"{counts['now_late']} now late, {counts['no_longer_late']} no longer late; "
               f"{counts['changes']} change notification deadlines changed.")
