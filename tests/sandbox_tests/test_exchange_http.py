"""InvokeCommand and $batch over TLS against the running sandbox: envelope, tenant segment, auth, errors,
paging, $select, ResultSize, $batch, request meta and the admin invoke route."""
import pytest
import requests

from .exchange_http import (ANCHOR, CONTENT_TYPE, INITIAL, MORE, body, detail_type, headers, invoke, minted, url)
from .helpers import APP_ID, CONTOSO, FABRIKAM


@pytest.fixture
def token(fresh_sandbox):
    return fresh_sandbox.access_token(CONTOSO, "exchange")


def test_envelope_and_annotations(fresh_sandbox, token):
    response = invoke(fresh_sandbox, "Get-Mailbox", token, Identity="admin")
    assert response.status_code == 200 and response.headers["content-type"] == CONTENT_TYPE
    payload = response.json()
    host = fresh_sandbox.url.split("://")[1]
    assert payload["@odata.context"] == (f"https://{host}/adminapi/beta/{CONTOSO}/$metadata"
                                         "#Collection(Exchange.GenericHashTable)")
    assert payload["adminapi.warnings@odata.type"] == "#Collection(String)" and payload["@adminapi.warnings"] == []
    assert "@odata.nextLink" not in payload
    row = payload["value"][0]
    assert row["Name"] == "Contoso Admin" and row["PrimarySmtpAddress"] == "admin@contoso.com"
    assert row["ExchangeGuid@data.type"] == "System.Guid" and row["ExchangeGuid@odata.type"] == "#Guid"
    assert row["WhenChangedUTC@data.type"] == "System.DateTime" and row["RecipientLimits"] == "500"
    assert response.headers["request-id"]


@pytest.mark.parametrize("segment", [CONTOSO, CONTOSO.upper(), INITIAL, INITIAL.upper()])
def test_guid_and_initial_domain_address_the_tenant(fresh_sandbox, token, segment):
    response = invoke(fresh_sandbox, "Get-OrganizationConfig", token, tenant=segment)
    assert response.status_code == 200 and response.json()["value"][0]["Name"] == INITIAL


@pytest.mark.parametrize("segment", ["contoso.com", "nowhere.example", "22222222-2222-2222-2222-000000000000"])
def test_vanity_or_unknown_tenant_is_401(fresh_sandbox, token, segment):
    response = invoke(fresh_sandbox, "Get-Mailbox", token, tenant=segment)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer ")


def test_only_post_under_beta(fresh_sandbox, token):
    session = fresh_sandbox.session()
    assert session.post(url(fresh_sandbox, version="v1.0"), json=body("Get-Mailbox"), headers=headers(token)).status_code == 405
    assert session.get(url(fresh_sandbox), headers=headers(token)).status_code == 405
    assert session.get(url(fresh_sandbox, endpoint="$batch"), headers=headers(token)).status_code == 405


def test_bad_tokens_are_401_with_www_authenticate(fresh_sandbox, token):
    graph_token = fresh_sandbox.access_token(CONTOSO, "graph")
    fabrikam_token = fresh_sandbox.access_token(FABRIKAM, "exchange")
    for bad in ("not-a-jwt", graph_token, fabrikam_token):
        response = invoke(fresh_sandbox, "Get-Mailbox", bad)
        assert response.status_code == 401 and "www-authenticate" in response.headers
    missing = fresh_sandbox.session().post(url(fresh_sandbox), json=body("Get-Mailbox"), headers={"X-AnchorMailbox": ANCHOR})
    assert missing.status_code == 401


def test_delegated_token_needs_exchange_manage(fresh_sandbox):
    response = invoke(fresh_sandbox, "Get-Mailbox", minted(fresh_sandbox, scp="Mail.Read"))
    assert response.status_code == 401 and "www-authenticate" in response.headers
    assert response.json()["error"] == {"code": "Unauthorized", "message": "User is not allowed to call Get-Mailbox"}
    assert invoke(fresh_sandbox, "Get-Mailbox", minted(fresh_sandbox, scp="openid Exchange.Manage")).status_code == 200


def test_app_only_needs_the_role_and_a_directory_role(fresh_sandbox):
    app_token = fresh_sandbox.access_token(CONTOSO, "exchange", app_only=True)
    assert invoke(fresh_sandbox, "Get-OrganizationConfig", app_token).status_code == 200
    no_role = invoke(fresh_sandbox, "Get-OrganizationConfig", minted(fresh_sandbox, roles=["Exchange.ManageAsAppV2"]))
    assert no_role.status_code == 401 and "Get-OrganizationConfig" in no_role.json()["error"]["message"]
    fresh_sandbox.sandbox.store.tenants[CONTOSO].sp_by_app_id(APP_ID).directory_roles = []
    forbidden = fresh_sandbox.session().post(url(fresh_sandbox), json=body("Get-OrganizationConfig"),
                                             headers=headers(app_token), stream=True)
    assert forbidden.status_code == 403 and forbidden.headers["content-encoding"] == "gzip"
    assert set(forbidden.raw.read()) == {0} and "directory role" in forbidden.headers["x-ms-diagnostics"]


def test_unknown_cmdlet_is_403_nul_body_that_requests_cannot_decode(fresh_sandbox, token):
    response = fresh_sandbox.session().post(url(fresh_sandbox), json=body("Get-Teleporter"), headers=headers(token),
                                            stream=True)
    assert response.status_code == 403 and response.headers["content-encoding"] == "gzip"
    with pytest.raises(requests.exceptions.ContentDecodingError):
        response.content


def test_errors_over_http(fresh_sandbox, token):
    missing = invoke(fresh_sandbox, "Get-Mailbox", token, Identity="nobody@contoso.com")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFound"
    assert detail_type(missing) == "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"
    unknown = invoke(fresh_sandbox, "Get-Mailbox", token, BogusParameter=True)
    assert unknown.status_code == 400 and unknown.json()["error"]["details"][0]["message"].startswith(
        "|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|")
    bad_body = fresh_sandbox.session().post(url(fresh_sandbox), json={"Cmdlet": "Get-Mailbox"}, headers=headers(token))
    assert bad_body.status_code == 400 and bad_body.json()["error"]["code"] == "BadRequest"


def test_set_no_op_warning_and_change_over_http(fresh_sandbox, token):
    change = invoke(fresh_sandbox, "Set-Mailbox", token, identity="admin", ProhibitSendQuota="49GB", Confirm=False)
    assert change.status_code == 200 and change.json()["value"] == [] and change.json()["@adminapi.warnings"] == []
    again = invoke(fresh_sandbox, "Set-Mailbox", token, Identity="admin", ProhibitSendQuota="49GB")
    assert again.json()["@adminapi.warnings"] == [
        "The command completed successfully but no settings of 'Contoso Admin' have been modified."]
    row = invoke(fresh_sandbox, "Get-Mailbox", token, query="?$select=ProhibitSendQuota", Identity="admin").json()["value"][0]
    assert row == {"ProhibitSendQuota": "49 GB (52,613,349,376 bytes)"}


def _pages(handle, token, page_size, **parameters):
    hdrs = headers(token, Prefer=f"odata.maxpagesize={page_size}")
    response = handle.session().post(url(handle) + "?$select=Identity,Alias", json=body("Get-Mailbox", **parameters),
                                     headers=hdrs)
    pages = [response.json()]
    while "@odata.nextLink" in pages[-1]:
        response = handle.session().post(pages[-1]["@odata.nextLink"], json=body("Get-Mailbox", **parameters),
                                         headers=hdrs)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def test_paging_follows_next_links_to_every_row(fresh_sandbox, token):
    pages = _pages(fresh_sandbox, token, 40)
    assert [len(p["value"]) for p in pages] == [40, 40, 40, 31]
    assert all(p["@adminapi.warnings"] == [MORE] for p in pages[:-1]) and pages[-1]["@adminapi.warnings"] == []
    host = fresh_sandbox.url.split("://")[1]
    assert pages[0]["@odata.nextLink"].startswith(f"https://{host}/adminapi/beta/{CONTOSO}/InvokeCommand?%24skiptoken=")
    identities = [r["Identity"] for p in pages for r in p["value"]]
    assert len(identities) == len(set(identities)) == 151
    assert set(pages[1]["value"][0]) == {"Identity", "Alias"}


def test_result_size_is_honoured_server_side_across_pages(fresh_sandbox, token):
    pages = _pages(fresh_sandbox, token, 2, ResultSize=5)
    assert [len(p["value"]) for p in pages] == [2, 2, 1]
    assert pages[-1]["@adminapi.warnings"] == [MORE]
    assert len(_pages(fresh_sandbox, token, 1000, ResultSize="Unlimited")[0]["value"]) == 151


def test_a_next_link_replays_and_rejects_other_anchors_unknown_tokens_and_age(fresh_sandbox, token):
    first = invoke(fresh_sandbox, "Get-Mailbox", token, hdrs=headers(token, Prefer="odata.maxpagesize=10")).json()
    link, session = first["@odata.nextLink"], fresh_sandbox.session()
    page = session.post(link, json=body("Get-Mailbox"), headers=headers(token, Prefer="odata.maxpagesize=10"))
    replay = session.post(link, json=body("Get-Mailbox"), headers=headers(token, Prefer="odata.maxpagesize=10"))
    assert page.status_code == replay.status_code == 200 and page.json()["value"] == replay.json()["value"]
    expired = "Expired or Invalid pagination request. Default Expiry time is 00:30:00"
    for target, anchor in ((link, f"UPN:admin@{INITIAL}"), (link, None), (link.split("=")[0] + "=forged", ANCHOR)):
        hdrs = headers(token, anchor=anchor) if anchor else {"Authorization": f"Bearer {token}"}
        response = session.post(target, json=body("Get-Mailbox"), headers=hdrs)
        assert response.status_code == 400
        assert response.json()["error"]["innererror"]["internalexception"]["message"] == expired
    fresh_sandbox.admin.advance_clock(1801)
    aged = session.post(link, json=body("Get-Mailbox"), headers=headers(token))
    assert aged.status_code == 400 and expired in aged.text


def test_cursor_lifetime_is_a_fault_setting(fresh_sandbox, token):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, cursor_lifetime_s=60)
    link = invoke(fresh_sandbox, "Get-Mailbox", token, hdrs=headers(token, Prefer="odata.maxpagesize=10")).json()[
        "@odata.nextLink"]
    fresh_sandbox.admin.advance_clock(61)
    assert fresh_sandbox.session().post(link, json=body("Get-Mailbox"), headers=headers(token)).status_code == 400


def _batch(handle, items, token, **extra):
    return handle.session().post(url(handle, endpoint="$batch"), json={"requests": items},
                                 headers=headers(token, **extra))


def _item(handle, item_id, cmdlet, item_headers=None, **parameters):
    return {"id": item_id, "method": "POST", "url": url(handle) + "?", "headers": item_headers or {},
            "body": body(cmdlet, **parameters)}


def test_batch_answers_per_item(fresh_sandbox, token):
    items = [_item(fresh_sandbox, "0", "Get-OrganizationConfig"),
             _item(fresh_sandbox, "1", "Get-Mailbox", Identity="nobody"),
             _item(fresh_sandbox, "2", "Set-Mailbox", Identity="admin", IssueWarningQuota="40GB"),
             _item(fresh_sandbox, "3", "Get-Mailbox", {"Authorization": "Bearer forged"}, Identity="admin")]
    response = _batch(fresh_sandbox, items, token, Prefer="odata.continue-on-error")
    assert response.status_code == 200
    answers = {r["id"]: r for r in response.json()["responses"]}
    assert [answers[i]["status"] for i in "0123"] == [200, 404, 200, 401]
    assert answers["0"]["body"]["value"][0]["Name"] == INITIAL
    assert answers["1"]["body"]["error"]["code"] == "NotFound" and answers["2"]["body"]["value"] == []
    stopped = _batch(fresh_sandbox, items, token).json()["responses"]
    assert [r["status"] for r in stopped] == [200, 404]


def test_batch_items_may_carry_their_own_token(fresh_sandbox, token):
    items = [_item(fresh_sandbox, "a", "Get-Mailbox", {"Authorization": f"Bearer {token}"}, Identity="admin")]
    response = fresh_sandbox.session().post(url(fresh_sandbox, endpoint="$batch"), json={"requests": items})
    assert response.json()["responses"][0]["status"] == 200


def test_batch_of_more_than_ten_is_400(fresh_sandbox, token):
    items = [_item(fresh_sandbox, str(i), "Get-OrganizationConfig") for i in range(11)]
    response = _batch(fresh_sandbox, items, token)
    assert response.status_code == 400 and response.json()["error"]["code"] == "BadRequest"
    assert _batch(fresh_sandbox, items[:10], token).status_code == 200
    assert _batch(fresh_sandbox, [], token).status_code == 400


def test_batch_items_fail_alone_under_the_failure_rate(fresh_sandbox, token):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, failure_rate=0.3)
    items = [_item(fresh_sandbox, str(i), "Get-OrganizationConfig") for i in range(10)]
    statuses = []
    for dummy in range(20):
        response = _batch(fresh_sandbox, items, token, Prefer="odata.continue-on-error")
        if response.status_code == 200:
            statuses = [r["status"] for r in response.json()["responses"]]
            if 200 in statuses and any(s >= 503 for s in statuses):
                break
    assert 200 in statuses and {s for s in statuses if s != 200} <= {503, 504} and len(statuses) == 10


def test_request_meta_reaches_the_log(fresh_sandbox, token):
    invoke(fresh_sandbox, "Set-Mailbox", token, Identity="admin", DisplayName="Boss")
    _batch(fresh_sandbox, [_item(fresh_sandbox, "0", "Get-Mailbox", Identity="admin")], token)
    entries = [e for e in fresh_sandbox.admin.log(service="exchange") if not e["path"].startswith("/_sandbox")]
    write = next(e for e in entries if e["cmdlets"] == ["Set-Mailbox"])
    assert write["write"] is True and write["anchor"] == ANCHOR and write["tenant"] == CONTOSO
    assert any(e["path"].endswith("$batch") and e["cmdlets"] == ["Get-Mailbox"] and not e["write"] for e in entries)


def test_admin_invoke_changes_state_behind_the_back(fresh_sandbox, token):
    session = fresh_sandbox.session()
    admin_url = f"{fresh_sandbox.url}/_sandbox/tenants/contoso.com/exchange/invoke"
    changed = session.post(admin_url, json={"CmdletName": "Set-CASMailbox",
                                            "Parameters": {"Identity": "admin", "ImapEnabled": False}})
    assert changed.status_code == 200 and changed.json()["value"] == []
    assert invoke(fresh_sandbox, "Get-CASMailbox", token, Identity="admin").json()["value"][0]["ImapEnabled"] is False
    wrapped = session.post(admin_url, json=body("Get-Mailbox", Identity="nobody"))
    assert wrapped.status_code == 404 and wrapped.json()["error"]["code"] == "NotFound"
    assert session.post(admin_url, data=b"nonsense").status_code == 400
    assert fresh_sandbox.admin.exchange_snapshot(CONTOSO, "CASMailbox")[0]["ImapEnabled"] is False
