"""Callers for the hardening tests: one user per kind of caller, with a bearer token."""
from __future__ import annotations

import pytest

COUNTY_A, COUNTY_B = "411081", "411025"
CALLERS = {"viewer": ("viewer", [COUNTY_A]), "officerA": ("officer", [COUNTY_A]),
           "officerB": ("officer", [COUNTY_B]), "admin": ("admin", [])}


@pytest.fixture(scope="session")
def password_hash():
    from werkzeug.security import generate_password_hash

    return generate_password_hash("correct-horse-battery")


@pytest.fixture
def caller_users(app, accounts, password_hash):
    """{label: (user id, bearer token)} for viewer (A), officerA, officerB and admin.

    Inserted with one precomputed password hash (hashing costs ~0.1 s a user); these tests
    are about who may do what, the log-in itself is tested in tests/registry/auth."""
    from registry.extensions import db
    from registry.models import County, User

    out = {}
    for label, (role, counties) in CALLERS.items():
        with app.app_context():
            user = User(username=f"caller-{label}", role=role, password_hash=password_hash,
                        counties=[db.session.get(County, c) for c in counties])
            db.session.add(user)
            db.session.commit()
            user_id = user.id
        out[label] = (user_id, accounts.token(f"caller-{label}"))
    return out
