"""Account commands: ``flask --app registry create-user`` and ``create-token``."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.cli import fail
from registry.errors import DomainError


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "officer", "viewer", "enterprise"]),
              required=True)
@click.option("--county", "counties", multiple=True, help="County code (repeatable).")
@click.option("--enterprise", "enterprises", multiple=True,
              help="Credit code of an enterprise an enterprise user acts for (repeatable).")
@click.option("--password", required=True)
@click.option("--email", default=None)
def create_user_command(username, role, counties, enterprises, password, email):
    """Create a user."""
    from registry.auth.service import create_user
    from registry.permissions import SystemActor

    try:
        user = create_user(SystemActor("cli"), username, role, password, counties, email=email,
                           enterprise_codes=enterprises)
    except DomainError as exc:
        fail(exc)
    if user.role == "enterprise":
        click.echo(f"created user {user.username} (enterprise) enterprises: "
                   f"{', '.join(e.credit_code for e in user.enterprises)}")
        return
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
        fail(exc)
    click.echo(f"API token for {username} (shown once; store it safely):")
    click.echo(token)


COMMANDS = (create_user_command, create_token_command)
