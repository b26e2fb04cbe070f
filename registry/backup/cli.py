"""``flask --app registry backup PATH`` and ``restore PATH``."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.backup import service


def _summary(manifest: dict) -> str:
    counts = manifest["counts"]
    return (f"{manifest['database']} database at revision {manifest['revision']}: "
            f"{counts.get('enterprises', 0)} enterprises, {counts.get('plans', 0)} plans; "
            f"files: {', '.join(f'{k} {v}' for k, v in manifest['files'].items())}")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Write the database and the uploaded files to the bundle PATH (a tar file)."""
    try:
        manifest = service.backup(path)
    except service.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup: {path} written ({_summary(manifest)}).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database and the uploaded files with those in the bundle PATH.

    Stop the web workers and the scheduler first."""
    try:
        manifest = service.read_manifest(path)
        if not yes:
            click.confirm(f"Replace ALL current data with the backup of {manifest['created_at']} "
                          f"({_summary(manifest)})?", abort=True)
        service.restore(path)
    except service.BackupError as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from None
    click.echo(f"restore: {path} restored ({_summary(manifest)}).")


COMMANDS = (backup_command, restore_command)
