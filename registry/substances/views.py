"""Pages: the risk-substance table (admin edits, everyone reads) and an enterprise's risk
inventory form. Thin: parse the form, call the service, render."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from registry import audit, permissions
from registry.errors import Conflict, ValidationFailed
from registry.substances import control_items, inventory, service
from registry.substances.schemas import InventoryIn, SubstanceIn, SubstancePatch, SubstanceQuery
from registry.validation import form_data, validate
from registry.web.queries import read_query

bp = Blueprint("substances", __name__)
FIELDS = ("name", "cas", "aliases", "critical_quantity_t", "part", "category", "source")
# The inventory form's fields as its labels name them (a refusal's list names the field).
FORM_LABELS = {
    "substance_id": _l("Substance"), "max_quantity_t": _l("Maximum quantity (t)"),
    "storage": _l("Where stored"), "control_score": _l("Risk-control score (0–70)"),
    "control_items": _l("Risk-control items"), "e": "E",
    "e_reason": _l("Reason when E differs from the suggestion"),
    "population_5km": _l("Population within 5 km"),
    "population_500m": _l("Population within 500 m"),
    "population_source": _l("Source of the population figures"),
    "listed": _l("Listed hazardous process units (10 points each)"),
    "other": _l("Other high-temperature/high-pressure/flammable units (5 points each)"),
    "penalised": _l("Penalised in the last 3 years"),
}


def field_label(name: str) -> str:
    """A refused inventory field as the form names it: ``substances.0.max_quantity_t`` →
    第1行物质 · 最大存在量, ``water.control_items.1.score`` → 水 · 风险防控措施评分项 2."""
    parts = name.split(".")
    if parts[0] == "substances" and len(parts) >= 3 and parts[1].isdigit():
        return _("Substance line %(n)s", n=int(parts[1]) + 1) + " · " + \
            str(FORM_LABELS.get(parts[2], parts[2]))
    if parts[0] in ("air", "water") and len(parts) >= 2:
        medium = _("air") if parts[0] == "air" else _("water")
        if parts[1] == "control_items" and len(parts) >= 3 and parts[2].isdigit():
            return f"{medium} · " + _("risk-control item %(n)s", n=int(parts[2]) + 1)
        key = parts[2] if parts[1] == "process_units" and len(parts) >= 3 else parts[1]
        return f"{medium} · {FORM_LABELS.get(key, key)}"
    return str(FORM_LABELS.get(name, name))


@bp.get("/substances")
@login_required
def index():
    query = read_query(SubstanceQuery, request.args)
    return render_template("substances/index.html", query=query,
                           rows=service.search(current_user, query),
                           control_table=control_items.table(),
                           can_manage=permissions.can_manage_users(current_user))


def _substance_data() -> dict:
    data = form_data(request.form, lists=("media",))
    return {k: v for k, v in data.items() if k in FIELDS + ("media",)}


def _form(substance=None, data=None, errors=None, status=200):
    entries = audit.history("substance", [substance.id]) if substance else []
    return render_template("substances/form.html", substance=substance, data=data or {},
                           errors=errors or {}, audit_entries=entries), status


@bp.route("/substances/new", methods=["GET", "POST"])
@login_required
def create():
    service.require_admin(current_user)
    if request.method == "GET":
        return _form(data={"media": []})
    data = _substance_data()
    try:
        substance = service.create_substance(current_user, validate(SubstanceIn, data))
    except ValidationFailed as exc:
        return _form(data=data, errors=exc.fields, status=422)
    except Conflict as exc:
        return _form(data=data, errors={"name": [exc.message]}, status=409)
    flash(_("Substance added."), "success")
    return redirect(url_for("substances.edit", substance_id=substance.id))


@bp.route("/substances/<int:substance_id>/edit", methods=["GET", "POST"])
@login_required
def edit(substance_id):
    service.require_admin(current_user)
    substance = service.get_substance(current_user, substance_id)
    if request.method == "GET":
        data = service.to_dict(substance)
        data["aliases"] = "、".join(data["aliases"])
        return _form(substance, data=data)
    data = _substance_data()
    data.setdefault("media", [])
    try:
        service.update_substance(current_user, substance_id, validate(SubstancePatch, data))
    except ValidationFailed as exc:
        return _form(substance, data=data, errors=exc.fields, status=422)
    except Conflict as exc:
        return _form(substance, data=data, errors={"name": [exc.message]}, status=409)
    flash(_("Changes saved."), "success")
    return redirect(url_for("substances.edit", substance_id=substance_id))


# --- the inventory form ---------------------------------------------------------------

def inventory_from_form(form, loaded: dict | None = None) -> dict:
    """The inventory form as ``InventoryIn`` input: one substance line per filled row; per
    medium with risk-control items loaded (``control_items.table()``), the score of every
    item (a blank one counts 0) once any is filled, instead of the total."""
    loaded = loaded or {}

    def medium(prefix):
        fields = {k[len(prefix) + 1:]: (v.strip() or None) for k, v in form.items()
                  if k.startswith(prefix + "-") and not k.startswith(prefix + "-item-")}
        listed, other = fields.pop("listed", None), fields.pop("other", None)
        data = {k: v for k, v in fields.items() if v is not None}
        data["process_units"] = {"listed": listed or 0, "other": other or 0}
        scores = [(item, (form.get(f"{prefix}-item-{item.id}") or "").strip())
                  for item in loaded.get(prefix, ())]
        if any(score for _item, score in scores):
            data.pop("control_score", None)
            data["control_items"] = [{"item": item.name, "score": score or 0}
                                     for item, score in scores]
        return data

    lines = [{"substance_id": sid, "max_quantity_t": qty, "storage": store or None}
             for sid, qty, store in zip(form.getlist("substance_id"),
                                        form.getlist("max_quantity_t"), form.getlist("storage"))
             if sid or qty.strip()]
    return {"substances": lines, "air": medium("air"), "water": medium("water"),
            "penalised": form.get("penalised") in ("1", "on", "true")}


@bp.get("/enterprises/<int:enterprise_id>/risk-inventory/substances")
@login_required
def held_substances(enterprise_id):
    """What the enterprise declares it holds (JSON): the substances the incident report
    and the drill form offer for an enterprise chosen (static/substances/held.js)."""
    return {"items": inventory.held_substances(current_user, enterprise_id)}


@bp.route("/enterprises/<int:enterprise_id>/risk-inventory", methods=["GET", "POST"])
@login_required
def risk_inventory(enterprise_id):
    from registry.enterprises.service import get_enterprise

    enterprise = get_enterprise(current_user, enterprise_id)
    can_write = permissions.can_write_county(current_user, enterprise.county_code)
    errors, status = {}, 200
    if request.method == "POST":
        permissions.require_write_county(current_user, enterprise.county_code)
        try:
            inventory.put_inventory(current_user, enterprise_id, validate(
                InventoryIn, inventory_from_form(request.form, control_items.table())))
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
        else:
            flash(_("Risk inventory saved; the grade is recomputed."), "success")
            return redirect(url_for("substances.risk_inventory", enterprise_id=enterprise_id))
    stored = inventory.find_inventory(current_user, enterprise_id)
    loaded = control_items.table()
    values, lines = form_values(request.form if errors else None,
                                inventory.inputs(stored) if stored is not None else None, loaded)
    return render_template("substances/inventory.html", enterprise=enterprise, stored=stored,
                           control_table=loaded,
                           versions=inventory.versions(current_user, enterprise_id),
                           substances=service.search(current_user, SubstanceQuery()),
                           errors=errors, can_write=can_write, values=values,
                           lines=lines + [{}] * 5), status


def form_values(form, stored: dict | None, loaded: dict | None = None) -> tuple[dict, list[dict]]:
    """What the form shows: the refused input again, else the stored inventory's inputs
    (``InventoryIn`` as a dict); stored item scores go to the loaded items of their name."""
    if form is not None:
        lines = [{"substance_id": int(s) if s.isdigit() else None, "max_quantity_t": q,
                  "storage": st} for s, q, st in zip(form.getlist("substance_id"),
                                                     form.getlist("max_quantity_t"),
                                                     form.getlist("storage")) if s or q]
        return dict(form.items()), lines
    if stored is None:
        return {}, []
    values = {"penalised": "1" if stored.get("penalised") else ""}
    for name in ("air", "water"):
        medium = dict(stored.get(name) or {})
        units = medium.pop("process_units", {})
        values[f"{name}-listed"], values[f"{name}-other"] = units.get("listed"), units.get("other")
        if "control_items" in medium:
            given = medium.pop("control_items")
            ids = {item.name: item.id for item in (loaded or {}).get(name, ())}
            if given and all(line["item"] in ids for line in given):
                for line in given:
                    values[f"{name}-item-{ids[line['item']]}"] = line["score"]
            else:  # scored against items no longer (or never) loaded: shown as the total
                medium["control_score"] = sum(i["score"] for i in given)
        values.update({f"{name}-{k}": v for k, v in medium.items()})
    return values, [dict(line) for line in stored.get("substances", [])]


@bp.get("/grading-check")
@login_required
def grading_check():
    """分级核查: filed levels that differ from the computation, in the caller's counties."""
    from registry.jurisdictions.service import counties_in_view

    county = request.args.get("county_code") or None
    return render_template("substances/grading_check.html", county_code=county,
                           rows=inventory.grading_mismatches(current_user, county),
                           counties=counties_in_view(current_user))
