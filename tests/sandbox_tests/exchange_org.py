"""A small Contoso Exchange organisation and call helpers for the engine-level Exchange tests."""
import random

import pytest

from tests.sandbox.exchange.engine import ExchangeTenant
from tests.sandbox.exchange.errors import CmdletError
from tests.sandbox.store import Domain, Tenant

NOW = 1_800_000_000.0
CONTOSO_ID = "22222222-2222-2222-2222-222222222222"
SEED = {
    "organization": {"IsDehydrated": True},
    "mailboxes": [
        {"alias": "jdoe", "name": "John Doe", "archive": True, "ProhibitSendQuota": "49.5GB",
         "ProhibitSendReceiveQuota": "50GB", "IssueWarningQuota": "49GB",
         "inbox_rules": [{"Name": "Forward all", "ForwardTo": ['"x" [SMTP:x@fabrikam.com]']}],
         "permissions": [{"User": "asmith", "AccessRights": ["FullAccess"]}]},
        {"alias": "asmith", "DisplayName": "Anna Smith", "SmtpClientAuthenticationDisabled": True},
        {"alias": "sales", "type": "Shared", "GrantSendOnBehalfTo": ["asmith"], "HiddenFromAddressListsEnabled": True},
        {"generate": {"count": 20, "seed": 3}},
    ],
    "contacts": [{"Name": "Vendor", "ExternalEmailAddress": "vendor@fabrikam.com"}],
}


def contoso_tenant():
    return Tenant(id=CONTOSO_ID, display_name="Contoso",
                  domains=[Domain("contoso.onmicrosoft.com", is_initial=True), Domain("contoso.com", is_default=True)])


def build(seed=None, rng_seed=1):
    return ExchangeTenant.from_seed(contoso_tenant(), SEED if seed is None else seed, random.Random(rng_seed))


@pytest.fixture
def org():
    return build()


def run(org, cmdlet, now=NOW, select=None, lag=0.0, **parameters):
    return org.invoke(cmdlet, parameters, select, now, lag)


def rows(org, cmdlet, **parameters):
    return run(org, cmdlet, **parameters).rows()


def one(org, cmdlet, **parameters):
    found = rows(org, cmdlet, **parameters)
    assert len(found) == 1, found
    return found[0]


def fails(org, cmdlet, **parameters) -> CmdletError:
    with pytest.raises(CmdletError) as caught:
        run(org, cmdlet, **parameters)
    return caught.value


def exception_of(error: CmdletError) -> str:
    """The .NET type named by ``details[0].message``, parsed as clients parse it."""
    return error.body()["error"]["details"][0]["message"].split("|")[1]
