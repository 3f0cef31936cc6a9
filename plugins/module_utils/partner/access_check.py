# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Can the partner manage a customer's Exchange now, and if not, why: consent and scopes per resource, the
partner's GDAP relationships with the customer, one cheap Exchange read and the initial domain. Reads only."""

from .consent.graph import EXCHANGE_APP_ID, GRAPH_APP_ID
from .consent.state import read_consent
from ..errors import AuthError, CspError, InvalidInputError, ServiceError
from ..identity.tenant import is_guid, tenant_guid_from_discovery
from ..identity.tokens import jwt_claims
from .domains import graph_domains


CHECKS = ("consent", "gdap", "exchange", "domain", "partner_token")
# Partner Center requires multi-factor authentication on every app+user call since 2026-04-01 ("Partner Center
# authentication", Partner Center developer docs) and checks the token's MFA claim; the access token claims
# reference lists "mfa" among the ``amr`` values.
MFA_FIX = ("sign in again as the partner admin agent with multi-factor authentication through playbooks/onboard.yml "
           "and use the refresh token it stores")
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"    # Entra role template id (same in every tenant)
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
EXCHANGE_ROLES = (EXCHANGE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR)
RESOURCE_NAMES = {EXCHANGE_APP_ID: "exchange", GRAPH_APP_ID: "graph", "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd": "partner_center"}
GDAP_PATH = "tenantRelationships/delegatedAdminRelationships"
CONSENT_FIX = ("run csp.exchange.exo_consent for this tenant (playbooks/consent.yml); where the app is not installed "
               "it creates the Partner Center consent")


class AccessReport:
    def __init__(self):
        self.result = dict(ready=False, tenant_id=None, initial_domain=None, consented=None, scopes={},
                           gdap=None, exchange_reachable=False, problems=[], partner_token=None)

    def problem(self, check, message, fix):
        self.result["problems"].append(dict(check=check, message=message, fix=fix))


def check_access(clients, tenant, checks):
    """The report for ``tenant`` (a dict: ready, problems with their fixes, and what was found)."""
    report = AccessReport()
    result = report.result
    try:
        result["tenant_id"] = tenant.lower() if is_guid(tenant) else tenant_guid_from_discovery(
            clients.transport, clients.endpoints, tenant)
    except CspError as exc:
        report.problem("tenant", exc.message, "check the tenant GUID or domain")
        return result
    auth_failure = None
    if "consent" in checks:
        auth_failure = _consent(clients, tenant, report)
    if "gdap" in checks:
        _gdap(clients, tenant, report)
    if "exchange" in checks and not auth_failure and not _consent_blocks_exchange(result):
        _exchange(clients, tenant, report)
    if "domain" in checks and not auth_failure:
        _initial_domain(clients, tenant, report)
    if "partner_token" in checks and not auth_failure:
        _partner_token(clients, report)
    exchange_ok = result["exchange_reachable"] or "exchange" not in checks
    manage_ok = "consent" not in checks or "Exchange.Manage" in (result["scopes"].get("exchange") or []) \
        or clients.tokens.mode != "delegated"
    result["ready"] = exchange_ok and manage_ok and not auth_failure and result["tenant_id"] is not None
    token = result["partner_token"]
    if result["ready"]:
        result["problems"] = []
    elif token and not token["mfa"]:
        report.problem("partner_token", token["message"], token["fix"])
    if not result["ready"] and not result["problems"]:
        report.problem("exchange", "Exchange Online could not be managed in tenant %s." % tenant,
                       "run with checks including exchange and consent to see why")
    return result


def _consent_blocks_exchange(result):
    """The app provably lacks Exchange.Manage: the Exchange read could only fail the same way."""
    return result["consented"] is False or (
        "exchange" in result["scopes"] or result["consented"]) and "Exchange.Manage" not in result["scopes"].get("exchange", [])


def _consent(clients, tenant, report):
    """Scopes per resource and whether the app is installed; returns an AuthError that blocks every token."""
    result = report.result
    try:
        state = read_consent(clients, tenant, clients.client_id, EXCHANGE_APP_ID)
    except AuthError as exc:
        report.problem("auth", exc.message, _auth_fix(exc))
        return exc
    result["consented"] = state.consented
    scopes = {}
    if state.grants is not None:
        for grant in state.grants:
            scopes[RESOURCE_NAMES.get(grant["resource_app_id"], grant["resource_app_id"])] = grant["scopes"]
    else:
        if state.graph_scopes:
            scopes["graph"] = state.graph_scopes
        if state.scopes:
            scopes["exchange"] = state.scopes
    result["scopes"] = scopes
    if state.scopes is None:
        return None         # app-only or a given token: scopes cannot be read, Exchange decides
    if state.consented is False:
        report.problem("consent", "The partner app %s is not installed in tenant %s (no Graph or Exchange permission "
                                  "there)." % (clients.client_id, tenant), CONSENT_FIX)
    elif "Exchange.Manage" not in state.scopes:
        report.problem("consent", "The partner app holds %s on Exchange Online in tenant %s, not Exchange.Manage."
                       % (", ".join(state.scopes) or "no scope", tenant),
                       "run csp.exchange.exo_consent for this tenant (method graph where the app holds "
                       "DelegatedPermissionGrant.ReadWrite.All there, else partner_center with partner_center_grants)")
    return None


def _auth_fix(exc):
    code = exc.details.get("aadsts")
    if code in (50020, 50177):
        return ("the partner user has no access to the tenant: create a GDAP relationship with the Exchange "
                "Administrator role, have the customer approve it, and map it to the partner user's security group")
    if code in (700082, 70043, 50173, 50076):
        return "sign in again as the partner admin agent (playbooks/onboard.yml) and store the new refresh token"
    return "see the message"


def _gdap(clients, tenant, report):
    """The partner's relationships with this customer (Graph in the partner tenant); None when unreadable."""
    result = report.result
    try:
        partner = clients.partner_tenant
    except InvalidInputError:
        return      # no partner tenant: GDAP is not read
    try:
        items = clients.graph(partner).list(GDAP_PATH)
    except CspError:
        return      # GDAP that cannot be read is reported as null, never a problem by itself
    mine = [r for r in items if ((r.get("customer") or {}).get("tenantId") or "").lower() == result["tenant_id"]]
    result["gdap"] = [dict(name=r.get("displayName"), status=r.get("status"), end_date=r.get("endDateTime"),
                           roles=[u.get("roleDefinitionId") for u in (r.get("accessDetails") or {}).get("unifiedRoles") or []],
                           exchange_administrator=any(u.get("roleDefinitionId") in EXCHANGE_ROLES for u in (
                               r.get("accessDetails") or {}).get("unifiedRoles") or []))
                      for r in mine]
    active = [r for r in result["gdap"] if r["status"] == "active"]
    if mine and not active:
        report.problem("gdap", "Every GDAP relationship with tenant %s has ended (%s)." % (tenant, ", ".join(
            "%s: %s since %s" % (r["name"], r["status"], r["end_date"]) for r in result["gdap"])),
            "create a new GDAP relationship that includes the Exchange Administrator role and have the customer "
            "approve it")
    elif active and not any(r["exchange_administrator"] for r in active):
        report.problem("gdap", "No active GDAP relationship with tenant %s includes the Exchange Administrator role "
                               "(%s)." % (tenant, ", ".join(r["name"] for r in active)),
                       "add the Exchange Administrator role to a relationship (a new relationship; roles of an active one "
                       "cannot be changed) and assign it to the partner user's security group")
    # No relationship at all: a DAP partner, or GDAP not used; not a problem by itself.


def _exchange(clients, tenant, report):
    """One cheap read: Get-OrganizationConfig's Name is the initial domain."""
    result = report.result
    try:
        rows = clients.exchange(result["tenant_id"]).invoke("Get-OrganizationConfig", select=["Name"]).rows
    except (AuthError, ServiceError) as exc:
        report.problem("exchange", exc.message, CONSENT_FIX if getattr(exc, "status", None) == 401 else
                       "give the partner user an Exchange admin role in the tenant (GDAP Exchange Administrator)")
        return
    result["exchange_reachable"] = True
    if rows and rows[0].get("Name"):
        result["initial_domain"] = rows[0]["Name"]


def _partner_token(clients, report):
    """Whether the partner's delegated token carries multi-factor authentication (``amr`` has ``mfa``), read from a
    Partner Center token at the partner tenant: without it every Partner Center call fails (900421). Null when there
    is no delegated token or no partner tenant to ask."""
    tokens = clients.tokens
    if tokens.mode != "delegated" or tokens.given_token:
        return
    try:
        partner = clients.partner_tenant
        claims = jwt_claims(tokens.get("partner_center", partner).token)
    except CspError:
        return      # no partner tenant, or Partner Center not consented for the app: nothing to say here
    mfa = "mfa" in (claims.get("amr") or [])
    report.result["partner_token"] = dict(mfa=mfa, message=None if mfa else (
        "The partner refresh token was issued to a sign-in without multi-factor authentication, so Partner Center "
        "refuses its calls (error 900421) and no consent can be created."), fix=None if mfa else MFA_FIX)


def _initial_domain(clients, tenant, report):
    result = report.result
    if result["initial_domain"]:
        return
    try:
        result["initial_domain"] = graph_domains(clients.graph(result["tenant_id"])).initial
    except CspError:
        pass        # null when not readable
