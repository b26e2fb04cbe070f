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
@click.option("--name", default=None, help="What the token is for (shown in list-tokens).")
@click.option("--expires-days", type=int, default=None, help="The token stops working after this many days.")
def create_token_command(username, name, expires_days):
    """Issue an API token; the token is the last line printed."""
    from registry.auth.service import create_token
    from registry.permissions import SystemActor

    try:
        token = create_token(username, name=name, expires_days=expires_days,
                             actor=SystemActor("cli"))
    except DomainError as exc:
        fail(exc)
    click.echo(f"API token for {username} (shown once; store it safely):")
    click.echo(token)


def _cli_actor():
    from registry.permissions import SystemActor

    return SystemActor("cli")


@click.command("deactivate-user")
@with_appcontext
@click.argument("username")
def deactivate_user_command(username):
    """Deactivate a user: their sessions end and their API tokens are revoked at once."""
    from registry.auth.service import deactivate_user

    try:
        deactivate_user(_cli_actor(), username)
    except DomainError as exc:
        fail(exc)
    click.echo(f"deactivated {username}: sessions ended, tokens revoked")


@click.command("activate-user")
@with_appcontext
@click.argument("username")
def activate_user_command(username):
    """Reactivate a deactivated user (their old tokens stay revoked)."""
    from registry.auth.service import activate_user

    try:
        activate_user(_cli_actor(), username)
    except DomainError as exc:
        fail(exc)
    click.echo(f"activated {username}")


@click.command("reset-password")
@with_appcontext
@click.argument("username")
def reset_password_command(username):
    """Set a temporary password (the last line printed), to be changed at the next log-in."""
    from registry.auth.service import reset_password

    try:
        temporary = reset_password(_cli_actor(), username)
    except DomainError as exc:
        fail(exc)
    click.echo(f"temporary password for {username} (must be changed at the next log-in):")
    click.echo(temporary)


@click.command("revoke-token")
@with_appcontext
@click.argument("name_or_id")
def revoke_token_command(name_or_id):
    """Revoke one API token (its id, from list-tokens) or all of a user's (their name)."""
    from registry.auth.service import revoke_tokens

    try:
        count = revoke_tokens(_cli_actor(), name_or_id)
    except DomainError as exc:
        fail(exc)
    click.echo(f"revoked {count} token(s)")


@click.command("list-tokens")
@with_appcontext
@click.option("--user", "username", default=None)
def list_tokens_command(username):
    """List API tokens: id, user, name, created, expires, last used, state."""
    from registry.auth.service import list_tokens
    from registry.models.base import utcnow

    now = utcnow()

    def when(value):
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    click.echo("id\tuser\tname\tcreated\texpires\tlast used\tstate")
    for t in list_tokens(_cli_actor(), username):
        state = ("revoked" if t.revoked else "expired" if t.expires_at and t.expires_at <= now
                 else "inactive user" if not t.user.active else "active")
        click.echo(f"{t.id}\t{t.user.username}\t{t.name or '-'}\t{when(t.created_at)}\t"
                   f"{when(t.expires_at)}\t{when(t.last_used_at)}\t{state}")


COMMANDS = (create_user_command, create_token_command, deactivate_user_command,
            activate_user_command, reset_password_command, revoke_token_command,
            list_tokens_command)
