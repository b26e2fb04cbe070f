"""The OpenAPI 3.1 document, generated from the registered operations' pydantic schemas."""
from __future__ import annotations

from pydantic.json_schema import models_json_schema

from registry.api.routing import MAX_ID, OPERATIONS, path_param_is_int

ERROR_TEXT = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
              409: "Conflict", 413: "Payload too large", 422: "Validation failed"}


def build_spec(server_url: str = "") -> dict:
    from registry.api.schemas import ErrorOut

    models = {ErrorOut}
    for op in OPERATIONS:
        models.update(m for m in (op.body, op.response) if m is not None)
    _, top = models_json_schema([(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
                                ref_template="#/components/schemas/{model}")
    keyed = dict(top.get("$defs", {}))
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        op_id = op.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
        entry: dict = {"summary": op.summary, "tags": [op.tag],
                       "operationId": f"{op.method.lower()}_{op_id}", "responses": {}}
        params = [{"name": name, "in": "path", "required": True,
                   "schema": ({"type": "integer", "minimum": 0, "maximum": MAX_ID}
                              if path_param_is_int(name) else {"type": "string"})}
                  for name in _path_params(op.path)]
        if op.query is not None:
            schema = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, prop in schema.get("properties", {}).items():
                required = name in schema.get("required", [])
                if not required:
                    # The server reads an empty optional parameter (``?status=``, as a form
                    # with a blank filter sends it) as one left out: say so.
                    prop = {"anyOf": [prop, {"const": ""}],
                            "description": "Empty: the same as leaving the parameter out."}
                params.append({"name": name, "in": "query", "required": required,
                               "schema": prop})
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}}}
        if op.upload is not None:
            entry["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": [op.upload],
                "properties": {op.upload: {"type": "string", "format": "binary"}}}}}}
        ok = {"description": "OK"}
        if op.response is not None:
            ok["content"] = {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.response.__name__}"}}}
        if op.media is not None:
            ok["content"] = {op.media: {"schema": {"type": "string", "format": "binary"}}}
        entry["responses"][str(op.status)] = ok
        for code in op.errors:
            entry["responses"][str(code)] = {
                "description": ERROR_TEXT.get(code, "Error"),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        if not op.public:
            entry["security"] = [{"bearer": []}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "registry API", "version": "1",
                 "description": "Environmental emergency plan register (突发环境事件应急预案备案)."},
        "servers": [{"url": server_url.rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {"schemas": keyed,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)
