"""The admin API under ``/_sandbox/`` (no auth; the server listens on loopback only): state inspection,
reset, fault settings, request log and counters, token revocation, app credentials and the clock."""
from typing import Optional

from .. import store as st
from ..seed import RESOURCE_ALIASES
from ..wire import Request, Response

A = r"/_sandbox"
TENANT = A + r"/tenants/(?P<tenant>[^/]+)"


def register(router) -> None:
    for method, path, handler in [
        ("GET", "/health", health), ("GET", "/env", env), ("POST", "/reset", reset),
        ("GET", "/tenants", list_tenants), ("GET", "/tenants/(?P<tenant>[^/]+)", get_tenant),
        ("GET", "/tenants/(?P<tenant>[^/]+)/grants", list_grants),
        ("DELETE", "/tenants/(?P<tenant>[^/]+)/grants", remove_grants),
        ("GET", "/tenants/(?P<tenant>[^/]+)/service-principals", list_service_principals),
        ("DELETE", "/tenants/(?P<tenant>[^/]+)/service-principals/(?P<app_id>[^/]+)", remove_service_principal),
        ("GET", "/tenants/(?P<tenant>[^/]+)/exchange/(?P<noun>[^/]+)", exchange_snapshot),
        ("GET", "/faults", get_faults), ("PATCH", "/faults", update_faults), ("POST", "/faults", update_faults),
        ("DELETE", "/faults", reset_faults),
        ("GET", "/log", get_log), ("DELETE", "/log", clear_log), ("GET", "/counters", counters),
        ("POST", "/tokens/invalidate", invalidate_tokens),
        ("GET", "/app", get_app), ("PATCH", "/app", update_app),
        ("GET", "/clock", get_clock), ("POST", "/clock", advance_clock),
    ]:
        router.add(method, A + path, "admin", handler)


def _error(status: int, message: str) -> Response:
    return Response.json(status, {"error": message})


def _body(request: Request) -> Optional[dict]:
    try:
        body = request.json() if request.body else {}
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _tenant(sandbox, segment: str) -> Optional[st.Tenant]:
    return sandbox.store.directory(segment)


def _render_tenant(tenant: st.Tenant, detail: bool) -> dict:
    summary = {"id": tenant.id, "displayName": tenant.display_name, "relationship": tenant.relationship,
               "initialDomain": tenant.initial_domain, "defaultDomain": tenant.default_domain,
               "domains": [{"name": d.name, "isInitial": d.is_initial, "isDefault": d.is_default,
                            "isVerified": d.is_verified} for d in tenant.domains],
               "exchange": tenant.exchange is not None}
    if detail:
        summary["servicePrincipals"] = [_render_sp(sp) for sp in tenant.service_principals.values()]
        summary["grants"] = [_render_grant(tenant, g) for g in tenant.grants.values()]
    return summary


def _render_sp(sp: st.ServicePrincipal) -> dict:
    return {"id": sp.id, "appId": sp.app_id, "displayName": sp.display_name, "appRoles": sp.app_roles,
            "directoryRoles": sp.directory_roles}


def _render_grant(tenant: st.Tenant, grant: st.Grant) -> dict:
    client, resource = tenant.service_principals.get(grant.client_id), tenant.service_principals.get(grant.resource_id)
    return {"id": grant.id, "clientId": grant.client_id, "clientAppId": client.app_id if client else None,
            "resourceId": grant.resource_id, "resourceAppId": resource.app_id if resource else None,
            "consentType": grant.consent_type, "principalId": grant.principal_id, "scope": grant.scope}


def health(sandbox, request):
    return Response.json(200, {"ok": True, "exchange": any(t.exchange is not None for t in sandbox.store.tenants.values())})


def env(sandbox, request):
    return Response.json(200, sandbox.env)


def reset(sandbox, request):
    sandbox.reset()
    return Response.empty(204)


# -- state ---------------------------------------------------------------------------------------------
def list_tenants(sandbox, request):
    with sandbox.store.lock:
        partner = sandbox.store.partner
        return Response.json(200, {"partner": {"id": partner.tenant_id, "displayName": partner.display_name,
                                               "appId": partner.app.client_id, "user": partner.user_upn},
                                   "tenants": [_render_tenant(t, False) for t in sandbox.store.tenants.values()]})


def get_tenant(sandbox, request, tenant):
    with sandbox.store.lock:
        found = _tenant(sandbox, tenant)
        return Response.json(200, _render_tenant(found, True)) if found else _error(404, f"unknown tenant {tenant}")


def list_grants(sandbox, request, tenant):
    with sandbox.store.lock:
        found = _tenant(sandbox, tenant)
        if found is None:
            return _error(404, f"unknown tenant {tenant}")
        return Response.json(200, {"value": [_render_grant(found, g) for g in found.grants.values()]})


def remove_grants(sandbox, request, tenant):
    """``?resource=exchange|graph|partner_center|<appId>`` removes the app's grants on that resource
    (the "missing consent" fault); ``&scope=X`` removes only that scope from them."""
    resource = request.query.get("resource")
    if not resource:
        return _error(400, "resource is required")
    resource_app_id = RESOURCE_ALIASES.get(resource, resource).lower()
    scope = request.query.get("scope")
    with sandbox.store.lock:
        found = _tenant(sandbox, tenant)
        if found is None:
            return _error(404, f"unknown tenant {tenant}")
        client, target = found.sp_by_app_id(sandbox.store.partner.app.client_id), found.sp_by_app_id(resource_app_id)
        removed = 0
        for grant in list(found.grants.values()):
            if client and target and grant.client_id == client.id and grant.resource_id == target.id:
                if scope:
                    grant.scope = " ".join(s for s in grant.scope.split() if s != scope)
                else:
                    del found.grants[grant.id]
                removed += 1
    return Response.json(200, {"affected": removed})


def list_service_principals(sandbox, request, tenant):
    with sandbox.store.lock:
        found = _tenant(sandbox, tenant)
        if found is None:
            return _error(404, f"unknown tenant {tenant}")
        return Response.json(200, {"value": [_render_sp(sp) for sp in found.service_principals.values()]})


def remove_service_principal(sandbox, request, tenant, app_id):
    resource_app_id = RESOURCE_ALIASES.get(app_id, app_id)
    with sandbox.store.lock:
        found = _tenant(sandbox, tenant)
        sp = found.sp_by_app_id(resource_app_id) if found else None
        if sp is None:
            return _error(404, f"no service principal for {app_id} in {tenant}")
        found.remove_service_principal(sp.id)
    return Response.empty(204)


def exchange_snapshot(sandbox, request, tenant, noun):
    with sandbox.store.lock:
        found = sandbox.store.tenant_by_segment(tenant)
        if found is None or found.exchange is None:
            return _error(404, f"no Exchange organisation for {tenant}")
        return Response.json(200, {"value": found.exchange.snapshot(noun)})


# -- faults, log, tokens, app, clock -------------------------------------------------------------------
def get_faults(sandbox, request):
    return Response.json(200, {"scopes": sandbox.faults.snapshot()})


def update_faults(sandbox, request):
    """Body: fault values, optionally with ``service`` and/or ``tenant`` (GUID or domain) to scope them."""
    body = _body(request)
    if body is None:
        return _error(400, "body must be a JSON object")
    service, tenant = body.pop("service", None), body.pop("tenant", None)
    if tenant:
        found = _tenant(sandbox, tenant)
        if found is None:
            return _error(404, f"unknown tenant {tenant}")
        tenant = found.id
    try:
        sandbox.faults.update(service=service, tenant=tenant, **body)
    except KeyError as exc:
        return _error(400, str(exc.args[0]))
    return Response.json(200, {"scopes": sandbox.faults.snapshot()})


def reset_faults(sandbox, request):
    sandbox.faults.reset()
    return Response.empty(204)


def get_log(sandbox, request):
    query = request.query
    try:
        since, limit = int(query.get("since", 0)), int(query["limit"]) if "limit" in query else None
    except ValueError:
        return _error(400, "since and limit must be integers")
    return Response.json(200, {"value": sandbox.log.entries(query.get("service"), query.get("tenant"), since, limit)})


def clear_log(sandbox, request):
    sandbox.log.clear()
    return Response.empty(204)


def counters(sandbox, request):
    return Response.json(200, sandbox.log.counters())


def invalidate_tokens(sandbox, request):
    sandbox.tokens.invalidate()
    return Response.json(200, {"not_before": sandbox.tokens.not_before})


def get_app(sandbox, request):
    app = sandbox.store.partner.app
    return Response.json(200, {"clientId": app.client_id, "secretCount": len(app.secrets),
                               "secretExpired": app.secret_expired, "hasCertificate": bool(app.certificate_pem)})


def update_app(sandbox, request):
    """``{"secrets": [...]}`` rotates the secrets (the old one becomes wrong), ``{"secret_expired": true}``."""
    body = _body(request)
    if body is None or not set(body) <= {"secrets", "secret_expired"}:
        return _error(400, "body may hold secrets (list) and secret_expired (bool)")
    with sandbox.store.lock:
        app = sandbox.store.partner.app
        if "secrets" in body:
            app.secrets = [str(s) for s in body["secrets"]]
        if "secret_expired" in body:
            app.secret_expired = bool(body["secret_expired"])
    return get_app(sandbox, request)


def get_clock(sandbox, request):
    return Response.json(200, {"now": sandbox.clock.now()})


def advance_clock(sandbox, request):
    body = _body(request)
    try:
        sandbox.clock.advance(float(body["advance"]))
    except (TypeError, KeyError, ValueError):
        return _error(400, 'body must be {"advance": seconds}')
    return get_clock(sandbox, request)
