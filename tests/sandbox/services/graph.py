"""Microsoft Graph (contract §3): domains, organization, servicePrincipals, oauth2PermissionGrants, $batch and
GDAP, over the directory of the tenant named by the token's ``tid``."""
import base64
import datetime
import json
import re
import uuid
from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote, urlencode

from .. import store as st
from ..tokens import InvalidToken
from ..wire import Headers, Request, Response

AUDIENCE = st.RESOURCE_AUDIENCES[st.GRAPH_APP_ID]
V = r"/(?:v1\.0|beta)"
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"     # owner of Microsoft's first-party apps
MAX_BATCH = 20
FILTER_TERM = re.compile(r"^\s*(\w+)\s+eq\s+'([^']*)'\s*$", re.IGNORECASE)
GRANT_FILTER_KEYS = {"clientid": "client_id", "consenttype": "consent_type", "principalid": "principal_id",
                     "resourceid": "resource_id"}
SP_FILTER_KEYS = {"appid": "app_id", "displayname": "display_name", "id": "id"}
GDAP_FILTER_KEYS = {"status": "status", "displayname": "display_name"}


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: Optional[dict] = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def graph_error(request: Request, status: int, code: str, message: str, headers: Optional[dict] = None,
                inner: Optional[dict] = None) -> Response:
    request_id = str(uuid.uuid4())
    client_request_id = request.headers.get("client-request-id") or request_id
    inner_error = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
                   "request-id": request_id, "client-request-id": client_request_id, **(inner or {})}
    return Response.json(status, {"error": {"code": code, "message": message, "innerError": inner_error}},
                         headers={"request-id": request_id, "client-request-id": client_request_id, **(headers or {})})


def register(router) -> None:
    routes = [
        ("GET", "/domains", list_domains), ("GET", "/domains/(?P<name>[^/]+)", get_domain),
        ("GET", "/organization", list_organization), ("GET", "/organization/(?P<org_id>[^/]+)", get_organization),
        ("GET", "/servicePrincipals", list_service_principals), ("POST", "/servicePrincipals", create_service_principal),
        ("GET", r"/servicePrincipals\(appId='(?P<app_id>[^']*)'\)", get_service_principal_by_app_id),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)", get_service_principal),
        ("DELETE", "/servicePrincipals/(?P<sp_id>[^/]+)", delete_service_principal),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)/oauth2PermissionGrants", list_sp_grants),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)/appRoleAssignments", list_app_role_assignments),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)/appRoleAssignedTo", list_app_role_assigned_to),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)/memberOf", list_member_of),
        ("GET", "/servicePrincipals/(?P<sp_id>[^/]+)/owners", list_owners),
        ("GET", "/roleManagement/directory/roleAssignments", list_role_assignments),
        ("GET", "/oauth2PermissionGrants", list_grants), ("POST", "/oauth2PermissionGrants", create_grant),
        ("GET", "/oauth2PermissionGrants/(?P<grant_id>[^/]+)", get_grant),
        ("PATCH", "/oauth2PermissionGrants/(?P<grant_id>[^/]+)", update_grant),
        ("DELETE", "/oauth2PermissionGrants/(?P<grant_id>[^/]+)", delete_grant),
        ("POST", r"/\$batch", _unlocked(batch)),
        ("GET", "/applications", list_applications),
        ("GET", r"/applications\(appId='(?P<app_id>[^']*)'\)", get_application_by_app_id),
        ("GET", "/applications/(?P<object_id>[^/]+)", get_application),
        ("PATCH", "/applications/(?P<object_id>[^/]+)", update_application),
        ("GET", "/tenantRelationships/delegatedAdminRelationships", list_relationships),
        ("GET", "/tenantRelationships/delegatedAdminRelationships/(?P<rel_id>[^/]+)", get_relationship),
        ("GET", "/tenantRelationships/delegatedAdminCustomers", list_gdap_customers),
        ("GET", "/tenantRelationships/delegatedAdminCustomers/(?P<customer_id>[^/]+)", get_gdap_customer),
    ]
    for method, path, handler in routes:
        router.add(method, V + path, "graph", _guarded(handler))


def _unlocked(handler):
    """Marks a handler that takes no store lock (``$batch`` dispatches sub-requests that take it)."""
    handler.unlocked = True
    return handler


def _guarded(handler):
    """Authenticate, resolve the tenant from ``tid``, and turn GraphError into the Graph error shape."""
    def run(sandbox, request: Request, **groups) -> Response:
        peeked = sandbox.tokens.peek(request.headers.get("authorization")) or {}
        home = sandbox.store.directory(str(peeked.get("tid", "")))
        try:
            claims = sandbox.tokens.verify(request.headers.get("authorization"),
                                           st.audience_for(home, st.GRAPH_APP_ID) if home is not None else AUDIENCE)
        except InvalidToken as exc:
            return graph_error(request, 401, "InvalidAuthenticationToken", f"Access token validation failure: {exc.reason}.",
                               headers={"www-authenticate": 'Bearer realm="", authorization_uri='
                                        '"https://login.microsoftonline.com/common/oauth2/authorize", '
                                        f'client_id="{st.GRAPH_APP_ID}"'})
        tenant = sandbox.store.directory(claims["tid"])
        if tenant is None:
            return graph_error(request, 401, "InvalidAuthenticationToken", "The tenant of the token does not exist.")
        request.tenant = tenant.id
        try:
            if getattr(handler, "unlocked", False):
                return handler(sandbox, request, tenant, claims, **groups)
            with sandbox.store.lock:
                return handler(sandbox, request, tenant, claims, **groups)
        except GraphError as exc:
            return graph_error(request, exc.status, exc.code, exc.message, headers=exc.headers)
    run.__name__ = handler.__name__
    return run


# -- helpers -------------------------------------------------------------------------------------------
def _ok(request: Request, status: int, body: dict) -> Response:
    client_request_id = request.headers.get("client-request-id") or str(uuid.uuid4())
    return Response.json(status, body, headers={"request-id": str(uuid.uuid4()), "client-request-id": client_request_id},
                         content_type="application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")


def _context(entity_set: str) -> str:
    return f"https://graph.microsoft.com/v1.0/$metadata#{entity_set}"


def _body(request: Request) -> dict:
    try:
        body = request.json()
    except ValueError:
        raise GraphError(400, "Request_BadRequest", "Invalid request body: the body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise GraphError(400, "Request_BadRequest", "Invalid request body: the body must be a JSON object.")
    return body


def _parse_filter(request: Request, keys: Dict[str, str]) -> List[Tuple[str, str]]:
    """``a eq 'x' and b eq 'y'`` -> [(attribute, value)]; anything else is an unsupported query."""
    expression = request.query.get("$filter")
    if expression is None:
        return []
    terms = []
    for part in re.split(r"\s+and\s+", expression, flags=re.IGNORECASE):
        match = FILTER_TERM.match(part)
        if not match or match.group(1).lower() not in keys:
            raise GraphError(400, "Request_UnsupportedQuery", f"Unsupported or invalid query filter clause specified "
                                                              f"for property '{part.strip()}'.")
        terms.append((keys[match.group(1).lower()], match.group(2)))
    return terms


def _matches(obj, terms: List[Tuple[str, str]]) -> bool:
    return all(str(getattr(obj, attr) or "").lower() == value.lower() for attr, value in terms)


def _page(sandbox, request: Request, items: list, entity_set: str, default_top: int, max_top: int) -> Response:
    """A list answer with ``@odata.nextLink`` when more items remain (the link points back at this server)."""
    query = request.query
    try:
        top = int(query.get("$top", default_top))
        offset = int(base64.urlsafe_b64decode(query["$skiptoken"] + "==").decode()) if "$skiptoken" in query else 0
    except (ValueError, TypeError):
        raise GraphError(400, "Request_BadRequest", "Invalid $top or $skiptoken value.") from None
    if not 1 <= top <= max_top:
        raise GraphError(400, "Request_BadRequest", f"Invalid page size specified: '{top}'. Must be between 1 and {max_top} inclusive.")
    body = {"@odata.context": _context(entity_set), "value": items[offset:offset + top]}
    if offset + top < len(items):
        rest = {k: v for k, v in query.items() if k != "$skiptoken"}
        rest["$skiptoken"] = base64.urlsafe_b64encode(str(offset + top).encode()).decode().rstrip("=")
        host = request.headers.get("host")
        base = f"https://{host}" if host else sandbox.base_url
        body["@odata.nextLink"] = f"{base}{request.path}?{urlencode(rest)}"
    return _ok(request, 200, body)


def _require_partner(sandbox, tenant: st.Tenant, claims: dict) -> None:
    if tenant.id != sandbox.store.partner.tenant_id or "scp" not in claims:
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")


# Delegated permissions per operation, least privileged first (Graph docs: oauth2permissiongrant-list/-post,
# serviceprincipal-post, application-update). App-only tokens are not checked here.
READ_DIRECTORY = ("Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All",
                  "Application.Read.All", "Application.ReadWrite.All")
WRITE_GRANTS = ("DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All")
CREATE_SERVICE_PRINCIPAL = ("Application.ReadWrite.All", "Directory.ReadWrite.All")
WRITE_APPLICATIONS = ("Application.ReadWrite.All", "Directory.ReadWrite.All")


def _require_scope(claims: dict, accepted) -> None:
    """403 as Graph answers it when a delegated token holds none of the accepted permissions."""
    if "scp" in claims and not set(str(claims["scp"]).split()) & set(accepted):
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")


# -- renderers -----------------------------------------------------------------------------------------
def _render_domain(tenant: st.Tenant, domain: st.Domain) -> dict:
    parent = any(domain.name.lower().endswith("." + d.name.lower()) for d in tenant.domains)
    return {"id": domain.name, "authenticationType": "Managed", "availabilityStatus": None, "isAdminManaged": True,
            "isDefault": domain.is_default, "isInitial": domain.is_initial, "isRoot": not parent,
            "isVerified": domain.is_verified, "supportedServices": ["Email", "OfficeCommunicationsOnline"],
            "passwordValidityPeriodInDays": None, "passwordNotificationWindowInDays": None, "state": None}


def _render_organization(tenant: st.Tenant) -> dict:
    return {"id": tenant.id, "displayName": tenant.display_name, "tenantType": "AAD", "countryLetterCode": "US",
            "verifiedDomains": [{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.is_default,
                                 "isInitial": d.is_initial, "name": d.name, "type": "Managed"}
                                for d in tenant.domains if d.is_verified]}


def _render_sp(sandbox, sp: st.ServicePrincipal) -> dict:
    owner = sandbox.store.partner.tenant_id if sp.app_id == sandbox.store.partner.app.client_id else MICROSOFT_TENANT
    names = [sp.app_id] + ([st.RESOURCE_AUDIENCES[sp.app_id]] if sp.app_id in st.RESOURCE_AUDIENCES else [])
    return {"id": sp.id, "appId": sp.app_id, "displayName": sp.display_name, "accountEnabled": True,
            "appOwnerOrganizationId": owner, "servicePrincipalType": "Application", "servicePrincipalNames": names,
            "signInAudience": "AzureADMultipleOrgs", "tags": []}


def _render_grant(grant: st.Grant) -> dict:
    return {"id": grant.id, "clientId": grant.client_id, "consentType": grant.consent_type,
            "principalId": grant.principal_id, "resourceId": grant.resource_id, "scope": grant.scope}


def _render_relationship(rel: st.DelegatedAdminRelationship) -> dict:
    return {"@odata.type": "#microsoft.graph.delegatedAdminRelationship", "id": rel.id, "displayName": rel.display_name,
            "duration": rel.duration, "status": rel.status, "autoExtendDuration": rel.auto_extend_duration,
            "createdDateTime": rel.created, "activatedDateTime": rel.created, "lastModifiedDateTime": rel.created,
            "endDateTime": rel.ends, "customer": {"tenantId": rel.customer_id, "displayName": rel.customer_name},
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": r} for r in rel.role_ids]}}


# -- domains and organization --------------------------------------------------------------------------
def list_domains(sandbox, request, tenant, claims):
    if "$filter" in request.query:
        raise GraphError(400, "Request_UnsupportedQuery", "Filtered searches against this resource are not supported.")
    return _ok(request, 200, {"@odata.context": _context("domains"),
                              "value": [_render_domain(tenant, d) for d in tenant.domains]})


def get_domain(sandbox, request, tenant, claims, name):
    domain = next((d for d in tenant.domains if d.name.lower() == name.lower()), None)
    if domain is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{name}' does not exist or one of its queried "
                                                          f"reference-property objects are not present.")
    return _ok(request, 200, {"@odata.context": _context("domains/$entity"), **_render_domain(tenant, domain)})


def list_organization(sandbox, request, tenant, claims):
    return _ok(request, 200, {"@odata.context": _context("organization"), "value": [_render_organization(tenant)]})


def get_organization(sandbox, request, tenant, claims, org_id):
    if org_id.lower() != tenant.id:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{org_id}' does not exist or one of its queried "
                                                          f"reference-property objects are not present.")
    return _ok(request, 200, {"@odata.context": _context("organization/$entity"), **_render_organization(tenant)})


# -- service principals --------------------------------------------------------------------------------
def _sp_or_404(tenant: st.Tenant, sp_id: str) -> st.ServicePrincipal:
    sp = tenant.service_principals.get(sp_id.lower())
    if sp is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{sp_id}' does not exist or one of its queried "
                                                          f"reference-property objects are not present.")
    return sp


def list_service_principals(sandbox, request, tenant, claims):
    _require_scope(claims, READ_DIRECTORY)
    terms = _parse_filter(request, SP_FILTER_KEYS)
    items = [_render_sp(sandbox, sp) for sp in tenant.service_principals.values() if _matches(sp, terms)]
    return _page(sandbox, request, items, "servicePrincipals", 100, 999)


def get_service_principal_by_app_id(sandbox, request, tenant, claims, app_id):
    _require_scope(claims, READ_DIRECTORY)
    sp = tenant.sp_by_app_id(app_id)
    if sp is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource with appId '{app_id}' does not exist or one of its "
                                                          f"queried reference-property objects are not present.")
    return _ok(request, 200, {"@odata.context": _context("servicePrincipals/$entity"), **_render_sp(sandbox, sp)})


def get_service_principal(sandbox, request, tenant, claims, sp_id):
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    return _ok(request, 200, {"@odata.context": _context("servicePrincipals/$entity"), **_render_sp(sandbox, sp)})


def create_service_principal(sandbox, request, tenant, claims):
    _require_scope(claims, CREATE_SERVICE_PRINCIPAL)
    body = {k.lower(): v for k, v in _body(request).items()}
    app_id = str(body.get("appid") or "")
    if not st.GUID_RE.match(app_id):
        raise GraphError(400, "Request_BadRequest", "Invalid value specified for property 'appId' of resource 'ServicePrincipal'.")
    if tenant.sp_by_app_id(app_id):
        raise GraphError(409, "Request_MultipleObjectsWithSameKeyValue",
                         "Another object with the same value for property servicePrincipalNames already exists.")
    app = sandbox.store.partner.app
    name = app.display_name if app_id.lower() == app.client_id else st.WELL_KNOWN_APP_NAMES.get(app_id.lower(), app_id)
    sp = st.ServicePrincipal(id=sandbox.store.new_guid(), app_id=app_id.lower(), display_name=name)
    tenant.service_principals[sp.id] = sp
    request.meta["write"] = True
    return _ok(request, 201, {"@odata.context": _context("servicePrincipals/$entity"), **_render_sp(sandbox, sp)})


def delete_service_principal(sandbox, request, tenant, claims, sp_id):
    _require_scope(claims, CREATE_SERVICE_PRINCIPAL)
    sp = _sp_or_404(tenant, sp_id)
    tenant.remove_service_principal(sp.id)
    request.meta["write"] = True
    return Response.empty(204)


# -- what a service principal holds: app roles and directory roles ----------------------------------------
# App role ids of the roles the sandbox grants (Exchange.ManageAsApp: Microsoft's published id); others get a stable
# made-up id.
APP_ROLE_IDS = {"Exchange.ManageAsApp": "dc50a0fb-09a3-484d-be87-e023b12c6440"}
ROLE_TEMPLATE_IDS = {"Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
                     "Global Administrator": "62e90394-69f5-4237-9190-012177145e10"}


def list_app_role_assignments(sandbox, request, tenant, claims, sp_id):
    """The app roles the service principal holds on resources (Graph docs, serviceprincipal-list-approleassignments)."""
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    items = []
    for role in sp.app_roles:
        resource_app = st.EXCHANGE_APP_ID if role.startswith("Exchange.") else st.GRAPH_APP_ID
        resource = tenant.sp_by_app_id(resource_app)
        items.append({"id": base64.urlsafe_b64encode(f"{sp.id}:{role}".encode()).decode()[:43],
                      "appRoleId": APP_ROLE_IDS.get(role) or str(uuid.uuid5(uuid.NAMESPACE_URL, role)),
                      "principalId": sp.id, "principalType": "ServicePrincipal", "principalDisplayName": sp.display_name,
                      "resourceId": resource.id if resource else None,
                      "resourceDisplayName": st.WELL_KNOWN_APP_NAMES.get(resource_app, resource_app)})
    return _page(sandbox, request, items, "servicePrincipals('%s')/appRoleAssignments" % sp.id, 100, 999)


def list_app_role_assigned_to(sandbox, request, tenant, claims, sp_id):
    """Users, groups and apps assigned to the service principal (serviceprincipal-list-approleassignedto)."""
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    items = [dict(a, resourceId=sp.id, resourceDisplayName=sp.display_name) for a in sp.assigned_to]
    return _page(sandbox, request, items, "servicePrincipals('%s')/appRoleAssignedTo" % sp.id, 100, 999)


def list_member_of(sandbox, request, tenant, claims, sp_id):
    """Groups (and directory roles) the service principal is a member of (Graph docs, serviceprincipal-list-memberof)."""
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    return _page(sandbox, request, list(sp.member_of), "servicePrincipals('%s')/memberOf" % sp.id, 100, 999)


def list_owners(sandbox, request, tenant, claims, sp_id):
    """The service principal's owners (Graph docs, serviceprincipal-list-owners)."""
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    return _page(sandbox, request, list(sp.owners), "servicePrincipals('%s')/owners" % sp.id, 100, 999)


def list_role_assignments(sandbox, request, tenant, claims):
    """Directory role assignments, ``$filter`` on principalId (Graph docs, rbacapplication-list-roleassignments)."""
    _require_scope(claims, READ_DIRECTORY)
    terms = _parse_filter(request, {"principalid": "principal_id", "roledefinitionid": "role_definition_id"})
    rows = []
    for sp in tenant.service_principals.values():
        for role in sp.directory_roles:
            template = ROLE_TEMPLATE_IDS.get(role, role)
            row = {"id": f"{template}-{sp.id}", "principalId": sp.id, "roleDefinitionId": template,
                   "directoryScopeId": "/"}
            if all(str(row[{"principal_id": "principalId", "role_definition_id": "roleDefinitionId"}[attr]]).lower()
                   == value.lower() for attr, value in terms):
                rows.append(row)
    return _page(sandbox, request, rows, "roleManagement/directory/roleAssignments", 100, 999)


# -- oauth2PermissionGrants ----------------------------------------------------------------------------
# AllPrincipals grants hold for every user; "Principal" ones for the one user in principalId (Graph docs,
# oAuth2PermissionGrant resource type). Both may exist for the same client and resource.
def _grant_or_404(tenant: st.Tenant, grant_id: str) -> st.Grant:
    grant = tenant.grants.get(grant_id)
    if grant is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{grant_id}' does not exist or one of its queried "
                                                          f"reference-property objects are not present.")
    return grant


def list_grants(sandbox, request, tenant, claims):
    _require_scope(claims, READ_DIRECTORY)
    terms = _parse_filter(request, GRANT_FILTER_KEYS)
    now = sandbox.now()
    items = [_render_grant(g) for g in tenant.grants.values() if _matches(g, terms) and g.visible_from <= now]
    return _page(sandbox, request, items, "oauth2PermissionGrants", 100, 999)


def list_sp_grants(sandbox, request, tenant, claims, sp_id):
    _require_scope(claims, READ_DIRECTORY)
    sp = _sp_or_404(tenant, sp_id)
    items = [_render_grant(g) for g in tenant.grants.values() if g.client_id == sp.id]
    return _page(sandbox, request, items, "oauth2PermissionGrants", 100, 999)


def get_grant(sandbox, request, tenant, claims, grant_id):
    _require_scope(claims, READ_DIRECTORY)
    grant = _grant_or_404(tenant, grant_id)
    return _ok(request, 200, {"@odata.context": _context("oauth2PermissionGrants/$entity"), **_render_grant(grant)})


def create_grant(sandbox, request, tenant, claims):
    _require_scope(claims, WRITE_GRANTS)
    body = {k.lower(): v for k, v in _body(request).items()}
    client_id, resource_id = str(body.get("clientid") or "").lower(), str(body.get("resourceid") or "").lower()
    consent_type, principal_id = body.get("consenttype"), body.get("principalid")
    if consent_type not in ("AllPrincipals", "Principal"):
        raise GraphError(400, "Request_BadRequest", "Invalid value specified for property 'consentType' of resource "
                                                    "'OAuth2PermissionGrant'.")
    if (consent_type == "Principal") != bool(principal_id):
        raise GraphError(400, "Request_BadRequest", "principalId must be set for consentType 'Principal' and only then.")
    for prop, object_id in (("clientId", client_id), ("resourceId", resource_id)):
        if object_id not in tenant.service_principals:
            raise GraphError(400, "Request_BadRequest", f"Invalid value specified for property '{prop}' of resource "
                                                        f"'OAuth2PermissionGrant'.")
    duplicate = any(g.client_id == client_id and g.resource_id == resource_id and g.consent_type == consent_type
                    and (g.principal_id or "") == (principal_id or "") for g in tenant.grants.values())
    if duplicate:
        raise GraphError(409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")
    lag = float(sandbox.faults.setting("replication_lag_s", 0.0, "graph", tenant.id) or 0.0)
    grant = st.Grant(id=sandbox.store.new_grant_id(), client_id=client_id, consent_type=consent_type,
                     resource_id=resource_id, scope=" ".join(str(body.get("scope") or "").split()),
                     principal_id=principal_id, visible_from=sandbox.now() + lag)
    tenant.grants[grant.id] = grant
    request.meta["write"] = True
    return _ok(request, 201, {"@odata.context": _context("oauth2PermissionGrants/$entity"), **_render_grant(grant)})


def update_grant(sandbox, request, tenant, claims, grant_id):
    _require_scope(claims, WRITE_GRANTS)
    grant = _grant_or_404(tenant, grant_id)
    body = {k.lower(): v for k, v in _body(request).items()}
    if "scope" in body:
        grant.scope = " ".join(str(body["scope"] or "").split())     # the whole string is replaced
    request.meta["write"] = True
    return Response.empty(204)


def delete_grant(sandbox, request, tenant, claims, grant_id):
    _require_scope(claims, WRITE_GRANTS)
    _grant_or_404(tenant, grant_id)
    del tenant.grants[grant_id]
    request.meta["write"] = True
    return Response.empty(204)


# -- $batch --------------------------------------------------------------------------------------------
def batch(sandbox, request, tenant, claims):
    items = _body(request).get("requests")
    if not isinstance(items, list) or not items:
        raise GraphError(400, "BadRequest", "Invalid batch payload format.")
    if len(items) > MAX_BATCH:
        raise GraphError(400, "BadRequest", f"Invalid batch payload: the number of requests exceeds the limit of {MAX_BATCH}.")
    ids = [str(item.get("id", "")) if isinstance(item, dict) else "" for item in items]
    if any(not i for i in ids) or len(set(ids)) != len(ids):
        raise GraphError(400, "BadRequest", "Batch request ids must be present and unique.")
    # Each sub-request goes through the dispatcher (auth, throttling, failures, log) on its own.
    statuses: Dict[str, int] = {}
    responses = [_run_batch_item(sandbox, request, item, statuses) for item in items]
    sandbox.faults.shuffle(responses)      # Graph may answer in any order
    return _ok(request, 200, {"responses": responses})


def _run_batch_item(sandbox, outer: Request, item: dict, statuses: Dict[str, int]) -> dict:
    item_id = str(item["id"])
    depends = item.get("dependsOn") or []
    if any(statuses.get(str(d), 424) >= 400 for d in depends):
        statuses[item_id] = 424
        return {"id": item_id, "status": 424, "headers": {},
                "body": {"error": {"code": "FailedDependency", "message": "Dependent request failed."}}}
    url = str(item.get("url", ""))
    path, dummy, raw_query = url.lstrip("/").partition("?")
    if url.lower().startswith(("http:", "https:")) or path.startswith("$batch"):
        statuses[item_id] = 400
        return {"id": item_id, "status": 400, "headers": {},
                "body": {"error": {"code": "BadRequest", "message": "Batch request urls must be relative, and not $batch."}}}
    headers = Headers(dict(item.get("headers") or {}))
    for name in ("authorization", "client-request-id"):
        if outer.headers.get(name) and name not in headers:
            headers[name] = outer.headers[name]
    body = item.get("body")
    sub = Request(method=str(item.get("method", "GET")).upper(), path="/v1.0/" + unquote(path), raw_query=raw_query,
                  headers=headers, body=json.dumps(body).encode() if body is not None else b"")
    sub.meta["batch_item"] = item_id
    response = sandbox.dispatch(sub, nested=True)
    statuses[item_id] = response.status
    try:
        payload = json.loads(response.body) if response.body else None
    except ValueError:
        payload = response.body.decode("utf-8", "replace")
    return {"id": item_id, "status": response.status, "headers": dict(response.headers), "body": payload}


# -- applications (app registrations; the partner's own app in its home tenant) --------------------------
APP_FILTER_KEYS = {"appid": "client_id"}


def _apps(sandbox, tenant: st.Tenant) -> List[st.PartnerApp]:
    """The application objects a tenant owns: the partner app in the partner tenant, none in customers."""
    app = sandbox.store.partner.app
    return [app] if tenant.id == sandbox.store.partner.tenant_id and app.object_id else []


def _render_application(app: st.PartnerApp) -> dict:
    return {"id": app.object_id, "appId": app.client_id, "displayName": app.display_name,
            "signInAudience": "AzureADMultipleOrgs", "requiredResourceAccess": json.loads(json.dumps(
                app.required_resource_access))}


def _application_or_404(sandbox, tenant: st.Tenant, object_id: str) -> st.PartnerApp:
    app = next((a for a in _apps(sandbox, tenant) if a.object_id == object_id.lower()), None)
    if app is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{object_id}' does not exist or one of its queried "
                                                          f"reference-property objects are not present.")
    return app


def list_applications(sandbox, request, tenant, claims):
    _require_scope(claims, READ_DIRECTORY)
    terms = _parse_filter(request, APP_FILTER_KEYS)
    items = [_render_application(a) for a in _apps(sandbox, tenant) if _matches(a, terms)]
    return _page(sandbox, request, items, "applications", 100, 999)


def get_application_by_app_id(sandbox, request, tenant, claims, app_id):
    _require_scope(claims, READ_DIRECTORY)
    app = next((a for a in _apps(sandbox, tenant) if a.client_id == app_id.lower()), None)
    if app is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource with appId '{app_id}' does not exist or one of its "
                                                          f"queried reference-property objects are not present.")
    return _ok(request, 200, {"@odata.context": _context("applications/$entity"), **_render_application(app)})


def get_application(sandbox, request, tenant, claims, object_id):
    _require_scope(claims, READ_DIRECTORY)
    app = _application_or_404(sandbox, tenant, object_id)
    return _ok(request, 200, {"@odata.context": _context("applications/$entity"), **_render_application(app)})


def update_application(sandbox, request, tenant, claims, object_id):
    """PATCH replaces each given collection whole, as Graph does for requiredResourceAccess."""
    _require_scope(claims, WRITE_APPLICATIONS)
    app = _application_or_404(sandbox, tenant, object_id)
    body = {k.lower(): v for k, v in _body(request).items()}
    if "requiredresourceaccess" in body:
        value = body["requiredresourceaccess"]
        valid = isinstance(value, list) and all(
            isinstance(r, dict) and st.GUID_RE.match(str(r.get("resourceAppId", ""))) and isinstance(r.get("resourceAccess"), list)
            and all(isinstance(a, dict) and st.GUID_RE.match(str(a.get("id", ""))) and a.get("type") in ("Scope", "Role")
                    for a in r["resourceAccess"]) for r in value)
        if not valid:
            raise GraphError(400, "Request_BadRequest", "Invalid value specified for property 'requiredResourceAccess' of "
                                                        "resource 'Application'.")
        app.required_resource_access = json.loads(json.dumps(value))
    request.meta["write"] = True
    return Response.empty(204)


# -- GDAP (partner tenant, delegated) ------------------------------------------------------------------
def list_relationships(sandbox, request, tenant, claims):
    _require_partner(sandbox, tenant, claims)
    terms = _parse_filter(request, GDAP_FILTER_KEYS)
    items = [_render_relationship(r) for r in sandbox.store.relationships if _matches(r, terms)]
    return _page(sandbox, request, items, "tenantRelationships/delegatedAdminRelationships", 300, 300)


def get_relationship(sandbox, request, tenant, claims, rel_id):
    _require_partner(sandbox, tenant, claims)
    rel = next((r for r in sandbox.store.relationships if r.id == rel_id), None)
    if rel is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Relationship '{rel_id}' was not found.")
    return _ok(request, 200, {"@odata.context": _context("tenantRelationships/delegatedAdminRelationships/$entity"),
                              **_render_relationship(rel)})


def _gdap_customers(sandbox) -> List[dict]:
    seen: Dict[str, dict] = {}
    for rel in sandbox.store.relationships:
        if rel.status == "active":
            seen.setdefault(rel.customer_id, {"id": rel.customer_id, "tenantId": rel.customer_id,
                                              "displayName": rel.customer_name})
    return list(seen.values())


def list_gdap_customers(sandbox, request, tenant, claims):
    _require_partner(sandbox, tenant, claims)
    return _page(sandbox, request, _gdap_customers(sandbox), "tenantRelationships/delegatedAdminCustomers", 300, 300)


def get_gdap_customer(sandbox, request, tenant, claims, customer_id):
    _require_partner(sandbox, tenant, claims)
    customer = next((c for c in _gdap_customers(sandbox) if c["id"] == customer_id.lower()), None)
    if customer is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Customer '{customer_id}' was not found.")
    return _ok(request, 200, {"@odata.context": _context("tenantRelationships/delegatedAdminCustomers/$entity"), **customer})
