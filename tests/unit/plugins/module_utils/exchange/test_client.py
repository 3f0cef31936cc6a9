"""ExchangeClient over a fake transport: request shape, paging, annotations, warnings, errors."""
import json

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.endpoints import Endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import NotFoundError, ServiceError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.client import ExchangeClient
from ansible_collections.csp.exchange.plugins.module_utils.http.session import HttpResponse

from ..answers import header_map

TENANT = "22222222-2222-2222-2222-222222222222"
MORE = "There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter."


class FakeTransport:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, headers=None, body=None, auth=None, idempotent=True, is_transient=None, is_throttled=None,
                what=""):
        self.calls.append(dict(url=url, headers=dict(headers), body=json.loads(json.dumps(body)), idempotent=idempotent))
        status, doc = self.answers.pop(0)
        raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        return HttpResponse(status, header_map({}), raw)


class FakeTokens:
    def bearer(self, service, tenant):
        assert service == "exchange"
        return lambda force: "tok"


def client(answers, endpoints=None):
    transport = FakeTransport(answers)
    ep = endpoints or Endpoints("global", {"exchange": "https://127.0.0.1:9"})
    return ExchangeClient(transport, FakeTokens(), ep, TENANT), transport


def page(rows, next_link=None, warnings=()):
    doc = {"@odata.context": "x", "adminapi.warnings@odata.type": "#Collection(String)",
           "@adminapi.warnings": list(warnings), "value": rows}
    if next_link:
        doc["@odata.nextLink"] = next_link
        doc["@adminapi.warnings"] = list(warnings) + [MORE]
    return doc


def test_pages_follow_next_link_with_the_same_body_and_anchor_and_strip_annotations():
    link = "https://outlook.office365.com/adminapi/beta/%s/InvokeCommand?%%24skiptoken=abc" % TENANT
    c, t = client([(200, page([{"Name": "a", "Guid@data.type": "System.Guid", "Guid@odata.type": "#Guid", "Guid": "g"}], link)),
                   (200, page([{"Name": "b"}]))])
    result = c.invoke("Get-Mailbox", {"Filter": "x"}, select=["Name", "Guid"])
    assert result.rows == [{"Name": "a", "Guid": "g"}, {"Name": "b"}]
    assert result.warnings == []
    first, second = t.calls
    assert first["url"] == "https://127.0.0.1:9/adminapi/beta/%s/InvokeCommand?$select=Name,Guid" % TENANT
    assert second["url"] == "https://127.0.0.1:9/adminapi/beta/%s/InvokeCommand?%%24skiptoken=abc" % TENANT
    assert first["body"] == second["body"] == {"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"Filter": "x"}}}
    assert first["headers"]["X-AnchorMailbox"] == second["headers"]["X-AnchorMailbox"] == \
        "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@%s" % TENANT
    assert first["headers"]["Prefer"] == "odata.maxpagesize=1000"


def test_result_size_goes_to_the_server_and_stops_paging():
    c, t = client([(200, page([{"n": 1}, {"n": 2}], "https://h/adminapi/beta/t/InvokeCommand?%24skiptoken=z"))])
    result = c.invoke("Get-Mailbox", result_size=2)
    assert len(result.rows) == 2 and len(t.calls) == 1
    assert t.calls[0]["body"]["CmdletInput"]["Parameters"] == {"ResultSize": 2}


def test_empty_parameters_are_sent_as_an_object_and_value_null_is_empty():
    c, t = client([(200, {"value": None, "@adminapi.warnings": []})])
    assert c.invoke("Get-OrganizationConfig").rows == []
    assert t.calls[0]["body"]["CmdletInput"]["Parameters"] == {}


def test_no_op_set_warning_is_recognised():
    warning = "The command completed successfully but no settings of 'jdoe' have been modified."
    c, t = client([(200, page([], warnings=[warning]))])
    result = c.invoke("Set-Mailbox", {"Identity": "jdoe", "HiddenFromAddressListsEnabled": True})
    assert result.no_change and result.warnings == [warning]
    assert t.calls[0]["idempotent"] is True


def test_non_idempotent_cmdlets_are_flagged_for_the_transport():
    c, t = client([(200, page([]))])
    c.invoke("New-MailContact", {"Name": "x", "ExternalEmailAddress": "x@y.com"})
    assert t.calls[0]["idempotent"] is False


def test_errors_become_one_sentence():
    detail = ("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|"
              "The operation couldn't be performed because object 'nobody' couldn't be found on 'DC1'.")
    nf = {"error": {"code": "NotFound", "message": "Error executing cmdlet", "details": [{"message": detail}]}}
    c, dummy = client([(404, nf)])
    with pytest.raises(NotFoundError, match=r"Exchange Online failed Get-Mailbox in tenant .* \(ManagementObjectNotFoundException\): The operation couldn't"):
        c.invoke("Get-Mailbox", {"Identity": "nobody"})
    c, dummy = client([(403, b"\x00" * 32)])
    with pytest.raises(ServiceError, match="cmdlet does not exist or the signed-in identity lacks the Exchange role"):
        c.invoke("Get-Nothing")
    c, dummy = client([(401, {"error": {"code": "Unauthorized"}})])
    with pytest.raises(ServiceError, match="Exchange.Manage.*exo_consent"):
        c.invoke("Get-Mailbox")


def batch_answer(statuses):
    responses = []
    for i, status in enumerate(statuses):
        if status == 200:
            responses.append({"id": str(i), "status": 200, "body": page([])})
        else:
            responses.append({"id": str(i), "status": status, "body": {"error": {"code": "x", "message": "m", "details": [
                {"message": "|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|not found"}]}}
                if status == 404 else {}})
    return {"responses": list(reversed(responses))}       # answers may come out of order


def test_batch_chunks_by_ten_and_keeps_order_and_per_item_failures():
    calls = [("Set-Mailbox", {"Identity": "u%d" % i, "HiddenFromAddressListsEnabled": True}) for i in range(12)]
    c, t = client([(200, batch_answer([200, 404] + [200] * 8)), (200, batch_answer([200, 200]))])
    outcomes = c.batch(calls)
    assert len(t.calls) == 2
    assert t.calls[0]["url"].endswith("/$batch") and len(t.calls[0]["body"]["requests"]) == 10
    assert len(t.calls[1]["body"]["requests"]) == 2
    assert t.calls[0]["headers"]["Prefer"] == "odata.continue-on-error"
    sub = t.calls[0]["body"]["requests"][1]
    assert sub["body"]["CmdletInput"] == {"CmdletName": "Set-Mailbox", "Parameters": calls[1][1]}
    assert "Authorization" not in sub["headers"]
    assert isinstance(outcomes[1], NotFoundError)
    assert all(o.rows == [] for i, o in enumerate(outcomes) if i != 1)


def test_batch_retries_a_transient_idempotent_item_alone_but_not_a_non_idempotent_one():
    calls = [("Set-Mailbox", {"Identity": "a", "Office": "x"}), ("New-MailContact", {"Name": "b"})]
    c, t = client([(200, batch_answer([503, 503])), (200, page([{"Identity": "a"}]))])
    outcomes = c.batch(calls)
    assert outcomes[0].rows == [{"Identity": "a"}]
    assert t.calls[1]["url"].endswith("/InvokeCommand") and len(t.calls) == 2
    from ansible_collections.csp.exchange.plugins.module_utils.errors import OutcomeUnknownError
    assert isinstance(outcomes[1], OutcomeUnknownError)


def test_an_item_whose_retries_run_out_fails_alone():
    from ansible_collections.csp.exchange.plugins.module_utils.errors import TransportError

    class GivesUp(FakeTransport):
        def request(self, method, url, **kwargs):
            if url.endswith("/InvokeCommand"):
                raise TransportError("Set-Mailbox in tenant t failed after 11 attempts.")
            return super().request(method, url, **kwargs)

    transport = GivesUp([(200, batch_answer([503, 200]))])
    c = ExchangeClient(transport, FakeTokens(), Endpoints("global", {"exchange": "https://127.0.0.1:9"}), TENANT)
    outcomes = c.batch([("Set-Mailbox", {"Identity": "a", "Office": "x"}), ("Set-Mailbox", {"Identity": "b", "Office": "y"})])
    assert isinstance(outcomes[0], TransportError) and outcomes[1].rows == []


def test_a_lost_batch_fails_its_own_items_and_the_next_chunk_still_runs():
    from ansible_collections.csp.exchange.plugins.module_utils.errors import OutcomeUnknownError

    class LosesFirstBatch(FakeTransport):
        def request(self, method, url, **kwargs):
            if url.endswith("/$batch") and not self.lost:
                self.lost = True
                exc = OutcomeUnknownError("$batch may or may not have been applied.")
                exc.reason = "the service answered HTTP 504 after receiving it"
                raise exc
            return super().request(method, url, **kwargs)

    transport = LosesFirstBatch([(200, batch_answer([200, 200]))])
    transport.lost = False
    c = ExchangeClient(transport, FakeTokens(), Endpoints("global", {"exchange": "https://127.0.0.1:9"}), TENANT)
    add = {"@odata.type": "#Exchange.GenericHashTable", "Add": ["Create"]}
    calls = [("Set-Mailbox", {"Identity": "u%d" % i, "AuditOwner": add}) for i in range(12)]
    outcomes = c.batch(calls)
    assert all(isinstance(o, OutcomeUnknownError) for o in outcomes[:10])
    assert "Set-Mailbox for u3 in tenant" in outcomes[3].message
    assert "check with Get-Mailbox -Identity 'u3'" in outcomes[3].message and "HTTP 504" in outcomes[3].message
    assert [o.rows for o in outcomes[10:]] == [[], []]


def test_filters_are_sent_with_true_and_false_as_the_service_reads_them():
    c, t = client([(200, page([]))])
    c.invoke("Get-Mailbox", {"Filter": "HiddenFromAddressListsEnabled -eq $true -and Name -ne '$false'"})
    assert t.calls[0]["body"]["CmdletInput"]["Parameters"]["Filter"] == \
        "HiddenFromAddressListsEnabled -eq 'True' -and Name -ne '$false'"


@pytest.mark.parametrize("body", [b"<html><body>Sign in</body></html>", b"", b"[]"])
def test_a_success_without_exchanges_json_answer_is_an_error_not_an_empty_result(body):
    c, dummy = client([(200, body)])
    with pytest.raises(ServiceError, match="without Exchange's JSON answer"):
        c.invoke("Set-Mailbox", {"Identity": "a", "Office": "x"})


def test_a_next_page_link_that_is_not_an_admin_api_path_is_not_followed():
    c, t = client([(200, page([{"Name": "a"}], "https://elsewhere.example/page2"))])
    with pytest.raises(ServiceError, match="not an admin API path"):
        c.invoke("Get-Mailbox")
    assert len(t.calls) == 1
