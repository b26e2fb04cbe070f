"""The API area: the /api/v1 blueprint (the areas add their operations, ``Area.api``)."""
from registry import api
from registry.areas import Area

area = Area(name="api", blueprints=(api.bp,))
