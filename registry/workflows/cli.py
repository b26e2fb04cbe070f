"""``flask --app registry import FILE [--dry-run] [--report PATH]``: thin over the importer."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.errors import DomainError


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the error report (.xlsx, bad cells highlighted) here.")
def import_command(file: Path, dry_run: bool, report_path: Path | None):
    """Import enterprises and plans from an .xlsx or .csv register (all or nothing)."""
    from registry.cli import fail
    from registry.permissions import SystemActor
    from registry.workflows.importer import read_upload, run_import
    from registry.workflows.workbooks import report_workbook

    try:
        register = read_upload(file)
        with click.progressbar(length=len(register.rows), label=f"import {file.name}") as bar:
            result = run_import(SystemActor("cli-import"), register, dry_run=dry_run,
                                progress=bar.update)
    except DomainError as exc:
        fail(exc)
    counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
    click.echo(f"{result.rows} rows read; {counts}")
    for key, sheet in result.sheets.items():
        click.echo(f"sheet {key}: " + ", ".join(f"{k}={v}" for k, v in sheet.items()))
    if result.errors:
        for e in result.errors:
            where = f"row {e.row}" if e.row else "file"
            click.echo(f"{e.sheet + ' ' if e.sheet else ''}{where}\t{e.column or '-'}\t"
                       f"{e.value!r}\t{e.message}")
        if report_path:
            report_path.write_bytes(report_workbook(register, result.errors))
            click.echo(f"error report written to {report_path}")
        raise click.ClickException(f"{len(result.errors)} error(s) in "
                                   f"{len({e.row for e in result.errors if e.row})} row(s); "
                                   "nothing was imported")
    for w in result.warnings:
        click.echo(f"warning: row {w.row}\t{w.column}\t{w.value!r}\t{w.message}", err=True)
    if result.warning_count > len(result.warnings):
        click.echo(f"warning: {result.warning_count - len(result.warnings)} more row(s) with "
                   "the same kind of warning", err=True)
    click.echo("dry run: every row is valid; nothing was written" if dry_run
               else "imported: all rows written in one transaction")
