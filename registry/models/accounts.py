from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow

ROLES = ("admin", "officer", "viewer", "enterprise")

user_counties = sa.Table(
    "user_counties",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("county_code", sa.ForeignKey("counties.code"), primary_key=True),
)

# An ``enterprise`` user (企业用户) acts for these enterprises only (issue #19).
user_enterprises = sa.Table(
    "user_enterprises",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("enterprise_id", sa.ForeignKey("enterprises.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    display_name: Mapped[str | None] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by log-out, a password change or reset and deactivation: a session cookie
    # carries the generation it was made in and stops working once it differs (issue #17.3).
    session_generation: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # Set by an administrator's password reset: the next log-in must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                       server_default=sa.false())
    counties = relationship("County", secondary=user_counties, lazy="selectin",
                            order_by="County.code")
    # Loaded on first use (enterprise users only): every other request costs no query.
    enterprises = relationship("Enterprise", secondary=user_enterprises, lazy="select",
                               order_by="Enterprise.id")

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    @property
    def county_codes(self) -> set[str]:
        return {c.code for c in self.counties}

    @property
    def enterprise_ids(self) -> frozenset[int]:
        """The enterprises an ``enterprise`` user acts for (empty for every other role)."""
        return frozenset(e.id for e in self.enterprises) if self.role == "enterprise" else frozenset()


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(64))
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    user = relationship("User", lazy="joined")


class LoginFailure(db.Model):
    """Failed log-ins, per user name, for throttling across all workers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))


class LoginThrottle(db.Model):
    """Failed log-in attempts counted per key in a fixed window, one row a key
    (``user:<name>|<address>`` and ``addr:<address>``). Counted with one atomic upsert, so
    parallel guesses in any number of workers cannot pass the limit (issue #17.5)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer)
    window_start: Mapped[datetime]


class AccountLink(db.Model):
    """A one-time link that lets a person choose the password of an account made for them
    (an enterprise account made by a county officer or approved from a self-registration,
    issue #19). Only the link's SHA-256 is stored; a new link for the same account ends the
    earlier ones; a used or expired link does nothing."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(128))


ENROLMENT_STATUSES = ("pending", "approved", "refused")


class EnrolmentRequest(db.Model):
    """An enterprise's request for an account (企业用户注册申请), made without log-in and
    decided by an officer of the county it names (issue #19)."""

    __tablename__ = "enrolment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("counties.code"), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    enterprise_name: Mapped[str] = mapped_column(sa.String(200))
    contact_name: Mapped[str] = mapped_column(sa.String(64))
    contact_phone: Mapped[str] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(254))
    username: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by: Mapped[str | None] = mapped_column(sa.String(128))
    decided_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
