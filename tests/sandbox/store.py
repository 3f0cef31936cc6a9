"""Typed state of the sandbox: the partner, its app, customer tenants with their directory objects
(domains, service principals, oauth2PermissionGrants), GDAP relationships, issued refresh tokens and
each customer's Exchange organisation.

Services read and change this under ``Store.lock``; nothing here knows about HTTP or wire formats.
"""
import base64
import random
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
PARTNER_CENTER_APP_ID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"

# Resource apps the sandbox serves: app id -> (token audience, display name of its service principal).
RESOURCE_AUDIENCES = {
    EXCHANGE_APP_ID: "https://outlook.office365.com",
    GRAPH_APP_ID: "https://graph.microsoft.com",
    PARTNER_CENTER_APP_ID: "https://api.partnercenter.microsoft.com",
}
# A tenant in a national cloud accepts only tokens for its own cloud's resources, whose URIs differ from the global
# ones (Microsoft Learn, "National clouds" authentication endpoints and "Microsoft Graph national cloud deployments";
# Exchange Online in GCC High: outlook.office365.us). The sandbox serves every cloud on one host: a tenant's
# ``cloud`` decides which audience its Exchange and Graph accept.
CLOUD_AUDIENCES = {
    "global": RESOURCE_AUDIENCES,
    "usgov_high": {EXCHANGE_APP_ID: "https://outlook.office365.us", GRAPH_APP_ID: "https://graph.microsoft.us",
                   PARTNER_CENTER_APP_ID: "https://api.partnercenter.microsoft.com"},
}


def audience_for(tenant, app_id: str) -> str:
    """The token audience ``tenant``'s service of ``app_id`` accepts."""
    return CLOUD_AUDIENCES[tenant.cloud][app_id]


WELL_KNOWN_APP_NAMES = {
    EXCHANGE_APP_ID: "Office 365 Exchange Online",
    GRAPH_APP_ID: "Microsoft Graph",
    PARTNER_CENTER_APP_ID: "Microsoft Partner Center",
}
REFRESH_TOKEN_MAX_INACTIVE_S = 90 * 24 * 3600
# "The default lifetime for the refresh tokens is ... 90 days for all other scenarios. Refresh tokens replace
# themselves with a fresh token upon every use" (Microsoft identity platform docs, "Refresh tokens"): each one
# expires 90 days after it was issued, however often it is used.
REFRESH_TOKEN_LIFETIME_S = 90 * 24 * 3600


@dataclass
class Domain:
    name: str
    is_initial: bool = False
    is_default: bool = False
    is_verified: bool = True


@dataclass
class ServicePrincipal:
    id: str
    app_id: str
    display_name: str = ""
    app_roles: List[str] = field(default_factory=list)      # app roles granted to this SP (app-only), e.g. Exchange.ManageAsApp
    directory_roles: List[str] = field(default_factory=list)
    # appRoleAssignments of users or groups to this app, as Graph renders them (principalId, principalType, appRoleId)
    assigned_to: List[Dict[str, Any]] = field(default_factory=list)
    # groups it is a member of and its owners, as Graph renders directory objects (@odata.type, id, displayName)
    member_of: List[Dict[str, Any]] = field(default_factory=list)
    owners: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class Grant:
    """An oauth2PermissionGrant (delegated). ``scope`` is space-separated values, as Graph stores it."""
    id: str
    client_id: str          # object id of the client SP
    consent_type: str       # AllPrincipals | Principal
    resource_id: str        # object id of the resource SP
    scope: str
    principal_id: Optional[str] = None
    visible_from: float = 0.0       # directory replication: $filter listings miss a new grant until then


@dataclass
class Tenant:
    id: str
    display_name: str
    domains: List[Domain] = field(default_factory=list)
    relationship: str = "reseller"
    cloud: str = "global"       # a key of CLOUD_AUDIENCES
    service_principals: Dict[str, ServicePrincipal] = field(default_factory=dict)   # by object id
    grants: Dict[str, Grant] = field(default_factory=dict)                          # by grant id
    exchange: Any = None    # tests.sandbox.exchange.engine.ExchangeTenant

    @property
    def initial_domain(self) -> str:
        return next(d.name for d in self.domains if d.is_initial)

    @property
    def default_domain(self) -> str:
        return next((d.name for d in self.domains if d.is_default), self.initial_domain)

    def has_domain(self, name: str) -> bool:
        return any(d.name.lower() == name.lower() for d in self.domains)

    def sp_by_app_id(self, app_id: str) -> Optional[ServicePrincipal]:
        return next((sp for sp in self.service_principals.values() if sp.app_id.lower() == app_id.lower()), None)

    def delegated_scopes(self, client_app_id: str, resource_app_id: str) -> List[str]:
        """Scopes the client app holds on the resource for every user (AllPrincipals grants)."""
        client, resource = self.sp_by_app_id(client_app_id), self.sp_by_app_id(resource_app_id)
        if not client or not resource:
            return []
        scopes: List[str] = []
        for grant in self.grants.values():
            if grant.client_id == client.id and grant.resource_id == resource.id and grant.consent_type == "AllPrincipals":
                scopes.extend(s for s in grant.scope.split() if s not in scopes)
        return scopes

    def remove_service_principal(self, sp_id: str) -> None:
        """Deleting an SP deletes the grants it takes part in, as the directory does."""
        self.service_principals.pop(sp_id, None)
        for grant_id in [g.id for g in self.grants.values() if sp_id in (g.client_id, g.resource_id)]:
            del self.grants[grant_id]


@dataclass
class PartnerApp:
    client_id: str
    display_name: str = "csp.exchange"
    secrets: List[str] = field(default_factory=list)
    certificate_pem: Optional[str] = None     # public certificate checked against client assertions
    secret_expired: bool = False
    object_id: str = ""                       # the application object in the partner tenant (Graph /applications)
    # requiredResourceAccess as Graph stores it: [{resourceAppId, resourceAccess: [{id, type}]}]
    required_resource_access: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class Partner:
    tenant_id: str
    domain: str
    app: PartnerApp
    user_upn: str = "admin@partner.onmicrosoft.com"
    user_oid: str = ""
    display_name: str = "Partner"
    home: Optional[Tenant] = None     # the partner's own directory (discovery, Graph GDAP, Partner Center grants)


@dataclass
class RefreshToken:
    value: str
    user_oid: str
    last_used_at: float           # sandbox clock; unused for 90 days -> AADSTS700082
    revoked: bool = False
    issued_at: Optional[float] = None   # sandbox clock; 90 days later it expires whatever its use (None: last_used_at)
    mfa: bool = True              # the sign-in satisfied multi-factor authentication: tokens carry amr ["pwd", "mfa"]

    @property
    def expires_at(self) -> float:
        return (self.last_used_at if self.issued_at is None else self.issued_at) + REFRESH_TOKEN_LIFETIME_S


@dataclass
class DeviceCode:
    """A pending device-code sign-in (RFC 8628): approved when the admin API says the user signed in."""
    device_code: str
    user_code: str
    tenant_id: str
    scope: str
    expires_at: float             # sandbox clock
    approved: bool = False
    redeemed: bool = False


@dataclass
class DelegatedAdminRelationship:
    id: str
    display_name: str
    customer_id: str
    customer_name: str
    status: str = "active"
    duration: str = "P730D"
    auto_extend_duration: str = "P180D"
    role_ids: List[str] = field(default_factory=list)
    created: str = "2025-01-06T09:00:00Z"
    ends: str = "2027-01-06T09:00:00Z"

    @property
    def active(self) -> bool:
        return self.status == "active"


class Store:
    """All sandbox state. Hold ``lock`` while reading-then-writing."""

    def __init__(self, partner: Partner, tenants: Dict[str, Tenant], rng: Optional[random.Random] = None):
        self.lock = threading.RLock()
        self.partner = partner
        self.tenants = tenants          # customers by lower-case GUID, in Partner Center order
        self.refresh_tokens: Dict[str, RefreshToken] = {}
        self.device_codes: Dict[str, DeviceCode] = {}       # by device_code
        self.relationships: List[DelegatedAdminRelationship] = []
        # Partner Center answers by MS-RequestId: a retried request with the same id gets the first answer again.
        self.partner_center_answers: Dict[str, Any] = {}
        self.rng = rng or random.Random(0)     # new object ids replay with the seed

    def tenant_by_segment(self, segment: str) -> Optional[Tenant]:
        """A customer tenant by GUID or any of its domains (case-insensitive); None when unknown."""
        seg = segment.lower()
        if seg in self.tenants:
            return self.tenants[seg]
        for tenant in self.tenants.values():
            if tenant.has_domain(seg):
                return tenant
        return None

    def partner_access(self, customer_id: str) -> Optional[List[str]]:
        """Directory roles the partner's users hold in a customer through GDAP: None when the partner has no
        GDAP relationship with it at all (a DAP or legacy customer: access is not restricted here), else the
        roles of the active relationships (empty when every one expired or was terminated)."""
        relationships = [r for r in self.relationships if r.customer_id == customer_id.lower()]
        if not relationships:
            return None
        return sorted({role for r in relationships if r.active for role in r.role_ids})

    def directory(self, segment: str) -> Optional[Tenant]:
        """Like ``tenant_by_segment`` but also finds the partner's own tenant."""
        home = self.partner.home
        if home and (segment.lower() == home.id or home.has_domain(segment)):
            return home
        return self.tenant_by_segment(segment)

    def new_guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_grant_id(self) -> str:
        """Graph grant ids are opaque 43-character base64url strings."""
        return base64.urlsafe_b64encode(self.rng.getrandbits(256).to_bytes(32, "big")).decode()[:43]
