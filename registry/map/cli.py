"""Map layer commands: ``flask --app registry geodata import``."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


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
