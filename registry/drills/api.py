"""Drill and corrective-action endpoints under /api/v1 (issue #5)."""
from registry.api import bp
from registry.api.routing import operation
from registry.drills import actions, schedule, serialise, service
from registry.drills.schemas import (ActionIn, ActionPatch, ActionQuery, DrillIn, DrillPatch,
                                     DrillQuery)
from registry.drills.schemas_out import (ActionOut, ActionPage, DrillOut, DrillPage,
                                         DrillStatusOut)


@operation(bp, "/drills", "GET", "List drills in your jurisdiction", "drills",
           query=DrillQuery, response=DrillPage, errors=(401, 422))
def list_drills(user, query):
    rows, total = service.list_drills(user, query)
    return {"items": [serialise.drill_to_dict(d) for d in rows], "total": total,
            "page": query.page, "per_page": query.per_page}


@operation(bp, "/drills", "POST", "Record a drill", "drills", body=DrillIn, response=DrillOut,
           status=201, errors=(401, 403, 404, 422))
def create_drill(user, body):
    return serialise.drill_to_dict(service.create_drill(user, body))


@operation(bp, "/drills/{drill_id}", "GET", "One drill with its improvement plan", "drills",
           response=DrillOut, errors=(401, 403, 404))
def get_drill(user, drill_id):
    return serialise.drill_to_dict(service.get_drill(user, drill_id))


@operation(bp, "/drills/{drill_id}", "PATCH", "Change a drill; close or reopen it", "drills",
           body=DrillPatch, response=DrillOut, errors=(401, 403, 404, 422))
def update_drill(user, drill_id, body):
    return serialise.drill_to_dict(service.update_drill(user, drill_id, body))


@operation(bp, "/drills/{drill_id}/actions", "POST", "Record a corrective action", "drills",
           body=ActionIn, response=ActionOut, status=201, errors=(401, 403, 404, 409, 422))
def add_action(user, drill_id, body):
    return serialise.action_to_dict(actions.add_action(user, drill_id, body))


@operation(bp, "/actions/{action_id}", "PATCH",
           "Change a corrective action or move it open → in_progress → done → verified",
           "drills", body=ActionPatch, response=ActionOut, errors=(401, 403, 404, 409, 422))
def update_action(user, action_id, body):
    return serialise.action_to_dict(actions.update_action(user, action_id, body))


@operation(bp, "/actions", "GET", "Corrective actions across drills (improvement plan)",
           "drills", query=ActionQuery, response=ActionPage, errors=(401, 422))
def list_actions(user, query):
    rows, total = actions.list_actions(user, query)
    return {"items": [serialise.action_to_dict(a) for a in rows], "total": total,
            "page": query.page, "per_page": query.per_page}


@operation(bp, "/enterprises/{enterprise_id}/drill-status", "GET",
           "An enterprise's last drill and when the next is due", "drills",
           response=DrillStatusOut, errors=(401, 403, 404))
def drill_status(user, enterprise_id):
    return schedule.enterprise_drill_status(user, enterprise_id)
