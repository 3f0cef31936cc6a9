"""The app's own assignments read from its app-only tokens: the wids value every app-only token carries is not a
directory role, so it never makes a consent look as if deleting it would lose one."""
import base64
import json

from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.partner_center import app_assignments

IMPLICIT = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"


def token(**claims):
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "e30.%s.sig" % payload


class Provider:
    def __init__(self, tokens):
        self.tokens = tokens

    def get(self, service, tenant):
        return type("Token", (), {"token": self.tokens[service]})()


class Clients:
    client_id = "33333333-3333-3333-3333-333333333333"
    has_app_credential = True

    def __init__(self, tokens):
        self.provider = Provider(tokens)

    def token_provider(self, mode):
        assert mode == "app_only"
        return self.provider


def test_the_implicit_wid_is_not_a_directory_role():
    clients = Clients({"exchange": token(roles=["Exchange.ManageAsApp"], wids=[IMPLICIT]),
                       "graph": token(wids=[IMPLICIT.upper()])})
    assert app_assignments(clients, "t", Clients.client_id) == (["Exchange.ManageAsApp"], [])


def test_real_directory_roles_are_still_counted():
    clients = Clients({"exchange": token(roles=["Exchange.ManageAsApp"], wids=[IMPLICIT, EXCHANGE_ADMIN]),
                       "graph": token(wids=[IMPLICIT])})
    assert app_assignments(clients, "t", Clients.client_id) == (["Exchange.ManageAsApp"], [EXCHANGE_ADMIN])
