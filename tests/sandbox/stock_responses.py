"""Answers the dispatcher gives by itself, in each service's wire shape: injected throttling, outages,
gateway timeouts after a lost response, the Exchange concurrency limit, and unknown routes."""
import json
import math

from .services.graph import graph_error
from .services.identity import aadsts_error
from .services.partner_center import pc_error
from .wire import Headers, Request, Response

CONCURRENCY_MESSAGE = ("You have reached the maximum number of concurrent requests per tenant. "
                       "Please wait and try again")
HTML_UNAVAILABLE = "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
HTML_GATEWAY_TIMEOUT = "<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>"


def retry_after(service: str, seconds: float) -> str:
    """Identity sends whole seconds (msal parses an int); Graph and Exchange send decimals such as ``2.128``."""
    if service == "identity":
        return str(max(1, math.ceil(seconds)))
    return f"{max(seconds, 0.001):.3f}"


def _exchange_json(status: int, code: str, message: str, headers=None) -> Response:
    return Response.json(status, {"error": {"code": code, "message": message}}, headers=headers)


def throttled(request: Request, service: str, seconds: float) -> Response:
    headers = {"retry-after": retry_after(service, seconds)}
    if service == "identity":
        return aadsts_error(90033, request, status=429, headers=headers)
    if service == "graph":
        return graph_error(request, 429, "TooManyRequests", "Please retry again later.", headers=headers,
                           inner={"code": "429"})
    if service == "partner_center":
        return pc_error(request, 429, 429, "Rate limit is exceeded. Try again later.", headers)
    return _exchange_json(429, "TooManyRequests", "Too many requests. Please retry after the time in Retry-After.", headers)


def concurrency_limited(seconds: float) -> Response:
    return Response.text(429, CONCURRENCY_MESSAGE, headers={"retry-after": retry_after("exchange", seconds)})


def unavailable(request: Request, service: str, status: int, body_kind: str) -> Response:
    """503/504. ``body_kind`` json|html|empty: Graph and Exchange sometimes answer outages without JSON;
    identity and Partner Center always answer JSON."""
    if service == "identity":
        return aadsts_error(90033, request, status=status, headers={"retry-after": "1"})
    if service == "partner_center":
        return pc_error(request, status, 5000, "The service is temporarily unavailable.")
    if body_kind == "html":
        return Response(status, (HTML_UNAVAILABLE if status == 503 else HTML_GATEWAY_TIMEOUT).encode(),
                        headers=_headers("text/html"))
    if body_kind == "empty":
        return Response.empty(status)
    if service == "graph":
        code = "serviceNotAvailable" if status == 503 else "gatewayTimeout"
        return graph_error(request, status, code, "The service is temporarily unavailable. Please retry later.")
    return _exchange_json(status, "ServiceUnavailable" if status == 503 else "GatewayTimeout",
                          "The service is temporarily unavailable. Please retry later.")


def not_found(request: Request, service: str) -> Response:
    if service == "identity":
        return aadsts_error(900144, request, status=404, parameter="a known endpoint path")
    if service == "graph":
        return graph_error(request, 400, "BadRequest", f"Resource not found for the segment '{request.path}'.")
    if service == "partner_center":
        return pc_error(request, 404, 1000, f"Resource {request.path} was not found.")
    if service == "exchange":
        return Response.text(404, "The resource you are looking for has been removed, had its name changed, "
                                  "or is temporarily unavailable.")
    return Response.json(404, {"error": f"no route for {request.method} {request.path}"})


def internal_error(exc: BaseException) -> Response:
    return Response(500, json.dumps({"error": {"code": "InternalServerError",
                                               "message": f"sandbox bug: {type(exc).__name__}: {exc}"}}).encode(),
                    headers=_headers("application/json"))


def _headers(content_type: str) -> Headers:
    return Headers({"content-type": content_type})
