"""Thin command-line commands over the services (``flask --app registry ...``)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask import Flask, current_app

from registry.errors import DomainError, ValidationFailed


def _fail(exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items()]
        raise click.ClickException("\n".join(lines))
    raise click.ClickException(str(exc.message or exc.code))


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "officer", "viewer"]), required=True)
@click.option("--county", "counties", multiple=True, help="County code (repeatable).")
@click.option("--password", required=True)
@click.option("--email", default=None)
def create_user_command(username, role, counties, password, email):
    """Create a user."""
    from registry.auth.service import create_user
    from registry.permissions import SystemActor

    try:
        user = create_user(SystemActor("cli"), username, role, password, counties, email=email)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created user {user.username} ({user.role}) counties: "
               f"{', '.join(sorted(user.county_codes)) or 'all'}")


@click.command("create-token")
@with_appcontext
@click.argument("username")
def create_token_command(username):
    """Issue an API token; the token is the last line printed."""
    from registry.auth.service import create_token

    try:
        token = create_token(username)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"API token for {username} (shown once; store it safely):")
    click.echo(token)


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
        click.echo(f"  {username:<20} {role:<8} {password}")
    click.echo(f"log in at {current_app.config['BASE_URL']}/login")


@click.group("geodata")
def geodata_group():
    """Map layers: replace the shipped layers with official ones."""


@geodata_group.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--layer", required=True,
              type=click.Choice(["counties", "rivers", "sections", "receptors", "intercepts"]))
def geodata_import_command(path, layer):
    """Validate FILE (GeoJSON, GeoPackage or shapefile) and make it the LAYER layer.

    The whole file is refused, with every problem listed, if anything is wrong."""
    from geodata.layers import LayerError
    from registry.map.service import import_layer
    from registry.permissions import SYSTEM

    try:
        result = import_layer(SYSTEM, path, layer)
    except LayerError as exc:
        click.echo(f"geodata: {path} refused as the {layer} layer; nothing changed:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None
    click.echo(f"geodata: {result['features']} features imported as the {layer} layer "
               f"({result['path']}).")


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


def init_app(app: Flask) -> None:
    from registry.backup.cli import COMMANDS as BACKUP_COMMANDS
    from registry.reminders.cli import reminders_group
    from registry.workflows.cli import import_command

    for command in (create_user_command, create_token_command, load_demo_command,
                    geodata_group, scheduler_command, reminders_group, import_command,
                    *BACKUP_COMMANDS):
        app.cli.add_command(command)
