"""``flask --app registry reminders run [--today YYYY-MM-DD] [--dry-run]``."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext


@click.group("reminders")
def reminders_group():
    """Reminder e-mails (plan reviews; drills, actions, agreements as they land)."""


@reminders_group.command("run")
@with_appcontext
@click.option("--today", "today_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Compute what is due as of this day (default: today in TIMEZONE).")
@click.option("--dry-run", is_flag=True, help="Show what is due; record and send nothing.")
def run_command(today_, dry_run):
    """Compute everything due, send it, print `due N, sent N, failed N, skipped N`."""
    from registry.clock import today
    from registry.reminders.service import run_reminders

    day: date = today_.date() if today_ else today()
    summary = run_reminders(day, dry_run=dry_run)
    if summary.busy:
        click.echo("reminders: another run is still in progress; nothing done")
    if dry_run:
        click.echo(f"reminders: dry run as of {day.isoformat()}: {summary.would_send} would be sent")
    click.echo(summary.line())
