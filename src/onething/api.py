"""The HTTP API at /api/v1/: the contract for department systems and other channels.

Every error is a JSON body ``{"code", "message" (中文), "message_en", "details"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from onething.accounts.api import router as accounts_router
from onething.accounts.throttle import Throttled
from onething.cases.api import router as cases_router
from onething.cases.api import tasks_router
from onething.catalog.api import router as catalog_router
from onething.certificates.api import router as certificates_router
from onething.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onething.datahub.api import router as datahub_router
from onething.hotline.api import router as hotline_router
from onething.insight.api import router as insight_router
from onething.org.api import router as org_router
from onething.ratings.api import router as ratings_router
from onething.webhooks.api import router as webhooks_router


class ErrorOut(Schema):
    """The body of every error answer."""

    code: str
    message: str
    message_en: str
    details: dict[str, Any]


ERRORS = {
    400: "请求不符合业务规则 (a rule was broken)",
    401: "未登录或令牌无效 (no valid bearer token)",
    403: "无权操作 (not allowed)",
    404: "不存在或无权查看 (not found)",
    409: "状态已变化 (conflict)",
    422: "请求内容不符合接口定义 (request does not match the schema)",
    429: "请求过于频繁 (throttled)",
}


class OneThingAPI(NinjaAPI):
    """Documents the error answers the exception handlers below give, on every operation, so
    the OpenAPI document is the whole contract (schemathesis checks it)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema()
        for operations in schema["paths"].values():
            for operation in operations.values():
                codes = set(ERRORS) - {401, 422}
                if operation.get("security"):
                    codes.add(401)
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.add(422)
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(
                        code,
                        {
                            "description": ERRORS[code],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
        return schema


api = OneThingAPI(
    title="OneThing 一件事一次办 API",
    version="1",
    description=(
        "一件事一次办平台接口：办事指南、申请、部门办件与回调。"
        " Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/auth/token` or"
        " a department token from `onething token create`."
    ),
    urls_namespace="api",
)
api.add_router("/auth", accounts_router)
api.add_router("/org", org_router)
api.add_router("/one-things", catalog_router)
api.add_router("/applications", cases_router)
api.add_router("/tasks", tasks_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/certificates", certificates_router)
api.add_router("/data", datahub_router)
api.add_router("/ratings", ratings_router)
api.add_router("/hotline", hotline_router)
api.add_router("/insight", insight_router)

STATUS = {PermissionDenied: 403, NotFound: 404, Conflict: 409, Throttled: 429}


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "code": "unauthenticated",
        "message": "请先登录，或提供有效的接口令牌。",
        "message_en": "Sign in first, or send a valid bearer token.",
        "details": {},
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, …) in the same shape as every other error."""
    if exc.status_code == 400:
        body = {
            "code": "unparsable_body",
            "message": "请求正文无法解析，请发送 JSON。",
            "message_en": "The request body cannot be parsed; send JSON.",
            "details": {},
        }
    else:
        body = {
            "code": f"http_{exc.status_code}",
            "message": "请求未能处理。",
            "message_en": str(exc),
            "details": {},
        }
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    body = {
        "code": "invalid_request",
        "message": "请求内容不符合要求，请检查标出的字段。",
        "message_en": "The request does not match the schema; see the listed fields.",
        "details": {"errors": exc.errors},
    }
    return api.create_response(request, body, status=422)
