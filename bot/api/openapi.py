"""The OpenAPI 3.1 document, built from the endpoints' own pydantic models
(``bot.api.routes.ENDPOINTS``): what the handlers validate with is what it describes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.models import Problem

PROBLEM = "application/problem+json"
_REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "Not JSON",
    401: "No token, or a forged, expired or revoked one",
    403: "The token lacks the scope",
    404: "Unknown, or outside the client's buildings",
    422: "Invalid parameters or body, or refused by the desk's rules",
    429: "Too many calls from this client: wait `Retry-After` seconds",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    scope: str | None  # None: no token needed
    status: int = 200
    response: type[BaseModel] | None = None
    content_type: str = "application/json"
    path_params: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: Sequence[int] = field(default=(401, 403, 422, 429))
    description: str = ""


def _parameters(model: type[BaseModel], where: str, schema: dict[str, Any]) -> list[Any]:
    props = schema.get("properties", {})
    required = set(schema.get("required", ()))
    params = []
    for name, prop in props.items():
        param: dict[str, Any] = {
            "name": name,
            "in": where,
            "required": where == "path" or name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
        }
        if "description" in prop:
            param["description"] = prop["description"]
        if prop.get("type") == "array":
            param["style"], param["explode"] = "form", True
        params.append(param)
    return params


def build_document(endpoints: Sequence[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    bodies = {e.body for e in endpoints if e.body} | {Problem}
    responses = {e.response for e in endpoints if e.response}
    inputs = {m for e in endpoints for m in (e.query, e.path_params) if m}
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (m, "validation") for m in bodies | inputs
    ]
    models += [(m, "serialization") for m in responses]
    keys, definitions = models_json_schema(models, ref_template=_REF)
    schemas = definitions.get("$defs", {})

    def schema_of(model: type[BaseModel], mode: Literal["validation"]) -> dict[str, Any]:
        ref = keys[(model, mode)]["$ref"].rsplit("/", 1)[-1]
        return dict(schemas[ref])

    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        op: dict[str, Any] = {
            "operationId": f"{e.method}_{e.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "summary": e.summary,
            "parameters": [],
            "responses": {},
        }
        if e.description:
            op["description"] = e.description
        if e.scope is not None:
            op["security"] = [{"bearer": []}]
            op["description"] = (op.get("description", "") + f"\n\nScope: `{e.scope}`.").strip()
        if e.path_params:
            op["parameters"] += _parameters(
                e.path_params, "path", schema_of(e.path_params, "validation")
            )
        if e.query:
            op["parameters"] += _parameters(e.query, "query", schema_of(e.query, "validation"))
        if e.body:
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": keys[(e.body, "validation")]["$ref"]}}
                },
            }
        if e.response is not None:
            ok = {"schema": {"$ref": keys[(e.response, "serialization")]["$ref"]}}
        elif e.content_type == "text/csv":
            ok = {"schema": {"type": "string"}}
        else:
            ok = {"schema": {"type": "object"}}
        op["responses"][str(e.status)] = {"description": "OK", "content": {e.content_type: ok}}
        problem = {"$ref": keys[(Problem, "validation")]["$ref"]}
        for code in sorted({*e.errors, 400} if e.body else e.errors):
            op["responses"][str(code)] = {
                "description": _ERRORS[code],
                "content": {PROBLEM: {"schema": problem}},
            }
        if 429 in e.errors:
            op["responses"]["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}
            }
        paths.setdefault(e.path, {})[e.method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
