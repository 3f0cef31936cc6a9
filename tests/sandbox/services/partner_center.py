"""Partner Center (contract §4): customers with continuation-token paging, and application consents (CPV),
for a delegated token issued at the partner tenant."""
import base64
import json
import uuid
from typing import Optional
from urllib.parse import urlencode

from .. import store as st
from ..tokens import InvalidToken
from ..wire import Request, Response

AUDIENCE = st.RESOURCE_AUDIENCES[st.PARTNER_CENTER_APP_ID]
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 500
CUSTOMER = r"/v1/customers/(?P<customer>[^/]+)"
# Since 2026-04-01 every app+user call needs a token with the multi-factor claim ("Partner Center authentication",
# Partner Center developer docs); without it Partner Center answers 401 with error 900421 (Microsoft's announcement,
# as partners quote it). The body is Partner Center's usual error shape (inferred).
MFA_REQUIRED = 900421


class PartnerCenterError(Exception):
    def __init__(self, status: int, code: int, description: str, headers: Optional[dict] = None):
        super().__init__(description)
        self.status, self.code, self.description, self.headers = status, code, description, headers or {}


def pc_error(request: Request, status: int, code: int, description: str, headers: Optional[dict] = None) -> Response:
    return Response.json(status, {"code": code, "description": description[:1024], "data": [], "source": "PartnerFD"},
                         headers={**_trace_headers(request), **(headers or {})})


def _trace_headers(request: Request) -> dict:
    return {"ms-correlationid": request.headers.get("ms-correlationid") or str(uuid.uuid4()),
            "ms-requestid": request.headers.get("ms-requestid") or str(uuid.uuid4())}


def register(router) -> None:
    router.add("GET", r"/v1/customers", "partner_center", _guarded(list_customers))
    router.add("GET", CUSTOMER, "partner_center", _guarded(get_customer))
    router.add("*", CUSTOMER + r"/applicationconsents", "partner_center", _guarded(application_consents))
    router.add("*", CUSTOMER + r"/applicationconsents/(?P<app_id>[^/]+)", "partner_center", _guarded(application_consent))


def _guarded(handler):
    """A Partner Center token (aud, partner tid), then the handler under the store lock; errors in PC shape."""
    def run(sandbox, request: Request, **groups) -> Response:
        partner_id = sandbox.store.partner.tenant_id
        request.tenant = partner_id
        challenge = {"www-authenticate": f"OAuth realm=urn:cpsvc:cpid:{partner_id}"}
        try:
            claims = sandbox.tokens.verify(request.headers.get("authorization"), AUDIENCE)
        except InvalidToken as exc:
            return pc_error(request, 401, 401, f"Authentication failed: {exc.reason}.", challenge)
        if claims.get("tid") != partner_id:
            return pc_error(request, 401, 401, "The token was not issued for the partner tenant.", challenge)
        if "scp" not in claims:
            return pc_error(request, 403, 2032, "App-only authentication is not supported for this operation.")
        if "mfa" not in (claims.get("amr") or []):
            return pc_error(request, 401, MFA_REQUIRED, "Multi-factor authentication required: the access token has no "
                                                        "MFA claim.", challenge)
        try:
            with sandbox.store.lock:
                return _idempotent(sandbox, request, lambda: handler(sandbox, request, **groups))
        except PartnerCenterError as exc:
            return pc_error(request, exc.status, exc.code, exc.description, exc.headers)
    return run


def _idempotent(sandbox, request: Request, run) -> Response:
    """A write retried with the same MS-RequestId gets its first answer again instead of being applied twice
    ("MS-RequestId: a unique identifier for the call, used to ensure idempotency. If there's a timeout, the retry
    call should include the same value": Partner Center developer docs, "Partner Center REST and response headers")."""
    key = request.headers.get("ms-requestid")
    if request.method == "GET" or not key:
        return run()
    answers = sandbox.store.partner_center_answers
    if key in answers:
        return answers[key]
    try:
        answer = run()
    except PartnerCenterError as exc:
        answer = pc_error(request, exc.status, exc.code, exc.description, exc.headers)
    if answer.status < 500 and answer.status != 429:
        answers[key] = answer
    return answer


def _customer_or_404(sandbox, request: Request, segment: str) -> st.Tenant:
    tenant = sandbox.store.tenants.get(segment.lower())
    if tenant is None:
        raise PartnerCenterError(404, 60003, f"Customer {segment} was not found for this partner.")
    request.tenant = tenant.id
    return tenant


def _render_customer(tenant: st.Tenant) -> dict:
    return {"id": tenant.id, "commerceId": tenant.id,
            "companyProfile": {"tenantId": tenant.id, "domain": tenant.default_domain, "companyName": tenant.display_name,
                               "attributes": {"objectType": "CustomerCompanyProfile"}},
            "relationshipToPartner": tenant.relationship, "allowDelegatedAccess": True,
            "links": {"self": {"uri": f"/customers/{tenant.id}", "method": "GET", "headers": []}},
            "attributes": {"objectType": "Customer"}}


def _ok(request: Request, status: int, body: dict) -> Response:
    return Response.json(status, body, headers=_trace_headers(request))


# -- customers -----------------------------------------------------------------------------------------
def _encode_cursor(offset: int, size: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "s": size}).encode()).decode().rstrip("=")


def _decode_cursor(token: str):
    try:
        cursor = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return int(cursor["o"]), int(cursor["s"])
    except (ValueError, KeyError, TypeError):
        raise PartnerCenterError(400, 3000, "The continuation token is invalid.") from None


def list_customers(sandbox, request: Request) -> Response:
    query = request.query
    if query.get("seekOperation", "").lower() == "next":
        token = request.headers.get("ms-continuationtoken")
        if not token:
            raise PartnerCenterError(400, 3000, "The MS-ContinuationToken header is required with seekOperation=Next.")
        offset, size = _decode_cursor(token)
    else:
        offset = 0
        try:
            size = int(query.get("size", DEFAULT_PAGE_SIZE))
        except ValueError:
            raise PartnerCenterError(400, 3000, "The size parameter must be an integer.") from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise PartnerCenterError(400, 3000, f"The size parameter must be between 1 and {MAX_PAGE_SIZE}.")
    customers = list(sandbox.store.tenants.values())
    page = customers[offset:offset + size]
    body = {"totalCount": len(page), "items": [_render_customer(t) for t in page],
            "links": {"self": {"uri": f"/customers?{urlencode({'size': size})}", "method": "GET", "headers": []}},
            "attributes": {"objectType": "Collection"}}
    if offset + size < len(customers):
        token = _encode_cursor(offset + size, size)
        body["continuationToken"] = token
        body["links"]["next"] = {"uri": f"/v1/customers?{urlencode({'size': size, 'seekOperation': 'Next'})}",
                                 "method": "GET", "headers": [{"key": "MS-ContinuationToken", "value": token}]}
    return _ok(request, 200, body)


def get_customer(sandbox, request: Request, customer: str) -> Response:
    return _ok(request, 200, _render_customer(_customer_or_404(sandbox, request, customer)))


# -- application consents ------------------------------------------------------------------------------
def application_consents(sandbox, request: Request, customer: str) -> Response:
    if request.method != "POST":        # consents can be created and deleted, never read or updated
        raise PartnerCenterError(405, 3000, "The requested resource does not support http method "
                                            f"'{request.method}'.", {"allow": "POST"})
    tenant = _customer_or_404(sandbox, request, customer)
    try:
        body = {k.lower(): v for k, v in request.json().items()}
    except (ValueError, AttributeError):
        raise PartnerCenterError(400, 3000, "The request body must be a JSON application consent.") from None
    app_id = str(body.get("applicationid") or "").lower()
    grants = body.get("applicationgrants")
    if not st.GUID_RE.match(app_id) or not isinstance(grants, list) or not grants:
        raise PartnerCenterError(400, 3000, "applicationId and applicationGrants are required.")
    parsed = []
    for grant in grants:
        grant = {k.lower(): v for k, v in (grant if isinstance(grant, dict) else {}).items()}
        resource_app_id = str(grant.get("enterpriseapplicationid") or "").lower()
        if not st.GUID_RE.match(resource_app_id):
            raise PartnerCenterError(400, 3000, "Each application grant needs an enterpriseApplicationId.")
        parsed.append((resource_app_id, " ".join(s.strip() for s in str(grant.get("scope") or "").split(",") if s.strip())))
    if tenant.sp_by_app_id(app_id):
        raise PartnerCenterError(409, 3000, "Permission entry already exists.")
    refused = int(sandbox.faults.setting("consent_create_error", 0, "partner_center", tenant.id) or 0)
    if refused:
        raise PartnerCenterError(refused, 2032 if refused == 403 else 3000,
                                 f"The application consent for customer {tenant.id} could not be created.")
    store = sandbox.store
    app = store.partner.app
    name = body.get("displayname") or (app.display_name if app_id == app.client_id else app_id)
    client = st.ServicePrincipal(id=store.new_guid(), app_id=app_id, display_name=name)
    tenant.service_principals[client.id] = client
    for resource_app_id, scope in parsed:
        resource = tenant.sp_by_app_id(resource_app_id)
        if resource is None:
            resource = st.ServicePrincipal(id=store.new_guid(), app_id=resource_app_id,
                                           display_name=st.WELL_KNOWN_APP_NAMES.get(resource_app_id, resource_app_id))
            tenant.service_principals[resource.id] = resource
        grant_id = store.new_grant_id()
        tenant.grants[grant_id] = st.Grant(id=grant_id, client_id=client.id, consent_type="AllPrincipals",
                                           resource_id=resource.id, scope=scope)
    request.meta["write"] = True
    return _ok(request, 201, {"applicationId": app_id, "displayName": name,
                              "applicationGrants": [{"enterpriseApplicationId": r, "scope": s.replace(" ", ",")}
                                                    for r, s in parsed]})


def application_consent(sandbox, request: Request, customer: str, app_id: str) -> Response:
    if request.method != "DELETE":
        raise PartnerCenterError(405, 3000, "The requested resource does not support http method "
                                            f"'{request.method}'.", {"allow": "DELETE"})
    tenant = _customer_or_404(sandbox, request, customer)
    sp = tenant.sp_by_app_id(app_id)
    if sp is None:
        raise PartnerCenterError(404, 1000, f"No consent exists for application {app_id}.")
    # "Remove consent" (Partner Center developer docs, control-panel-vendor-apis) deletes the app's service principal
    # (CIPP's Set-CIPPCPVConsent calls it "Delete Service Principal"), and the directory deletes with it every grant it
    # is the client of (per-user ones too), its app-role assignments both ways and its directory role memberships
    # (attributes of the SP here). A re-created consent makes a new service principal with a new object id.
    tenant.remove_service_principal(sp.id)
    request.meta["write"] = True
    return Response.empty(204, headers=_trace_headers(request))
