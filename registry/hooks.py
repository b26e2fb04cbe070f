"""Cross-area hooks are named as "module:attribute" strings and resolved when used, so the
core never imports an area when it is loaded (docs/architecture.md)."""
from __future__ import annotations

import importlib


def resolve(target: str):
    """The object ``target`` names, "package.module:attribute"."""
    module_name, attr = target.split(":")
    return getattr(importlib.import_module(module_name), attr)


def register_named(targets: list[str], registry: dict, key) -> None:
    """Resolve each of ``targets`` and add it to ``registry`` under ``key(obj)``, keeping
    an entry already there."""
    for target in targets:
        obj = resolve(target)
        registry.setdefault(key(obj), obj)
