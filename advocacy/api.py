"""JSON API plumbing: typed routes that parse with pydantic, one error shape, and the OpenAPI document.

Each API route is declared once with `ApiRoute(...)`, naming its request and response models; the
same declaration serves the request and describes it in `/api/openapi.json`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from advocacy.errors import DomainError, InvalidInput, NotFound
from advocacy.state import AppRequest

M = TypeVar("M", bound=BaseModel)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details or {}))
    return JSONResponse(body.model_dump(), status_code=status)


def domain_error_response(error: DomainError) -> JSONResponse:
    return error_response(error.status_code, error.code, error.message, error.details)


def _validation_details(error: ValidationError) -> dict[str, Any]:
    return {
        ".".join(str(part) for part in item["loc"]) or "body": item["msg"]
        for item in error.errors()
    }


# Deeper than any request of ours goes; deeper structures cost recursion in every layer that walks them.
MAX_JSON_DEPTH = 32


def _refuse_bad_shape(data: Any) -> None:
    """Refuse NUL characters (PostgreSQL text cannot hold them: a 422 here, not a database error)
    and nesting deeper than MAX_JSON_DEPTH, walking without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput("Text must not contain NUL characters.", {"body": "contains \\u0000"})
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep.")
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        stack.extend((item, depth + 1) for item in items)


def _whole_number(text: str) -> int | float:
    """A JSON number written with a fraction of zero (`14.0`) is the integer JSON Schema says it is."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


async def parse_body(request: AppRequest, model: type[M]) -> M:
    """The body as `model`, validated strictly: a value of the wrong JSON type is refused, not
    converted (`0` is not `false`, `"5"` is not `5`), and so is a field the model does not name, so
    the API takes exactly what its document describes (`DocumentedRules`)."""
    raw = await request.body()
    try:
        data = json.loads(raw or b"null", parse_float=_whole_number)
    except RecursionError:
        raise InvalidInput(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep.") from None
    except ValueError:
        raise InvalidInput("The request body is not valid JSON.") from None
    _refuse_bad_shape(data)
    try:
        # JSON mode, so dates and times are read from their JSON strings while strict.
        return model.model_validate_json(json.dumps(data), strict=True, extra="forbid")
    except ValidationError as error:
        raise InvalidInput("The request has invalid fields.", _validation_details(error)) from None


def parse_query(request: AppRequest, model: type[M]) -> M:
    _refuse_bad_shape(dict(request.query_params))
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as error:
        raise InvalidInput("The query has invalid parameters.", _validation_details(error)) from None


# Ids are 32-bit integer columns: a larger number in a path names nothing (and must not reach SQL).
MAX_ID = 2**31 - 1


def path_int(request: AppRequest, name: str) -> int:
    value = int(request.path_params[name])
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"There is no {name.removesuffix('_id').replace('_', ' ')} {value}.")
    return value


def respond(payload: BaseModel | Sequence[BaseModel], status: int = 200) -> Response:
    if isinstance(payload, BaseModel):
        return JSONResponse(payload.model_dump(mode="json"), status_code=status)
    return JSONResponse([item.model_dump(mode="json") for item in payload], status_code=status)


@dataclass(frozen=True)
class ApiRoute:
    """One JSON API route and what it takes and gives, for routing and for the OpenAPI document."""

    path: str
    endpoint: Callable[[AppRequest], Awaitable[Response]]
    method: str
    name: str
    summary: str
    response: type[BaseModel] | None = None
    response_is_list: bool = False
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = field(default=(401, 403, 422))
    # Rules JSON Schema cannot state (between two fields, about the outside world) for which a
    # request the document allows may still be refused with 422: each as its refusal's message
    # begins, listed in the 422 response.
    refusals: tuple[str, ...] = ()

    def route(self) -> Route:
        return Route("/api/v1" + self.path, self.endpoint, methods=[self.method], name=self.name)


# A field whose values come from the settings says `json_schema_extra={SETTING_CHOICE: "name"}`: the
# document lists `choices["name"]` as its enum (the service refuses any other value).
SETTING_CHOICE = "x-setting-choice"

# What `_refuse_bad_shape` allows in a string, as a JSON Schema pattern.
NO_NUL = "^[^\\u0000]*$"
# ... and also something other than the whitespace `str.strip()` removes (the services refuse a
# text that is blank once stripped), the whitespace spelled out so every regex dialect agrees.
_SPACE = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_SPACE}][^\\u0000]*$"


def years_pattern(first: int, last: int) -> str:
    """A regular expression for the four-digit years from `first` to `last`: whole centuries as
    `20[0-9]{2}`, the others one by one."""
    parts: list[str] = []
    for century in range(first // 100, last // 100 + 1):
        years = [year for year in range(century * 100, century * 100 + 100) if first <= year <= last]
        parts += [f"{century}[0-9]{{2}}"] if len(years) == 100 else [str(year) for year in years]
    return "|".join(parts)


class DocumentedRules(GenerateJsonSchema):
    """JSON Schema for the API models that also states what the parsing above enforces beyond the
    field types pydantic describes by itself: no NUL character in any string or key, no field a model
    does not name, and bounds on days (years from the first to the last allowed) and decimal strings."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        value = super().str_schema(schema)
        value.setdefault("pattern", NO_NUL)
        return value

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        value = super().dict_schema(schema)
        value.setdefault("propertyNames", {"pattern": NO_NUL})
        return value

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        value = super().model_schema(schema)
        if "properties" in value:
            value["additionalProperties"] = False
        return value

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        value = super().date_schema(schema)
        first, last = schema.get("ge"), schema.get("le")
        if first is not None and last is not None and (first.month, first.day, last.month, last.day) == (
            1, 1, 12, 31
        ):
            years = years_pattern(first.year, last.year)
            value["pattern"] = f"^(?:{years})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
        return value

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        value = super().decimal_schema(schema)
        places = schema.get("decimal_places")
        lowest = schema.get("gt", schema.get("ge"))
        sign = "" if lowest is not None and lowest >= 0 else "-?"
        fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else r"(?:\.[0-9]+)?"
        number = f"[0-9]+{fraction}"
        if schema.get("gt") == 0:  # more than zero: a digit other than 0 before or after the point
            small = "|".join(f"0{{{i}}}[1-9][0-9]{{0,{places - 1 - i}}}" for i in range(places)) \
                if places else "[0-9]*[1-9][0-9]*"
            number = f"(?:0*[1-9][0-9]*{fraction}|0+\\.(?:{small}))"
        for branch in value.get("anyOf", []):
            if branch.get("type") == "string":
                branch["pattern"] = f"^{sign}{number}$"
            if branch.get("type") == "number" and places:
                branch["multipleOf"] = 10.0 ** -places
        return value


def _fill_setting_choices(value: Any, choices: Mapping[str, Sequence[str]]) -> None:
    """Replace each `SETTING_CHOICE` mark in a schema by the enum of the setting it names."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if SETTING_CHOICE in item:
                item["enum"] = list(choices[item.pop(SETTING_CHOICE)])
                item.pop("pattern", None)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _error_response(api: ApiRoute, code: int, error_ref: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "Error",
                                "content": {"application/json": {"schema": error_ref}}}
    if code == 422:
        response["description"] = "The request breaks a rule the schema states"
        if api.refusals:
            response["description"] += (", or one it cannot state: " + " / ".join(api.refusals))
            response["x-refusals"] = list(api.refusals)
    return response


def openapi_document(
    routes: Sequence[ApiRoute], title: str, version: str, choices: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The OpenAPI document of `routes`; `choices` gives the values of the fields whose allowed values
    come from the settings (`SETTING_CHOICE`)."""
    schemas: dict[str, Any] = {}

    models: dict[str, type[BaseModel]] = {}

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        # Components are named after the model class: two different models with one name would
        # silently describe one route with the other's schema.
        if models.setdefault(model.__name__, model) is not model:
            raise ValueError(f"two API models are both named {model.__name__}: "
                             f"{models[model.__name__].__module__} and {model.__module__}")
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}",
                                         schema_generator=DocumentedRules)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict[str, Any] = {}
    error_ref = ref(ErrorResponse)
    for api in routes:
        parameters: list[dict[str, Any]] = []
        for part in api.path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1].split(":")[0]
                parameters.append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
                )
        if api.query is not None:
            query = api.query.model_json_schema(schema_generator=DocumentedRules)
            for name, info in query["properties"].items():
                parameters.append({"name": name, "in": "query", "required": False, "schema": info})
        operation: dict[str, Any] = {"operationId": api.name, "summary": api.summary}
        if parameters:
            operation["parameters"] = parameters
        if api.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(api.body)}},
            }
        ok: dict[str, Any] = {"description": "OK"}
        if api.response is not None:
            schema = ref(api.response)
            if api.response_is_list:
                schema = {"type": "array", "items": schema}
            ok["content"] = {"application/json": {"schema": schema}}
        responses: dict[str, Any] = {str(api.status): ok}
        for code in sorted(set(api.errors) | {422}):
            responses[str(code)] = _error_response(api, code, error_ref)
        operation["responses"] = responses
        if api.name != "api-login":
            operation["security"] = [{"bearer": []}]
        path = "/api/v1" + api.path.replace(":int", "")
        paths.setdefault(path, {})[api.method.lower()] = operation
    _fill_setting_choices(schemas, choices or {})
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
