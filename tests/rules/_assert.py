"""Assertion helper for rule violations: the rule code and params are a contract
with the translated messages in registry.validation."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from registry.rules import RuleViolation


@contextmanager
def violates(rule: str, **params):
    """Expect a RuleViolation with exactly this ``rule`` and exactly these ``params``."""
    with pytest.raises(RuleViolation) as info:
        yield info
    assert info.value.rule == rule, f"{info.value.rule} != {rule}: {info.value}"
    assert info.value.params == params
    assert str(info.value)  # an English message for logs and the CLI
