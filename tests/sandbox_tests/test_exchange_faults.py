"""Exchange-specific faults over TLS: transient exceptions, replication lag, and the addressing fault class."""
import pytest

from .exchange_http import INITIAL, detail_type, headers, invoke, url, body
from .helpers import CONTOSO

TRANSIENT_TYPES = {"Microsoft.Exchange.Data.Directory.ADServerSettingsChangedException",
                   "Microsoft.Exchange.Data.Directory.DCOverloadedException",
                   "Microsoft.Exchange.Data.Directory.SuitabilityDirectoryException",
                   "Microsoft.Exchange.Data.Storage.StorageTransientException"}
ADDRESSING_TYPES = {"Microsoft.Exchange.Data.Directory.ADOperationException",
                    "Microsoft.Exchange.Configuration.Tasks.InsufficientPermissionsException"}


@pytest.fixture
def token(fresh_sandbox):
    return fresh_sandbox.access_token(CONTOSO, "exchange")


def test_transient_exchange_exceptions(fresh_sandbox, token):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, exchange_transient_rate=1.0)
    seen = set()
    for dummy in range(12):
        response = invoke(fresh_sandbox, "Set-Mailbox", token, Identity="admin", DisplayName="Never")
        assert response.status_code in (400, 500)
        seen.add(detail_type(response))
    assert seen <= TRANSIENT_TYPES and len(seen) >= 2
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, exchange_transient_rate=0.0)
    assert invoke(fresh_sandbox, "Get-Mailbox", token, Identity="admin").json()["value"][0]["DisplayName"] != "Never"


def test_replication_lag_hides_new_objects(fresh_sandbox, token):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, replication_lag_s=30)
    created = invoke(fresh_sandbox, "New-MailContact", token, Name="Lag", ExternalEmailAddress="lag@fabrikam.com")
    assert created.status_code == 200 and created.json()["value"][0]["Name"] == "Lag"
    assert invoke(fresh_sandbox, "Get-MailContact", token, Identity="Lag").status_code == 404
    assert invoke(fresh_sandbox, "Set-MailContact", token, Identity="Lag", DisplayName="x").status_code == 404
    fresh_sandbox.admin.advance_clock(31)
    assert invoke(fresh_sandbox, "Get-MailContact", token, Identity="Lag").status_code == 200


def _write(handle, token, tenant=CONTOSO, anchor=None):
    hdrs = headers(token, anchor=anchor) if anchor else headers(token)
    return handle.session().post(url(handle, tenant), json=body("Set-Mailbox", Identity="admin", CustomAttribute1="x"),
                                 headers=hdrs)


def test_addressing_fault_hits_writes_off_the_initial_domain(fresh_sandbox, token):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, addressing_fault_rate=1.0)
    assert _write(fresh_sandbox, token, tenant=INITIAL).status_code == 200
    assert _write(fresh_sandbox, token, tenant=CONTOSO).status_code == 200       # GUID: off by default
    for anchor in ("admin@contoso.com", "UPN:someone@contoso.com"):
        failed = _write(fresh_sandbox, token, tenant=INITIAL, anchor=anchor)
        assert failed.status_code == 400 and failed.json()["error"]["code"] == "BadRequest"
        message = failed.json()["error"]["details"][0]["message"]
        assert message.split("|")[0].startswith("Ex") and message.split("|")[1] in ADDRESSING_TYPES
    read = invoke(fresh_sandbox, "Get-Mailbox", token, tenant=INITIAL, hdrs=headers(token, anchor="admin@contoso.com"),
                  Identity="admin")
    assert read.status_code == 200
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, guid_addressing_fault=True)
    assert detail_type(_write(fresh_sandbox, token, tenant=CONTOSO)) in ADDRESSING_TYPES
    assert _write(fresh_sandbox, token, tenant=INITIAL).status_code == 200
