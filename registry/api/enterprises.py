from flask import Response, current_app

from registry import data_version, permissions
from registry.api import bp
from registry.api.routing import operation
from registry.api.schemas import EnterpriseDetail, EnterprisePage
from registry.clock import today as local_today
from registry.enterprises import service
from registry.plans.status import due_soon_until
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch, EnterpriseQuery


def _detail(enterprise) -> dict:
    return {**service.to_dict(enterprise), "warnings": service.warnings(enterprise)}


def _list_item(row):
    item = service.row_to_dict(row)
    item["current_plan"] = None if row.plan_id is None else {
        "id": row.plan_id, "filing_number": row.filing_number, "risk_level": row.risk_level,
        "review_due_on": row.review_due_on.isoformat(), "status": row.status}
    return item


@operation(bp, "/enterprises", "POST", "Register an enterprise", "enterprises",
           body=EnterpriseIn, response=EnterpriseDetail, status=201, errors=(401, 403, 409, 422))
def create_enterprise(user, body):
    return _detail(service.create_enterprise(user, body))


@operation(bp, "/enterprises", "GET", "List enterprises in your jurisdiction", "enterprises",
           query=EnterpriseQuery, response=EnterprisePage, errors=(401, 422))
def list_enterprises(user, query):
    # Kept per worker while the data stand still (registry/data_version.py): the key holds
    # all else the page depends on: the caller's counties, the filters and the day.
    today = local_today()
    codes = permissions.visible_county_codes(user)
    key = (None if codes is None else tuple(sorted(codes)), query.q, query.county_code,
           query.risk_level, query.status, query.substance_id, query.page, query.per_page,
           today, due_soon_until(today))

    def build() -> bytes:
        rows, total = service.list_enterprises(user, query, today)
        return current_app.json.response({
            "items": [_list_item(row) for row in rows], "total": total,
            "page": query.page, "per_page": query.per_page}).get_data()

    body = data_version.cached("api_enterprise_list", key, build, max_bytes=LIST_CACHE_BYTES)
    return Response(body, mimetype=current_app.json.mimetype), 200


# Pages kept per worker (one per caller's scope, filter and page): 20 rows are ~10 KB.
LIST_CACHE_BYTES = 16 * 2**20


@operation(bp, "/enterprises/{enterprise_id}", "GET", "One enterprise", "enterprises",
           response=EnterpriseDetail, errors=(401, 403, 404))
def get_enterprise(user, enterprise_id):
    return _detail(service.get_enterprise(user, enterprise_id))


@operation(bp, "/enterprises/{enterprise_id}", "PATCH", "Change an enterprise", "enterprises",
           body=EnterprisePatch, response=EnterpriseDetail, errors=(401, 403, 404, 409, 422))
def update_enterprise(user, enterprise_id, body):
    return _detail(service.update_enterprise(user, enterprise_id, body))
