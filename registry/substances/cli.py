"""``flask --app registry substances import FILE`` and ``… import-control-items FILE``:
thin over the importers."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.cli import fail
from registry.errors import ValidationFailed
from registry.permissions import SystemActor
from registry.substances.importer import import_file


@click.group("substances", help="The HJ 941-2018 risk-substance table (风险物质).")
def substances_group():
    pass


@substances_group.command("import", help="Load the table from an .xlsx or .csv file "
                                         "(all or nothing; every error is listed).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path):
    try:
        result = import_file(SystemActor("风险物质导入"), path)
    except ValidationFailed as exc:
        fail(exc)
    click.echo(f"added {result['added']}, updated {result['updated']}")


@substances_group.command("import-control-items",
                          help="Load the risk-control items of the M sheet (介质, 评估项目, 分值, "
                               "来源) from an .xlsx or .csv file: they replace the items of "
                               "each medium the file names (all or nothing).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_control_items_command(path: Path):
    from registry.substances.control_items import import_file as import_items

    try:
        result = import_items(SystemActor("风险防控措施评分项导入"), path)
    except ValidationFailed as exc:
        fail(exc)
    click.echo(", ".join(f"{medium}: {n} items" for medium, n in result.items()))
