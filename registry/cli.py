"""Core command-line commands (``flask --app registry ...``): the demo data and the
scheduler; each area declares its own commands in its ``Area(commands=...)``. ``fail`` turns a
domain error into the command's error message."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.errors import DomainError, ValidationFailed


def fail(exc: DomainError) -> None:
    """Stop the command with ``exc`` as its message (exit 1). A file's errors (an import's
    ``file`` field: row, column and rule each) are listed one per line."""
    if isinstance(exc, ValidationFailed):
        lines = [line for field, msgs in exc.fields.items()
                 for line in (msgs if field == "file" else [f"{field}: {' '.join(msgs)}"])]
        raise click.ClickException("\n".join(lines))
    raise click.ClickException(str(exc.message or exc.code))


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when data already exists.")
def load_demo_command(if_empty):
    """Load the Xuchang demo data (527 plans: 494 general, 26 major, 7 serious)."""
    from registry import demo
    from registry.clock import today

    if not demo.database_empty():
        if if_empty:
            click.echo("demo: the database already holds data; nothing loaded.")
            return
        raise click.ClickException("the database already holds enterprises or plans; "
                                   "demo data not loaded")
    click.echo("demo: loading Xuchang demo data (演示数据)…")
    from registry.map.service import inside_county

    result = demo.load_demo(today(), inside=inside_county)
    click.echo(f"demo: {result['enterprises']} enterprises with current plans "
               f"({result['revised']} with an earlier, superseded version).")
    click.echo(f"demo: reminders run once: {result['reminders']}")
    click.echo("demo users (passwords are shown only now):")
    for username, role, password in result["users"]:
        click.echo(f"  {username:<20} {role:<10} {password}")
    click.echo(f"log in at {current_app.config['BASE_URL']}/login")


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduled jobs (production: its own process). Several may run; one is active
    per database, the others stand by and take over if it stops."""
    import signal
    import threading

    from registry.scheduler import SchedulerRunner

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    SchedulerRunner(current_app._get_current_object(),
                    report=lambda msg: click.echo(msg, nl=True)).run(stop)


COMMANDS = (load_demo_command, scheduler_command)
