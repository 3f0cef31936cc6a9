"""YAML seed -> Store. The same seed dict and random seed always build the same state, which is how
``reset`` returns to it. The Exchange organisation of each tenant comes from ``ExchangeTenant.from_seed``
when the Exchange engine is installed (tenants get ``exchange=None`` otherwise)."""
import importlib
import importlib.util
import os
import random
from typing import Any, Dict, List, Optional

import yaml

from . import store as st

DEFAULT_SEED_PATH = os.path.join(os.path.dirname(__file__), "default_seed.yml")
RESOURCE_ALIASES = {"exchange": st.EXCHANGE_APP_ID, "graph": st.GRAPH_APP_ID, "partner_center": st.PARTNER_CENTER_APP_ID}
GDAP_DEFAULT_ROLES = ["29232cdf-9323-42fd-ade2-1d097af3e4de",    # Exchange Administrator
                      "f2ef992c-3afb-46b9-b7cf-a126ee74c451"]    # Global Reader
GENERATED_CONSENT = {"exchange": "Exchange.Manage", "graph": "Directory.Read.All DelegatedPermissionGrant.ReadWrite.All"}


def load_seed(path: Optional[str] = None) -> Dict[str, Any]:
    with open(path or DEFAULT_SEED_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def exchange_tenant_class():
    """``ExchangeTenant`` when the Exchange engine exists, else None (identity/Graph/PC still run)."""
    name = f"{__package__}.exchange.engine"
    if importlib.util.find_spec(f"{__package__}.exchange") is None or importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name).ExchangeTenant


def build_store(seed: Dict[str, Any], random_seed: Optional[int], now: float) -> st.Store:
    rng = random.Random(random_seed)
    partner = _partner(seed["partner"])
    store = st.Store(partner, {}, rng)
    _install_consent(store, partner.home, partner.app, seed["partner"].get("consent") or {}, {}, None)
    store.refresh_tokens[seed["partner"]["refresh_token"]] = st.RefreshToken(
        seed["partner"]["refresh_token"], partner.user_oid, last_used_at=now, issued_at=now)
    if seed["partner"].get("refresh_token_without_mfa"):
        # A partner token whose sign-in skipped multi-factor authentication: Partner Center refuses it (900421).
        value = seed["partner"]["refresh_token_without_mfa"]
        store.refresh_tokens[value] = st.RefreshToken(value, partner.user_oid, last_used_at=now, issued_at=now,
                                                      mfa=False)

    exchange_cls = exchange_tenant_class()
    for spec in seed.get("tenants") or []:
        _add_customer(store, spec, exchange_cls, rng)
    generated = seed.get("generate_customers") or {}
    for spec in _generated_specs(generated):
        _add_customer(store, spec, exchange_cls, rng)
    return store


def _partner(spec: Dict[str, Any]) -> st.Partner:
    app_spec = spec["app"]
    app = st.PartnerApp(client_id=app_spec["client_id"].lower(), display_name=app_spec.get("display_name", "csp.exchange"),
                        secrets=list(app_spec.get("secrets") or []), certificate_pem=app_spec.get("certificate_pem"),
                        secret_expired=bool(app_spec.get("secret_expired", False)),
                        object_id=str(app_spec.get("object_id") or "").lower(),
                        required_resource_access=list(app_spec.get("required_resource_access") or []))
    home = st.Tenant(id=spec["tenant_id"].lower(), display_name=spec.get("display_name", "Partner"),
                     domains=_domains(spec["domains"]), relationship="self")
    user = spec.get("user") or {}
    return st.Partner(tenant_id=home.id, domain=home.initial_domain, app=app,
                      user_upn=user.get("upn", f"admin@{home.initial_domain}"), user_oid=user.get("oid", ""),
                      display_name=home.display_name, home=home)


def _domains(specs: List[Dict[str, Any]]) -> List[st.Domain]:
    return [st.Domain(name=d["name"], is_initial=bool(d.get("initial")), is_default=bool(d.get("default")),
                      is_verified=bool(d.get("verified", True))) for d in specs]


def _add_customer(store: st.Store, spec: Dict[str, Any], exchange_cls, rng: random.Random) -> None:
    tenant = st.Tenant(id=spec["id"].lower(), display_name=spec["display_name"], domains=_domains(spec["domains"]),
                       relationship=spec.get("relationship", "reseller"), cloud=spec.get("cloud", "global"))
    # Microsoft Graph's service principal exists in every tenant; other resources only once consented.
    _ensure_sp(store, tenant, st.GRAPH_APP_ID, None)
    consent = spec.get("consent") or {}
    _install_consent(store, tenant, store.partner.app, consent, spec.get("resource_sp_ids") or {}, spec.get("app_sp_id"))
    app_sp = tenant.sp_by_app_id(store.partner.app.client_id)
    if app_sp:
        app_sp.app_roles = list(spec.get("app_roles") or [])
        app_sp.directory_roles = list(spec.get("directory_roles") or [])
    store.tenants[tenant.id] = tenant
    gdap = spec.get("gdap", {})
    if gdap is not False:
        gdap = gdap or {}
        store.relationships.append(st.DelegatedAdminRelationship(
            id=f"{store.new_guid()}-{tenant.id}", display_name=gdap.get("display_name", f"CSP-Exchange-{tenant.display_name}"),
            customer_id=tenant.id, customer_name=tenant.display_name, status=gdap.get("status", "active"),
            role_ids=list(gdap.get("roles") or GDAP_DEFAULT_ROLES),
            ends=gdap.get("ends", st.DelegatedAdminRelationship.ends)))
    if exchange_cls is not None:
        tenant.exchange = exchange_cls.from_seed(tenant, dict(spec.get("exchange") or {}), rng)


def _install_consent(store: st.Store, tenant: st.Tenant, app: st.PartnerApp, consent: Dict[str, str],
                     resource_sp_ids: Dict[str, str], app_sp_id: Optional[str]) -> None:
    """The app's SP plus one AllPrincipals grant per resource, as an application consent leaves them."""
    if not consent:
        return
    client = _ensure_sp(store, tenant, app.client_id, app_sp_id, app.display_name)
    for resource, scope in consent.items():
        resource_app_id = RESOURCE_ALIASES.get(resource, resource)
        target = _ensure_sp(store, tenant, resource_app_id, resource_sp_ids.get(resource))
        grant_id = store.new_grant_id()
        tenant.grants[grant_id] = st.Grant(id=grant_id, client_id=client.id, consent_type="AllPrincipals",
                                           resource_id=target.id, scope=" ".join(str(scope).split()))


def _ensure_sp(store: st.Store, tenant: st.Tenant, app_id: str, sp_id: Optional[str],
               display_name: Optional[str] = None) -> st.ServicePrincipal:
    existing = tenant.sp_by_app_id(app_id)
    if existing:
        return existing
    sp = st.ServicePrincipal(id=(sp_id or store.new_guid()).lower(), app_id=app_id.lower(),
                             display_name=display_name or st.WELL_KNOWN_APP_NAMES.get(app_id.lower(), app_id))
    tenant.service_principals[sp.id] = sp
    return sp


def _generated_specs(generated: Dict[str, Any]):
    """Extra customers for paging tests: small Exchange orgs, full consent, two domains each."""
    prefix = generated.get("prefix", "customer")
    for i in range(1, int(generated.get("count", 0)) + 1):
        label = f"{prefix}{i:04d}"
        yield {
            "id": f"22222222-2222-2222-3333-{i:012d}",
            "display_name": f"{prefix.title()} {i:04d}",
            "domains": [{"name": f"{label}.onmicrosoft.com", "initial": True}, {"name": f"{label}.example", "default": True}],
            "consent": generated.get("consent", GENERATED_CONSENT),
            "exchange": dict(generated.get("exchange") or {"mailboxes": [{"generate": {"count": 3}}]}),
        }
