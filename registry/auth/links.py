"""One-time links to choose a password (issue #19): an account made for somebody else — an
enterprise account made by a county officer, or approved from a self-registration — has
no usable password until its owner opens the link mailed to them. Only the link's
SHA-256 is kept; a link works once, until ``ACCOUNT_LINK_HOURS`` after it was made, and a
newer link for the same account ends the older ones."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from registry import audit
from registry.auth.service import set_password, end_sessions, password_problems
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.models import AccountLink, User
from registry.models.base import utcnow
from registry.reminders import mail


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unusable_password() -> str:
    """A password hash nobody can log in with (the account waits for its link)."""
    return "!" + secrets.token_hex(16)


def issue(actor, user: User) -> str:
    """A new link for ``user`` (the earlier ones stop working); returns the token, which is
    only ever put in the mail. Flushes; the caller commits."""
    now = utcnow()
    db.session.execute(sa.update(AccountLink)
                       .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None),
                              AccountLink.expires_at > now)
                       .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get("ACCOUNT_LINK_HOURS", 72)
    db.session.add(AccountLink(user_id=user.id, token_hash=_digest(token),
                               expires_at=now + timedelta(hours=hours),
                               created_by=getattr(actor, "username", None) or "system"))
    db.session.flush()
    return token


def pending_user_ids(user_ids) -> set[int]:
    """Those of ``user_ids`` with a link still open (not used, not expired)."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(AccountLink.user_id).where(
        AccountLink.user_id.in_(ids), AccountLink.used_at.is_(None),
        AccountLink.expires_at > utcnow())))


def _open_link(token: str, lock: bool = False) -> AccountLink:
    stmt = sa.select(AccountLink).where(AccountLink.token_hash == _digest(token or ""))
    link = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound(_("This link is not valid or has expired. Ask the county bureau "
                         "to send a new one."))
    return link


def account_for(token: str) -> User:
    """The account a still-open link is for (NotFound otherwise)."""
    return db.session.get(User, _open_link(token).user_id)


def redeem(token: str, password: str, confirm: str) -> User:
    """Set the account's password from its link; the link is used up. Raises NotFound (no
    such open link) or ValidationFailed (the password rules, or the two differ)."""
    link = _open_link(token, lock=True)  # two tabs submitting at once: one wins
    user = db.session.get(User, link.user_id)
    problems = password_problems(password, user.username)
    if problems:
        raise ValidationFailed({"password": problems})
    if password != confirm:
        raise ValidationFailed({"confirm": [_("The two passwords differ.")]})
    set_password(user, password)
    user.must_change_password = False
    link.used_at = utcnow()
    end_sessions(user)
    audit.record(user, "user.password_set", "user", user.id, None, {"via": "link"})
    db.session.commit()
    return user


def send(user: User, token: str, template: str, **context) -> None:
    """Mail the link to the account's address, now (a failure raises, and the caller's
    transaction is not committed)."""
    link = url_for("auth.setup_account", token=token, _external=True)
    send_mail(user.email, user.display_name or user.username, template, user.locale,
              user=user, link=link, **context)


def send_mail(address: str, name: str | None, template: str, locale: str | None = None,
              **context) -> None:
    """One mail from ``<template>.subject.txt``, ``.txt`` and ``.html``, sent now through
    the app's mail transport (SMTP, or .eml files without MAIL_SERVER)."""
    config = current_app.config
    with force_locale(locale or config.get("BABEL_DEFAULT_LOCALE", "zh_CN")):
        subject = render_template(f"{template}.subject.txt", **context)
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    message = mail.build_message(config, address, name or "", subject.strip(), text, html)
    transport = mail.transport_for(config)
    try:
        transport.send(message, address)
    finally:
        transport.close()
