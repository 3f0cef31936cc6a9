"""Identity platform: OpenID discovery, the v2.0 token endpoint (refresh-token and client-credentials grants,
secret or certificate assertion) and AADSTS errors in Microsoft's JSON shape (contract §2)."""
import base64
import datetime
import json
import secrets
import uuid
from typing import List, Optional, Tuple

from .. import cae, store as st
from ..tokens import AssertionRejected, check_client_assertion
from ..wire import Request, Response
from . import device_code

OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}
AUDIENCE_TO_APP = {aud: app_id for audiences in st.CLOUD_AUDIENCES.values() for app_id, aud in audiences.items()}
DIRECTORY_ROLE_TEMPLATE_IDS = {"Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
                               "Global Administrator": "62e90394-69f5-4237-9190-012177145e10"}
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# AADSTS code -> (error, HTTP status, description template)
AADSTS = {
    90002: ("invalid_tenant", 400, "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
                                   "signing into the correct cloud. Check with your subscription administrator, this may "
                                   "happen if there are no active subscriptions for the tenant."),
    700082: ("invalid_grant", 400, "The refresh token has expired due to inactivity. The token was issued on {issued} and "
                                   "was inactive for 90.00:00:00."),
    50173: ("invalid_grant", 400, "The provided grant has expired due to it being revoked, a fresh auth token is needed. "
                                  "The user might have changed or reset their password."),
    53003: ("invalid_grant", 400, "Access has been blocked by Conditional Access policies. The access policy does not "
                                  "allow token issuance."),
    50020: ("invalid_grant", 400, "User account '{upn}' from identity provider '{idp}' does not exist in tenant "
                                  "'{tenant}' and cannot access the application '{client_id}' in that tenant."),
    65001: ("invalid_grant", 400, "The user or administrator has not consented to use the application with ID "
                                  "'{client_id}' named '{app_name}'. Send an interactive authorization request for this "
                                  "user and resource."),
    9002313: ("invalid_grant", 400, "Invalid request. Request is malformed or invalid."),
    7000215: ("invalid_client", 401, "Invalid client secret provided. Ensure the secret being sent in the request is the "
                                     "client secret value, not the client secret ID, for a secret added to app "
                                     "'{client_id}'."),
    7000222: ("invalid_client", 401, "The provided client secret keys for app '{client_id}' are expired. Visit the Azure "
                                     "portal to create new keys for your app or consider using certificate credentials "
                                     "for added security."),
    700027: ("invalid_client", 401, "{detail}"),
    700024: ("invalid_client", 401, "{detail}"),
    7000218: ("invalid_client", 401, "The request body must contain the following parameter: 'client_assertion' or "
                                     "'client_secret'."),
    7000229: ("invalid_client", 400, "The client application {client_id} is missing service principal in the tenant "
                                     "{tenant}."),
    700016: ("unauthorized_client", 400, "Application with identifier '{client_id}' was not found in the directory "
                                         "'{tenant}'."),
    70011: ("invalid_scope", 400, "The provided value for the input parameter 'scope' is not valid. {detail}"),
    28000: ("invalid_scope", 400, "Provided value for the input parameter scope is not valid because it contains more "
                                  "than one resource. Scope {scope} is not valid."),
    500011: ("invalid_resource", 400, "The resource principal named {resource} was not found in the tenant named "
                                      "{tenant}."),
    900144: ("invalid_request", 400, "The request body must contain the following parameter: '{parameter}'."),
    70003: ("unsupported_grant_type", 400, "The app requested an unsupported grant type '{grant_type}'."),
    70016: ("authorization_pending", 400, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
    70020: ("expired_token", 400, "The provided value for the input parameter 'device_code' is not valid. This device "
                                  "code has expired."),
    90033: ("temporarily_unavailable", 503, "A transient error has occurred. Please try again."),
}


def aadsts_error(code: int, request: Optional[Request] = None, status: Optional[int] = None,
                 suberror: Optional[str] = None, headers: Optional[dict] = None, **values) -> Response:
    error, default_status, template = AADSTS[code]
    now = datetime.datetime.now(datetime.timezone.utc)
    trace_id, correlation_id = str(uuid.uuid4()), _correlation_id(request)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S") + "Z"
    description = (f"AADSTS{code}: {template.format(**values)}\r\nTrace ID: {trace_id}\r\n"
                   f"Correlation ID: {correlation_id}\r\nTimestamp: {stamp}")
    body = {"error": error, "error_description": description, "error_codes": [code], "timestamp": stamp,
            "trace_id": trace_id, "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}"}
    if suberror:
        body["suberror"] = suberror
    return Response.json(status or default_status, body, headers={"cache-control": "no-store", **(headers or {})})


def _correlation_id(request: Optional[Request]) -> str:
    return (request.headers.get("client-request-id") if request else None) or str(uuid.uuid4())


def register(router) -> None:
    router.add("GET", r"/common/discovery/instance", "identity", instance_discovery)
    router.add("GET", r"/(?P<tenant>[^/]+)/v2\.0/\.well-known/openid-configuration", "identity", openid_configuration)
    router.add("GET", r"/(?P<tenant>[^/]+)/discovery/v2\.0/keys", "identity", signing_keys)
    router.add("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", "identity", token)
    device_code.register(router)


def _base_url(sandbox, request: Request) -> str:
    host = request.headers.get("host")
    return f"https://{host}" if host else sandbox.base_url


# -- discovery -----------------------------------------------------------------------------------------
def instance_discovery(sandbox, request: Request) -> Response:
    authorization_endpoint = request.query.get("authorization_endpoint") or f"{_base_url(sandbox, request)}/common/oauth2/v2.0/authorize"
    tenant_url = authorization_endpoint.split("/oauth2/")[0]
    host = request.headers.get("host", "")
    return Response.json(200, {"tenant_discovery_endpoint": f"{tenant_url}/v2.0/.well-known/openid-configuration",
                               "api-version": "1.1", "metadata": [{"preferred_network": host, "preferred_cache": host,
                                                                   "aliases": [host]}]})


def openid_configuration(sandbox, request: Request, tenant: str) -> Response:
    directory = sandbox.store.directory(tenant)
    if directory is None:
        return aadsts_error(90002, request, tenant=tenant)
    request.tenant = directory.id
    base = f"{_base_url(sandbox, request)}/{directory.id}"
    return Response.json(200, {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "issuer": f"{base}/v2.0",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
    })


def signing_keys(sandbox, request: Request, tenant: str) -> Response:
    if sandbox.store.directory(tenant) is None:
        return aadsts_error(90002, request, tenant=tenant)
    return Response.json(200, {"keys": [sandbox.tokens.jwk()]})


# -- token endpoint ------------------------------------------------------------------------------------
def token(sandbox, request: Request, tenant: str) -> Response:
    form = request.form()
    request.meta["grant_type"] = form.get("grant_type")
    store = sandbox.store
    directory = store.directory(tenant)
    if directory is None:
        return aadsts_error(90002, request, tenant=tenant)
    request.tenant = directory.id
    app = store.partner.app
    client_id = form.get("client_id", "").lower()
    if not client_id:
        return aadsts_error(900144, request, parameter="client_id")
    if client_id != app.client_id:
        return aadsts_error(700016, request, client_id=client_id, tenant=tenant)
    grant_type = form.get("grant_type", "")
    # The device-code grant comes from a public client flow (the app allows it) and carries no client credential.
    public = grant_type == device_code.GRANT_TYPE and not ({"client_secret", "client_assertion"} & set(form))
    failure = None if public else _authenticate_client(sandbox, request, form, app, directory, tenant)
    if failure:
        return failure
    if grant_type == device_code.GRANT_TYPE:
        return device_code.redeem(sandbox, request, form, directory, _refresh_token_grant)
    if grant_type == "refresh_token":
        return _refresh_token_grant(sandbox, request, form, directory)
    if grant_type == "client_credentials":
        return _client_credentials_grant(sandbox, request, form, directory)
    if not grant_type:
        return aadsts_error(900144, request, parameter="grant_type")
    return aadsts_error(70003, request, grant_type=grant_type)


def _authenticate_client(sandbox, request, form, app: st.PartnerApp, directory: st.Tenant, segment: str) -> Optional[Response]:
    if "client_secret" in form:
        if form["client_secret"] not in app.secrets:
            return aadsts_error(7000215, request, client_id=app.client_id)
        if app.secret_expired:
            return aadsts_error(7000222, request, client_id=app.client_id)
        return None
    if "client_assertion" in form:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return aadsts_error(900144, request, parameter="client_assertion_type")
        bases = {_base_url(sandbox, request), sandbox.base_url}
        audiences = {f"{base}/{seg}/oauth2/v2.0/token" for base in bases for seg in (segment, directory.id)}
        try:
            check_client_assertion(form["client_assertion"], app.certificate_pem, app.client_id, audiences,
                                   sandbox.clock.now())
        except AssertionRejected as rejected:
            return aadsts_error(rejected.code, request, detail=rejected.detail)
        return None
    return aadsts_error(7000218, request)


def _parse_scope(request, scope_param: str) -> Tuple[Optional[str], List[str], Optional[Response]]:
    """(resource app id, scope names on it, error). Scopes look like ``https://graph.microsoft.com/.default``."""
    requested = [s for s in scope_param.split() if s.lower() not in OIDC_SCOPES]
    if not requested:
        return None, [], aadsts_error(70011, request, detail="The scope must name a resource, e.g. https://graph.microsoft.com/.default.")
    resources, names = set(), []
    for scope in requested:
        resource, dummy, name = scope.rpartition("/")
        if not resource or not name:
            return None, [], aadsts_error(70011, request, detail=f"The scope {scope} is not valid.")
        resources.add(resource.lower())
        names.append(name)
    if len(resources) > 1:
        return None, [], aadsts_error(28000, request, scope=scope_param)
    resource = resources.pop()
    return AUDIENCE_TO_APP.get(resource) or resource, names, None


def _audience(scope_param, resource_app_id):
    """The resource URI the scope names (any cloud's), as the token's ``aud``; None for an unknown resource."""
    resource = (scope_param.split() or [""])[0].rpartition("/")[0].lower()
    if AUDIENCE_TO_APP.get(resource) == resource_app_id:
        return resource
    return st.RESOURCE_AUDIENCES.get(resource_app_id)


def _refresh_token_grant(sandbox, request, form, directory: st.Tenant) -> Response:
    store, faults, now = sandbox.store, sandbox.faults, sandbox.clock.now()
    value = form.get("refresh_token")
    if not value:
        return aadsts_error(900144, request, parameter="refresh_token")
    with store.lock:
        refresh = store.refresh_tokens.get(value)
    if refresh is None:
        return aadsts_error(9002313, request)
    if (faults.setting("expired_refresh_token", False, "identity", directory.id)
            or now - refresh.last_used_at > st.REFRESH_TOKEN_MAX_INACTIVE_S or now > refresh.expires_at):
        issued = datetime.datetime.fromtimestamp(refresh.issued_at or refresh.last_used_at, datetime.timezone.utc)
        return aadsts_error(700082, request, issued=issued.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"))
    if refresh.revoked or faults.setting("revoked_refresh_token", False, "identity", directory.id):
        return aadsts_error(50173, request)
    if faults.setting("conditional_access", False, "identity", directory.id):
        return aadsts_error(53003, request)
    resource_app_id, names, failure = _parse_scope(request, form.get("scope", ""))
    if failure:
        return failure
    refused = _without_partner_access(store, request, directory)
    if refused:
        return refused
    audience = _audience(form.get("scope", ""), resource_app_id)
    if audience is None:
        return aadsts_error(500011, request, resource=resource_app_id, tenant=directory.id)
    app = store.partner.app
    with store.lock:
        granted = directory.delegated_scopes(app.client_id, resource_app_id)
        wanted = granted if ".default" in names else [n for n in names if n != ".default"]
        if not granted or not set(wanted) <= set(granted):
            return aadsts_error(65001, request, suberror="consent_required", client_id=app.client_id,
                                app_name=app.display_name)
        refresh.last_used_at = now
        # The new token is issued now and carries the sign-in's authentication methods forward.
        rotated = st.RefreshToken("0.AAAA-sbx." + secrets.token_urlsafe(48), refresh.user_oid, last_used_at=now,
                                  issued_at=now, mfa=refresh.mfa)
        store.refresh_tokens[rotated.value] = rotated
    partner = store.partner
    lifetime = int(faults.setting("token_lifetime_s", 3599, "identity", directory.id))
    access = sandbox.tokens.issue_access_token(audience=audience, tenant_id=directory.id, app_id=app.client_id,
                                               oid=partner.user_oid, scp=" ".join(wanted), upn=partner.user_upn,
                                               lifetime_s=lifetime, extra=dict(
                                                   cae.token_claims(form.get("claims")) or {},
                                                   # amr: how the user signed in (access token claims reference);
                                                   # "mfa" is what Partner Center checks.
                                                   amr=["pwd", "mfa"] if refresh.mfa else ["pwd"]))
    # Graph answers short scope names; other resources the full URI (contract §2.3); both echo .default.
    shown = wanted if resource_app_id == st.GRAPH_APP_ID else [f"{audience}/{n}" for n in wanted]
    if ".default" in names:
        shown = shown + [f"{audience}/.default"]
    body = {"token_type": "Bearer", "scope": " ".join(shown), "expires_in": lifetime, "ext_expires_in": lifetime,
            "access_token": access, "refresh_token": rotated.value,
            "id_token": sandbox.tokens.issue_id_token(tenant_id=partner.tenant_id, client_id=app.client_id,
                                                      oid=partner.user_oid, upn=partner.user_upn, lifetime_s=lifetime)}
    if form.get("client_info") == "1":
        info = json.dumps({"uid": partner.user_oid, "utid": partner.tenant_id}).encode()
        body["client_info"] = base64.urlsafe_b64encode(info).decode().rstrip("=")
    return Response.json(200, body, headers={"cache-control": "no-store"})


def _without_partner_access(store, request, directory: st.Tenant) -> Optional[Response]:
    """AADSTS50020 when the partner has GDAP relationships with the customer but none is active (expired or
    terminated): its users no longer exist there (contract §2.4). No relationship at all = DAP: not checked."""
    with store.lock:
        relationships = [r for r in store.relationships if r.customer_id == directory.id]
    if not relationships or any(r.active for r in relationships):
        return None
    partner = store.partner
    return aadsts_error(50020, request, upn=partner.user_upn, idp=f"https://sts.windows.net/{partner.tenant_id}/",
                        tenant=directory.id, client_id=partner.app.client_id)


def _role_resource(role: str) -> str:
    return st.EXCHANGE_APP_ID if role.startswith("Exchange.") else st.GRAPH_APP_ID


def _client_credentials_grant(sandbox, request, form, directory: st.Tenant) -> Response:
    store = sandbox.store
    resource_app_id, names, failure = _parse_scope(request, form.get("scope", ""))
    if failure:
        return failure
    if names != [".default"]:
        return aadsts_error(70011, request, detail="Client credential flows must have a scope value with /.default "
                                                   "suffixed to the resource identifier (application ID URI).")
    audience = _audience(form.get("scope", ""), resource_app_id)
    app = store.partner.app
    with store.lock:
        app_sp = directory.sp_by_app_id(app.client_id)
        if app_sp is None:
            return aadsts_error(7000229, request, client_id=app.client_id, tenant=directory.id)
        if audience is None or directory.sp_by_app_id(resource_app_id) is None:
            return aadsts_error(500011, request, resource=audience or resource_app_id, tenant=directory.id)
        roles = [r for r in app_sp.app_roles if _role_resource(r) == resource_app_id]
        wids = [DIRECTORY_ROLE_TEMPLATE_IDS[r] for r in app_sp.directory_roles if r in DIRECTORY_ROLE_TEMPLATE_IDS]
        sp_id = app_sp.id
    lifetime = int(sandbox.faults.setting("token_lifetime_s", 3599, "identity", directory.id))
    access = sandbox.tokens.issue_access_token(audience=audience, tenant_id=directory.id, app_id=app.client_id,
                                               oid=sp_id, roles=roles, wids=wids, lifetime_s=lifetime,
                                               extra=cae.token_claims(form.get("claims")))
    return Response.json(200, {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                               "access_token": access}, headers={"cache-control": "no-store"})
