import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class County(db.Model):
    """A county-level jurisdiction (GB/T 2260 code) or a functional zone with a local code."""

    __tablename__ = "counties"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    city_code: Mapped[str] = mapped_column(sa.String(12), index=True)
    city_name: Mapped[str] = mapped_column(sa.String(64))
    # "county" (national code) or "zone" (functional zone with a local code).
    kind: Mapped[str] = mapped_column(sa.String(16), default="county")
    # Retired codes (e.g. 411023 许昌县, now 建安区) stay for old filing numbers only.
    retired: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    successor_code: Mapped[str | None] = mapped_column(sa.String(12))
    # Approximate seat, for map centring.
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
