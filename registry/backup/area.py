"""The backup area: ``flask --app registry backup`` and ``restore``."""
from registry.areas import Area
from registry.backup import cli

area = Area(name="backup", commands=cli.COMMANDS)
