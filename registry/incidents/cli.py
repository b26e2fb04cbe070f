"""``flask --app registry resources import FILE``: thin over the resources importer."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.cli import fail
from registry.errors import ValidationFailed
from registry.incidents.resources_import import import_file
from registry.permissions import SystemActor


@click.group("resources", help="The emergency resources register (应急资源).")
def resources_group():
    pass


@resources_group.command("import", help="Load resources from an .xlsx or .csv file "
                                        "(all or nothing; every error is listed).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path):
    try:
        result = import_file(SystemActor("应急资源导入"), path)
    except ValidationFailed as exc:
        fail(exc)
    click.echo(f"added {result['added']}, updated {result['updated']}, "
               f"unchanged {result['unchanged']}")
