"""Pure domain rules (domain.md §2–4): no Flask, no database.

Every rule failure raises :class:`RuleViolation` carrying a stable ``rule`` code
(e.g. ``credit_code.check_digit``) and the values involved, so the service layer
can show a translated message that names the rule.
"""
from __future__ import annotations


class RuleViolation(ValueError):
    """A value broke a domain rule.

    ``rule``: stable code, ``"<topic>.<what>"``; ``params``: the values involved
    (used to format the translated message); ``str(exc)``: an English message.
    """

    def __init__(self, rule: str, message: str, **params):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.params = params
