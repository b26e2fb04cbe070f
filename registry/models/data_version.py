import sqlalchemy as sa

from registry.extensions import db

# One row (id 1): a token that changes with every committed change to the tables the
# enterprise list and the map are built from. Database triggers set it (migration 0007,
# registry/data_version.py); the only code that writes it is a restore
# (data_version.renew).
data_version = sa.Table(
    "data_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("token", sa.BigInteger, nullable=False),
)
