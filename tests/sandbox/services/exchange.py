"""Exchange Online admin API (contract §5): ``InvokeCommand`` and ``$batch`` under ``/adminapi/beta/{tenant}``,
plus ``POST /_sandbox/tenants/{tenant}/exchange/invoke`` (a cmdlet with no auth or faults, for tests that
change state behind the client's back).

This module is the HTTP glue: tenant segment and token checks, the success envelope, paging, ``$select``,
and the Exchange-specific faults. The organisation itself is ``exchange.engine.ExchangeTenant``.
"""
import json
import uuid
from urllib.parse import unquote, urlsplit

from .. import cae, store as st
from ..exchange import errors
from ..exchange.cmdlets import MORE_RESULTS
from ..exchange.engine import ExchangeTenant
from ..tokens import InvalidToken
from ..wire import Headers, Request, Response

CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
DEFAULT_HOST = "outlook.office365.com"
WWW_AUTHENTICATE = (f'Bearer client_id="{st.EXCHANGE_APP_ID}", '
                    'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
                    'token_types="app_asserted_user_v1 service_asserted_app_v1", '
                    'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
                    'error="invalid_token"')
DELEGATED_SCOPE, APP_ROLE = "Exchange.Manage", "Exchange.ManageAsApp"
MAX_BATCH = 10
MAX_PAGE_SIZE = 1000
NUL_BODY = b"\x00" * 32
TENANT = r"/adminapi/(?P<version>[^/]+)/(?P<tenant>[^/]+)"
# Cmdlets served only by the backend of a particular system mailbox (contract §1.2, from CIPP): any other anchor
# lands on a backend that cannot run them. The error is the wrong-backend one of contract §5.4 (inferred).
ANCHORED_CMDLETS = {"set-adminauditlogconfig": "systemmailbox{8cc370d3-822a-4ab8-a926-bb94bd0641a9}@"}


def register(router) -> None:
    router.add("*", TENANT + r"/InvokeCommand", "exchange", invoke_command)
    router.add("*", TENANT + r"/\$batch", "exchange", batch)
    router.add("POST", r"/_sandbox/tenants/(?P<tenant>[^/]+)/exchange/invoke", "admin", admin_invoke)


# -- InvokeCommand -------------------------------------------------------------------------------------
def invoke_command(sandbox, request: Request, version: str, tenant: str) -> Response:
    request.service = "exchange"
    if version.lower() != "beta" or request.method.upper() != "POST":
        return Response.empty(405, {"allow": "POST"})
    cmdlet, parameters = _cmdlet_input(request)
    anchor = request.headers.get("x-anchormailbox") or ""
    request.meta.update(cmdlet=cmdlet, anchor=anchor or None, write=bool(cmdlet) and ExchangeTenant.is_write(cmdlet))
    customer = _customer(sandbox, tenant)
    if customer is None:
        return _unauthorized()
    request.tenant = customer.id
    denied = _authorize(sandbox, request.headers, customer, cmdlet)
    if denied is not None:
        return denied
    try:
        if cmdlet is None:
            raise errors.CmdletError(400, "Microsoft.Exchange.Admin.OData.Core.InvalidRequestBodyException",
                                     'The request body must be {"CmdletInput":{"CmdletName":...,"Parameters":{...}}}.',
                                     binding=True)
        body = _execute(sandbox, request, tenant, customer, cmdlet, parameters, anchor)
    except errors.CmdletError as error:
        return _error(request, error)
    return Response.json(200, body, headers=_trace_headers(request), content_type=CONTENT_TYPE)


def _cmdlet_input(request: Request):
    """(CmdletName, Parameters) from the body, or (None, None) when it is not a CmdletInput."""
    try:
        cmdlet_input = request.json().get("CmdletInput")
        name = cmdlet_input.get("CmdletName")
        return (name, cmdlet_input.get("Parameters")) if isinstance(name, str) and name else (None, None)
    except (ValueError, AttributeError):
        return None, None


def _customer(sandbox, segment: str):
    """The tenant named by the path: its GUID or initial domain. A vanity domain is refused like a stranger."""
    customer = sandbox.store.tenant_by_segment(segment)
    if customer is None or customer.exchange is None:
        return None
    if segment.lower() in (customer.id.lower(), customer.initial_domain.lower()):
        return customer
    return None


def _claims_refusal(sandbox, claims, customer):
    """The 401 of a claims challenge (cae.py) when the tenant's policy asks for an auth context the token lacks."""
    auth_context = sandbox.faults.setting("claims_challenge", "", "exchange", customer.id)
    if not auth_context or cae.satisfied(claims, auth_context):
        return None
    # Only a client that declared CP1 is told what to ask for; others are simply refused.
    return Response.empty(401, {"www-authenticate": cae.challenge_header(auth_context) if cae.capable(claims)
                                else WWW_AUTHENTICATE})


def _authorize(sandbox, headers, customer, cmdlet):
    """None when the token may run cmdlets in ``customer``; else the 401/403 Exchange answers."""
    try:
        claims = sandbox.tokens.verify(headers.get("authorization"), audience=st.audience_for(customer, st.EXCHANGE_APP_ID))
    except InvalidToken:
        return _unauthorized()
    if str(claims.get("tid", "")).lower() != customer.id.lower():
        return _unauthorized()
    refusal = _claims_refusal(sandbox, claims, customer)
    if refusal is not None:
        return refusal
    if "scp" in claims:
        if DELEGATED_SCOPE not in str(claims["scp"]).split():
            return _not_allowed(cmdlet)
        return _without_gdap_role(sandbox, customer)
    if APP_ROLE not in (claims.get("roles") or []):
        return _not_allowed(cmdlet)
    principal = customer.sp_by_app_id(str(claims.get("appid", "")))
    if principal is None or not principal.directory_roles:
        return _nul_forbidden("The service principal has the Exchange.ManageAsApp role but no Entra directory "
                              "role (for example Exchange Administrator) in this organization.")
    return None


# Directory roles that carry Exchange management for a partner user signed in through GDAP.
EXCHANGE_ADMIN_ROLES = {"29232cdf-9323-42fd-ade2-1d097af3e4de",     # Exchange Administrator
                        "62e90394-69f5-4237-9190-012177145e10"}     # Global Administrator


def _without_gdap_role(sandbox, customer):
    """The partner user reaches Exchange RBAC only through the roles of its active GDAP relationships (a DAP
    customer, with no relationship at all, is not restricted here). Missing RBAC answers the NUL-body 403."""
    roles = sandbox.store.partner_access(customer.id)
    if roles is None or EXCHANGE_ADMIN_ROLES & set(roles):
        return None
    return _nul_forbidden("The user has no Exchange management role in this organization: no active GDAP "
                          "relationship includes Exchange Administrator.")


def _execute(sandbox, request, segment, customer, cmdlet, parameters, anchor) -> dict:
    org, faults, tid = customer.exchange, sandbox.faults, customer.id
    now = sandbox.now()
    lifetime = float(faults.setting("cursor_lifetime_s", 1800.0, "exchange", tid))
    page_size = _page_size(request.headers.get("prefer"))
    skiptoken = request.query.get("$skiptoken")
    select = [n for n in request.query.get("$select", "").split(",") if n.strip()]
    with sandbox.store.lock:
        if faults.roll("exchange_transient_rate", "exchange", tid):
            raise errors.transient(*faults.choice(errors.TRANSIENT_EXCEPTIONS))
        if skiptoken:
            result, offset = org.cursors.take(skiptoken, anchor, now, lifetime)
        else:
            required = ANCHORED_CMDLETS.get(cmdlet.lower())
            if required and required not in anchor.lower():
                raise errors.CmdletError(400, "Microsoft.Exchange.Configuration.Tasks.CmdletProxyNotAvailableException",
                                         f"Cmdlet needs proxy. {cmdlet} must run on the server of "
                                         f"{required.rstrip('@')}; X-AnchorMailbox was '{anchor}'.")
            if request.meta["write"]:
                _addressing_fault(faults, customer, segment, anchor, parameters)
            lag = float(faults.setting("replication_lag_s", 0.0, "exchange", tid))
            result, offset = org.invoke(cmdlet, parameters, select, now, lag), 0
        rows = result.rows(offset, offset + page_size)
        more = offset + page_size < len(result.objects)
        token = org.cursors.open(result, offset + page_size, anchor, now, lifetime) if more else None
    warnings = [MORE_RESULTS] if more else list(result.warnings)
    return _envelope(request, segment, rows, warnings, token)


def _envelope(request, segment, rows, warnings, token=None) -> dict:
    base = f"https://{request.headers.get('host') or DEFAULT_HOST}/adminapi/beta/{segment}"
    body = {"@odata.context": f"{base}/$metadata#Collection(Exchange.GenericHashTable)",
            "adminapi.warnings@odata.type": "#Collection(String)", "@adminapi.warnings": warnings}
    if token:
        body["@odata.nextLink"] = f"{base}/InvokeCommand?%24skiptoken={token}"
    body["value"] = rows
    return body


def _page_size(prefer) -> int:
    """``Prefer: odata.maxpagesize=N``, clamped to 1..1000 (the default and maximum)."""
    for preference in (prefer or "").split(","):
        key, dummy, value = preference.strip().partition("=")
        if key.strip().lower() == "odata.maxpagesize" and value.strip().isdigit():
            return min(max(int(value), 1), MAX_PAGE_SIZE)
    return MAX_PAGE_SIZE


def _addressing_fault(faults, customer, segment, anchor, parameters) -> None:
    """Contract §5.10: writes addressed (path or anchor) by anything but the initial domain fail at
    ``addressing_fault_rate``; GUID addressing only when ``guid_addressing_fault`` is on."""
    guid_counts = bool(faults.setting("guid_addressing_fault", False, "exchange", customer.id))
    domains = [segment] + ([anchor.rpartition("@")[2]] if "@" in anchor else [])
    off_initial = [d for d in domains if d.lower() != customer.initial_domain.lower()
                   and (guid_counts or not st.GUID_RE.match(d))]
    if off_initial and faults.roll("addressing_fault_rate", "exchange", customer.id):
        identity = (parameters or {}).get("Identity") or customer.initial_domain
        raise errors.addressing(faults.choice(errors.ADDRESSING_EXCEPTIONS), str(identity), customer.exchange.dc)


# -- $batch --------------------------------------------------------------------------------------------
def batch(sandbox, request: Request, version: str, tenant: str) -> Response:
    """Up to 10 InvokeCommand sub-requests, each through the dispatcher (its own auth and injected
    failures); without ``Prefer: odata.continue-on-error`` the batch stops at the first failure."""
    request.service = "exchange"
    if version.lower() != "beta" or request.method.upper() != "POST":
        return Response.empty(405, {"allow": "POST"})
    customer = _customer(sandbox, tenant)
    if customer is None:
        return _unauthorized()
    request.tenant = customer.id
    # The batch's own token answers a claims challenge for all its items, as any 401 of the outer request does.
    outer_claims = sandbox.tokens.peek(request.headers.get("authorization"))
    refusal = _claims_refusal(sandbox, outer_claims, customer) if outer_claims else None
    if refusal is not None:
        return refusal
    try:
        items = request.json().get("requests")
    except (ValueError, AttributeError):
        items = None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        return _bad_batch(request, "The batch request body must be {\"requests\":[...]}.")
    if len(items) > MAX_BATCH:
        return _bad_batch(request, f"The batch contains {len(items)} requests; at most {MAX_BATCH} are allowed.")
    cmdlets = [((i.get("body") or {}).get("CmdletInput") or {}).get("CmdletName") for i in items]
    request.meta.update(cmdlets=[c for c in cmdlets if isinstance(c, str)],
                        write=any(ExchangeTenant.is_write(c) for c in cmdlets if isinstance(c, str)),
                        anchor=request.headers.get("x-anchormailbox"))
    continue_on_error = "odata.continue-on-error" in (request.headers.get("prefer") or "").lower()
    responses = []
    for index, item in enumerate(items):
        responses.append(_batch_item(sandbox, request, item, str(item.get("id", index))))
        if responses[-1]["status"] >= 400 and not continue_on_error:
            break
    return Response.json(200, {"responses": responses}, headers=_trace_headers(request),
                         content_type=CONTENT_TYPE)


def _batch_item(sandbox, outer: Request, item: dict, item_id: str) -> dict:
    url = urlsplit(str(item.get("url", "")))
    path = unquote(url.path)
    if not path.endswith("/InvokeCommand"):
        error = errors.CmdletError(400, "Microsoft.Exchange.Admin.OData.Core.InvalidRequestException",
                                   "A batch item must POST to .../InvokeCommand.", binding=True)
        return {"id": item_id, "status": 400, "headers": {}, "body": error.body()}
    headers = Headers(item.get("headers") or {})
    for name in ("authorization", "x-anchormailbox", "host", "client-request-id"):
        if name not in headers and outer.headers.get(name):
            headers[name] = outer.headers[name]
    body = item.get("body")
    sub = Request(method=str(item.get("method", "POST")).upper(), path=path, raw_query=url.query, headers=headers,
                  body=json.dumps(body).encode() if body is not None else b"")
    sub.meta["batch_item"] = item_id
    response = sandbox.dispatch(sub, nested=True)
    try:
        payload = json.loads(response.body) if response.body else None
    except ValueError:      # NUL bytes, HTML outage pages: passed on as text, as the gateway does
        payload = response.body.decode("latin-1")
    return {"id": item_id, "status": response.status, "headers": dict(response.headers), "body": payload}


def _bad_batch(request, text) -> Response:
    error = errors.CmdletError(400, "Microsoft.Exchange.Admin.OData.Core.InvalidBatchRequestException", text,
                               binding=True, message="Invalid batch request")
    return _error(request, error)


# -- admin ---------------------------------------------------------------------------------------------
def admin_invoke(sandbox, request: Request, tenant: str) -> Response:
    """Body ``{"CmdletName":..., "Parameters":{...}}`` (or wrapped in ``CmdletInput``); all rows, no paging."""
    customer = sandbox.store.tenant_by_segment(tenant)
    if customer is None or customer.exchange is None:
        return Response.json(404, {"error": f"no Exchange organisation for {tenant}"})
    try:
        body = request.json()
        cmdlet_input = body.get("CmdletInput", body)
        cmdlet, parameters = cmdlet_input["CmdletName"], cmdlet_input.get("Parameters")
    except (ValueError, AttributeError, KeyError, TypeError):
        return Response.json(400, {"error": "body must be {\"CmdletName\":..., \"Parameters\":{...}}"})
    request.tenant = customer.id
    request.meta.update(cmdlet=cmdlet, write=ExchangeTenant.is_write(cmdlet))
    try:
        with sandbox.store.lock:
            result = customer.exchange.invoke(cmdlet, parameters, None, sandbox.now())
            rows = result.rows()
    except errors.CmdletError as error:
        return Response.json(error.status, error.body(), content_type=CONTENT_TYPE)
    return Response.json(200, _envelope(request, customer.id, rows, result.warnings), content_type=CONTENT_TYPE)


# -- answers -------------------------------------------------------------------------------------------
def _trace_headers(request) -> dict:
    return {"request-id": str(uuid.uuid4()),
            "client-request-id": request.headers.get("client-request-id") or str(uuid.uuid4())}


def _error(request, error: errors.CmdletError) -> Response:
    if error.nul_body:
        return _nul_forbidden(error.text)
    return Response.json(error.status, error.body(), headers=_trace_headers(request), content_type=CONTENT_TYPE)


def _unauthorized() -> Response:
    return Response.empty(401, {"www-authenticate": WWW_AUTHENTICATE})


def _not_allowed(cmdlet) -> Response:
    return Response.json(401, {"error": {"code": "Unauthorized", "message": f"User is not allowed to call {cmdlet}"}},
                         headers={"www-authenticate": WWW_AUTHENTICATE})


def _nul_forbidden(reason: str) -> Response:
    """403 whose body is NUL bytes under a bogus ``Content-Encoding: gzip``; the reason only in x-ms-diagnostics."""
    return Response(403, NUL_BODY, Headers({"content-type": "application/json; charset=utf-8",
                                            "content-encoding": "gzip", "x-ms-diagnostics": reason}))
