"""Accounts: users, password log-in with throttling, API tokens."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import after_this_request, current_app, has_request_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from registry import audit, data_version, permissions
from registry.unit_of_work import finish, marks_demo
from registry.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from registry.extensions import db
from registry.models import ApiToken, County, Enterprise, LoginFailure, LoginThrottle, User
from registry.models.accounts import ROLES, user_counties, user_enterprises
from registry.fields import halfwidth
from registry.hardening.text import LINE_BREAK, has_control
from registry.models.base import utcnow

MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The passwords nobody may choose (common_passwords.txt says where they come from)."""
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password (empty: nothing): the minimum length, the list of
    common passwords, the user's own name."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [_("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]
    if password.strip().lower() in common_passwords():
        return [_("This password is one of the most common passwords; choose another.")]
    if len((username or "").strip()) >= 3 and username.strip().lower() in password.lower():
        return [_("The password must not contain the user name.")]
    return []


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(actor, username: str, role: str, password: str, county_codes=(),
                email: str | None = None, display_name: str | None = None,
                enterprise_codes=()) -> User:
    """Create a user (administrators and the command line only). An ``enterprise`` user
    is bound to the enterprises of ``enterprise_codes`` (统一社会信用代码) and has no county.

    Raises ValidationFailed (bad role, short password, unknown county or credit code),
    Conflict (name taken).
    """
    permissions.require(permissions.can_manage_users(actor), actor)
    fields: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        fields["username"] = [_("This field is required.")]
    if role not in ROLES:
        fields["role"] = [_("Must be one of: %(expected)s.", expected=", ".join(ROLES))]
    problems = password_problems(password, username)
    if problems:
        fields["password"] = problems
    counties = []
    for code in county_codes:
        county = db.session.get(County, code)
        if county is None:
            fields.setdefault("county", []).append(_("Unknown county code %(code)s.", code=code))
        counties.append(county)
    if role in ("officer", "viewer") and not county_codes:
        fields.setdefault("county", []).append(
            _("Officers and viewers need at least one county."))
    enterprises = []
    if role == "enterprise":
        if county_codes:
            fields.setdefault("county", []).append(
                _("Enterprise users have no county; bind them to enterprises instead."))
        if not enterprise_codes:
            fields.setdefault("enterprise", []).append(
                _("Enterprise users need at least one enterprise (credit code)."))
        for code in enterprise_codes:
            code = "".join(halfwidth(code or "").split()).upper()
            found = db.session.scalar(sa.select(Enterprise).where(Enterprise.credit_code == code))
            if found is None:
                fields.setdefault("enterprise", []).append(
                    _("No enterprise with credit code %(code)s.", code=code))
            elif found not in enterprises:
                enterprises.append(found)
    elif enterprise_codes:
        fields.setdefault("enterprise", []).append(
            _("Only enterprise users are bound to enterprises."))
    if fields:
        raise ValidationFailed(fields)
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise Conflict(_("User name %(name)s is taken.", name=username))
    user = User(username=username, role=role, password_hash=generate_password_hash(
                    password, method=current_app.config["PASSWORD_HASH_METHOD"]),
                email=email, display_name=display_name, counties=counties, is_demo=marks_demo(),
                enterprises=enterprises)
    db.session.add(user)
    db.session.flush()
    after = {"username": username, "role": role, "counties": sorted(county_codes)}
    if enterprises:
        after["enterprises"] = sorted(e.credit_code for e in enterprises)
    audit.record(actor, "user.create", "user", user.id, None, after)
    finish()
    return user


class TooManyAttempts(Unauthorized):
    """Too many failed log-ins from this address (for this name, or for any): 429."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(_("Too many failed log-ins. Try again in %(n)s minutes.",
                           n=-(-self.retry_after // 60)))


_throttle = LoginThrottle.__table__


def _upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _hit(key: str, now, window: timedelta) -> tuple[int, object]:
    """Count one attempt for ``key`` in its window, atomically (one upsert; the row is
    locked until the caller commits); returns (attempts in the window, window start)."""
    cutoff = now - window
    insert = _upsert(db.session.get_bind().dialect.name)
    stale = _throttle.c.window_start < cutoff
    stmt = insert(_throttle).values(key=key, failures=1, window_start=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_throttle.c.key],
        set_={"failures": sa.case((stale, 1), else_=_throttle.c.failures + 1),
              "window_start": sa.case((stale, now), else_=_throttle.c.window_start)},
    ).returning(_throttle.c.failures, _throttle.c.window_start)
    row = db.session.execute(stmt).one()
    return row.failures, row.window_start


def count_attempt(key: str, window: timedelta) -> int:
    """Count one attempt for ``key`` (e.g. ``enrol:<address>``) in windows of ``window``,
    atomically across workers; returns the attempts in the current window. The caller
    commits."""
    return _hit(key, utcnow(), window)[0]


def _forgive(user_key: str, address_key: str) -> None:
    """A right password: the name's count from this address starts again, and the
    address is not charged for this attempt."""
    db.session.execute(sa.delete(_throttle).where(_throttle.c.key == user_key))
    db.session.execute(sa.update(_throttle).where(_throttle.c.key == address_key,
                                                  _throttle.c.failures > 0)
                       .values(failures=_throttle.c.failures - 1))


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of the configured method and cost, to check an unknown name's password
    against: the answer then takes as long as for a real name (issue #17.6)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def authenticate(username: str, password: str, remote_addr: str | None = None) -> User:
    """Check a password.

    Attempts are counted before the password is checked, per (user name, client address)
    (``LOGIN_MAX_FAILURES``) and per client address (``LOGIN_MAX_FAILURES_PER_ADDRESS``) in
    windows of ``LOGIN_LOCKOUT_MINUTES``; a right password takes its attempt back. So
    parallel guesses get no more checks than the limit, one address cannot spray names,
    and nobody at another address can lock an officer out.

    Raises TooManyAttempts (a 429 with Retry-After) or Unauthorized."""
    username = (username or "").strip()
    if has_control(username) or has_control(password or ""):
        raise Unauthorized(_("Wrong user name or password."))  # no such user can exist
    config = current_app.config
    address = (remote_addr or "unknown")[:64]
    user_key, address_key = f"user:{username[:64]}|{address}", f"addr:{address}"
    now, window = utcnow(), timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    for_user, user_window = _hit(user_key, now, window)
    for_address, address_window = _hit(address_key, now, window)
    db.session.commit()
    blocked = [start for count, start, limit in (
        (for_user, user_window, config["LOGIN_MAX_FAILURES"]),
        (for_address, address_window, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
        if count > limit]
    if blocked:
        raise TooManyAttempts(max((start + window - now).total_seconds() for start in blocked))
    user = db.session.scalar(sa.select(User).where(User.username == username))
    password_ok = check_password_hash(user.password_hash if user is not None else _dummy_hash(),
                                      password or "")
    if user is None or not user.active or not password_ok:
        db.session.add(LoginFailure(username=username[:64], remote_addr=address))
        db.session.commit()
        raise Unauthorized(_("Wrong user name or password."))
    _forgive(user_key, address_key)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Every session cookie of ``user`` stops working (flushes; the caller commits)."""
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(session_generation=User.session_generation + 1))
    db.session.expire(user, ["session_generation"])


def log_out(user) -> None:
    """Log-out ends every session of the user, not only this cookie."""
    if not getattr(user, "is_authenticated", False):
        return
    end_sessions(user)
    db.session.commit()


def create_token(username: str, name: str | None = None, expires_days: int | None = None,
                 actor=None) -> str:
    """Issue a new API token for ``username``, optionally named and expiring after
    ``expires_days``; returns the token (shown once)."""
    user = get_user(username)
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationFailed({"expires_days": [_("Between 1 and 3650 days.")]})
    if name is not None and (len(name) > 64 or LINE_BREAK.search(name) or has_control(name)):
        raise ValidationFailed({"name": [_("At most 64 characters on one line.")]})
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    row = ApiToken(user_id=user.id, token_hash=_hash_token(token), name=name or None,
                   expires_at=expires_at)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token.create", "user", user.id, None,
                 {"token_id": row.id, "name": name, "expires_at": expires_at and expires_at.isoformat()})
    db.session.commit()
    return token


# Account lifecycle (issue #17.4). Every act is in the audit trail.

def get_user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(_("No user named %(name)s.", name=username))
    return user


def _revoke_all(user: User) -> int:
    result = db.session.execute(sa.update(ApiToken)
                                .where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                                .values(revoked=True))
    return result.rowcount


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"])


def deactivate_user(actor, username: str) -> User:
    """Deactivate an account: its sessions end and its tokens are revoked at once."""
    permissions.require(permissions.can_manage_users(actor), actor)
    return set_active(actor, get_user(username), False)


def activate_user(actor, username: str) -> User:
    permissions.require(permissions.can_manage_users(actor), actor)
    return set_active(actor, get_user(username), True)


def set_active(actor, user: User, active: bool) -> User:
    """Deactivate (sessions end, tokens revoked at once) or reactivate ``user``, audited and
    committed. The caller has checked that ``actor`` may (an administrator, or a county
    officer for its enterprises' accounts)."""
    if user.active == active:
        return user
    if not active and getattr(actor, "id", None) == user.id:
        raise Conflict(_("You cannot deactivate your own account."))
    user.active = active
    if active:
        audit.record(actor, "user.activate", "user", user.id, {"active": False}, {"active": True})
    else:
        end_sessions(user)
        revoked = _revoke_all(user)
        audit.record(actor, "user.deactivate", "user", user.id, {"active": True},
                     {"active": False, "tokens_revoked": revoked})
    db.session.commit()
    return user


def reset_password(actor, username: str) -> str:
    """A generated temporary password (returned, shown once) that must be changed at the
    next log-in; the user's sessions end."""
    permissions.require(permissions.can_manage_users(actor), actor)
    user = get_user(username)
    temporary = secrets.token_urlsafe(12)
    set_password(user, temporary)
    user.must_change_password = True
    end_sessions(user)
    audit.record(actor, "user.reset_password", "user", user.id)
    db.session.commit()
    return temporary


def change_password(user: User, current: str, new: str) -> int:
    """The user changes their own password; every other session of theirs ends. Returns
    the new session generation (for the caller's own session)."""
    fields: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current or ""):
        fields["current_password"] = [_("The current password is wrong.")]
    problems = password_problems(new, user.username)
    if problems:
        fields["new_password"] = problems
    elif new == current:
        fields["new_password"] = [_("Choose a password other than the current one.")]
    if fields:
        raise ValidationFailed(fields)
    set_password(user, new)
    user.must_change_password = False
    end_sessions(user)
    audit.record(user, "user.change_password", "user", user.id)
    db.session.commit()
    return user.session_generation


def update_user(actor, username: str, role: str, county_codes=()) -> User:
    """An administrator changes a user's role and counties."""
    permissions.require(permissions.can_manage_users(actor), actor)
    user = get_user(username)
    fields: dict[str, list[str]] = {}
    if role not in ROLES:
        fields["role"] = [_("Must be one of: %(expected)s.", expected=", ".join(ROLES))]
    counties = [db.session.get(County, code) for code in county_codes]
    if any(c is None for c in counties):
        fields["county"] = [_("Unknown county code %(code)s.", code=code)
                            for code, c in zip(county_codes, counties, strict=True) if c is None]
    if role in ("officer", "viewer") and not county_codes:
        fields.setdefault("county", []).append(_("Officers and viewers need at least one county."))
    if fields:
        raise ValidationFailed(fields)
    before = {"role": user.role, "counties": sorted(user.county_codes)}
    user.role, user.counties = role, counties
    after = {"role": role, "counties": sorted(county_codes)}
    if before != after:
        end_sessions(user)  # a narrower role must not live on in an open session
        audit.record(actor, "user.update", "user", user.id, before, after)
    db.session.commit()
    return user


def list_tokens(actor, username: str | None = None) -> list[ApiToken]:
    permissions.require(permissions.can_manage_users(actor), actor)
    query = sa.select(ApiToken).join(User).order_by(User.username, ApiToken.id)
    if username:
        query = query.where(User.username == username)
    return list(db.session.scalars(query))


def revoke_tokens(actor, name_or_id: str) -> int:
    """Revoke one token (its id) or every token of a user (their name); returns how many."""
    permissions.require(permissions.can_manage_users(actor), actor)
    text = str(name_or_id).strip()
    if text.isdigit() and len(text) < 10:
        token = db.session.get(ApiToken, int(text))
        if token is None:
            raise NotFound(_("No token %(id)s.", id=text))
        count = 0 if token.revoked else 1
        token.revoked = True
        audit.record(actor, "token.revoke", "user", token.user_id, None, {"token_id": token.id})
    else:
        user = get_user(text)
        count = _revoke_all(user)
        audit.record(actor, "token.revoke", "user", user.id, None, {"tokens_revoked": count})
    db.session.commit()
    return count


_tokens, _users = ApiToken.__table__, User.__table__

# Built once: the API checks a token on every request, and a prebuilt Core statement
# skips the ORM (compiled once, then cached by SQLAlchemy and prepared by psycopg).
_TOKEN_ACTOR = (
    sa.select(_users.c.id, _users.c.username, _users.c.role, _users.c.display_name,
              _users.c.locale, user_counties.c.county_code, data_version.token_column(),
              _tokens.c.id.label("token_id"), _tokens.c.last_used_at)
    .select_from(_tokens.join(_users, _users.c.id == _tokens.c.user_id)
                 .outerjoin(user_counties, user_counties.c.user_id == _users.c.id))
    .where(_tokens.c.token_hash == sa.bindparam("token_hash"), _tokens.c.revoked.is_(False),
           sa.or_(_tokens.c.expires_at.is_(None), _tokens.c.expires_at > sa.bindparam("now")),
           _users.c.active.is_(True)))
# A token's last use is written at most this often (a write per API request would be too
# many; the request's own transaction may be read-only).
LAST_USED_RESOLUTION = timedelta(minutes=10)


def _note_use(token_id: int, last_used_at, now) -> None:
    """Write the token's last use once the response is sent, in a short transaction of
    its own: the request's may be read-only (PostgreSQL) or hold SQLite's write lock."""
    if last_used_at is not None and now - last_used_at < LAST_USED_RESOLUTION:
        return
    app = current_app._get_current_object()

    def write() -> None:
        try:
            with app.app_context(), db.engine.begin() as conn:
                conn.execute(sa.update(_tokens).where(_tokens.c.id == token_id)
                             .values(last_used_at=now))
        except sa.exc.SQLAlchemyError:  # the next use notes it
            app.logger.warning("could not note the use of API token %s", token_id)

    if not has_request_context():
        write()
        return

    @after_this_request
    def _later(response):
        response.call_on_close(write)
        return response


def user_for_token(token: str) -> permissions.TokenActor | None:
    """The caller a bearer token stands for, or None when the token is empty, unknown,
    revoked or expired or its user is deactivated. One round trip: the token, its user and the
    user's counties joined (a row per county), and the data token, so that an answer
    kept by it costs no query of its own (registry/data_version.py)."""
    if not token:
        return None
    now = utcnow()
    rows = db.session.execute(_TOKEN_ACTOR, {"token_hash": _hash_token(token), "now": now}).all()
    if not rows:
        return None
    first = rows[0]
    _note_use(first.token_id, first.last_used_at, now)
    data_version.seen(first.data_token)
    enterprise_ids = frozenset()
    if first.role == "enterprise":  # a second query for enterprise tokens only
        enterprise_ids = frozenset(db.session.scalars(
            sa.select(user_enterprises.c.enterprise_id)
            .where(user_enterprises.c.user_id == first.id)))
    return permissions.TokenActor(
        id=first.id, username=first.username, role=first.role, enterprise_ids=enterprise_ids,
        display_name=first.display_name, locale=first.locale,
        county_codes=frozenset(r.county_code for r in rows if r.county_code is not None))


def set_locale(user, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"] or not getattr(user, "is_authenticated", False):
        return
    user.locale = locale
    db.session.commit()


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.username)))
