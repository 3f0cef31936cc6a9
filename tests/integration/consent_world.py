"""A sandbox world with one customer per consent and GDAP state, shared by the exo_consent and access-check tests.

Every customer has an Exchange organisation; what differs is what the partner app holds there (as a Partner
Center consent leaves it: the app's service principal plus one AllPrincipals grant per resource) and the partner's
GDAP relationship with it.
"""
import copy

import pytest

from tests.integration.conftest import Harness
from tests.sandbox.launch import launch
from tests.sandbox import store as st
from tests.sandbox.seed import load_seed

SHAREPOINT_APP = "00000003-0000-0ff1-ce00-000000000000"
GRAPH_APP = "00000003-0000-0000-c000-000000000000"
EXCHANGE_APP = "00000002-0000-0ff1-ce00-000000000000"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GRAPH_GRANTS = "Directory.Read.All DelegatedPermissionGrant.ReadWrite.All"

NONE = "22222222-2222-2222-2222-0000000000a1"           # the app is not installed
EXO_ONLY = "22222222-2222-2222-2222-0000000000a2"       # Partner Center consent with the Exchange grant only
FULL = "22222222-2222-2222-2222-0000000000a3"           # Graph + Exchange (+ SharePoint)
NO_MANAGE = "22222222-2222-2222-2222-0000000000a4"      # an Exchange grant without Exchange.Manage, no Graph
GDAP_NO_EXO = "22222222-2222-2222-2222-0000000000a5"    # GDAP without the Exchange Administrator role
GDAP_EXPIRED = "22222222-2222-2222-2222-0000000000a6"   # the only GDAP relationship expired
READ_ONLY = "22222222-2222-2222-2222-0000000000a7"      # Graph can read the grants but not change them

STATES = {
    NONE: {"label": "none", "consent": {}},
    EXO_ONLY: {"label": "exoonly", "consent": {"exchange": "Exchange.Manage"},
               "app_roles": ["Exchange.ManageAsApp"], "directory_roles": ["Exchange Administrator"]},
    FULL: {"label": "full", "consent": {"exchange": "Exchange.Manage", "graph": GRAPH_GRANTS,
                                        SHAREPOINT_APP: "AllSites.FullControl"},
           "app_roles": ["Exchange.ManageAsApp"], "directory_roles": ["Exchange Administrator"]},
    NO_MANAGE: {"label": "nomanage", "consent": {"exchange": "EWS.AccessAsUser.All"}},
    GDAP_NO_EXO: {"label": "gdapnoexo", "consent": {"exchange": "Exchange.Manage", "graph": GRAPH_GRANTS},
                  "gdap": {"roles": [GLOBAL_READER]}},
    READ_ONLY: {"label": "readonly", "consent": {"exchange": "Exchange.Manage", "graph": "Directory.Read.All"}},
    GDAP_EXPIRED: {"label": "gdapexpired", "consent": {"exchange": "Exchange.Manage", "graph": GRAPH_GRANTS},
                   "gdap": {"status": "expired", "ends": "2026-06-01T00:00:00Z"}},
}


def seed():
    world = copy.deepcopy(load_seed())
    for tenant_id, state in STATES.items():
        label = state["label"]
        world["tenants"].append({
            "id": tenant_id, "display_name": "State %s" % label,
            "domains": [{"name": "%s.onmicrosoft.com" % label, "initial": True}, {"name": "%s.example" % label, "default": True}],
            "consent": state["consent"], "app_roles": state.get("app_roles", []),
            "directory_roles": state.get("directory_roles", []), "gdap": state.get("gdap", {}),
            "exchange": {"mailboxes": [{"generate": {"count": 2}}]},
        })
    return world


@pytest.fixture(scope="module")
def states_server(tmp_path_factory):
    server = launch(str(tmp_path_factory.mktemp("sandbox-states")), seed=seed(), random_seed=13)
    yield server
    server.stop()


class StatesHarness(Harness):
    def holdings(self, tenant):
        """What the partner app holds in a tenant: {(resource appId, scope)}, app roles, directory roles."""
        store = self.sandbox.store
        with store.lock:
            customer = store.tenants[tenant]
            client = customer.sp_by_app_id(store.partner.app.client_id)
            grants = set()
            for grant in customer.grants.values():
                if client and grant.client_id == client.id:
                    resource = customer.service_principals[grant.resource_id].app_id
                    grants.update((resource, scope) for scope in grant.scope.split())
            return {"grants": grants, "app_roles": set(client.app_roles if client else ()),
                    "directory_roles": set(client.directory_roles if client else ())}

    def app_sp_id(self, tenant):
        with self.sandbox.store.lock:
            sp = self.sandbox.store.tenants[tenant].sp_by_app_id(self.sandbox.store.partner.app.client_id)
            return sp.id if sp else None

    def add_user_grant(self, tenant, scope="Exchange.Manage", user="88888888-0000-0000-0000-000000000001"):
        """A per-user (consentType Principal) grant of the partner app on Exchange for one customer user."""
        store = self.sandbox.store
        with store.lock:
            customer = store.tenants[tenant]
            client = customer.sp_by_app_id(store.partner.app.client_id)
            resource = customer.sp_by_app_id(EXCHANGE_APP)
            grant_id = store.new_grant_id()
            customer.grants[grant_id] = st.Grant(id=grant_id, client_id=client.id, consent_type="Principal",
                                                 resource_id=resource.id, scope=scope, principal_id=user)
            return grant_id

    def user_grants(self, tenant):
        with self.sandbox.store.lock:
            return sorted((g.principal_id, g.scope) for g in self.sandbox.store.tenants[tenant].grants.values()
                          if g.consent_type == "Principal")

    def assert_nothing_lost(self, tenant, before):
        after = self.holdings(tenant)
        for key in before:
            assert before[key] <= after[key], "%s lost in %s: %s" % (key, tenant, sorted(before[key] - after[key]))


@pytest.fixture
def world(states_server, collections, tmp_path):
    states_server.sandbox.reset()
    return StatesHarness(states_server, collections, tmp_path)
