"""exo_settings on 1,000 mailboxes with 10% drift on two properties: check, apply, rerun, failures."""
import copy
import json

import pytest

from tests.integration.conftest import CONTOSO, Harness, dump
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

SETTINGS = {
    "ProhibitSendQuota": "49.5GB",                # shown as "49.5 GB (53,150,220,288 bytes)"
    "RetainDeletedItemsFor": 14,                  # shown as "14.00:00:00"
    "ProhibitSendReceiveQuota": "unlimited",      # shown as "Unlimited"
    "ForwardingSmtpAddress": "boss@fabrikam.com",  # shown as "smtp:Boss@Fabrikam.com"
    "GrantSendOnBehalfTo": [],                    # shown as null
}
DRIFTED = tuple(range(0, 1000, 10))


@pytest.fixture(scope="module")
def big_sandbox(tmp_path_factory):
    seed = copy.deepcopy(load_seed(None))
    seed["tenants"] = [dict(seed["tenants"][0], exchange={"mailboxes": [{"generate": {"count": 1000, "seed": 3}}]})]
    running = launch(str(tmp_path_factory.mktemp("big")), seed=seed, random_seed=11)
    yield running
    running.stop()


def converge_then_drift(sandbox, drifted=DRIFTED):
    """Put every mailbox in the desired state in display forms that differ from the input forms, then drift some."""
    sandbox.reset()
    org = sandbox.store.tenants[CONTOSO].exchange
    names = [row["Alias"] for row in org.snapshot("Mailbox")]
    with sandbox.store.lock:
        for i, alias in enumerate(names):
            org.invoke("Set-Mailbox", {"Identity": alias, "ProhibitSendReceiveQuota": "Unlimited",
                                       "ProhibitSendQuota": "49.5GB", "RetainDeletedItemsFor": "14.00:00:00",
                                       "ForwardingSmtpAddress": "smtp:Boss@Fabrikam.com", "GrantSendOnBehalfTo": None,
                                       "LitigationHoldEnabled": False}, now=sandbox.now())
        for i in drifted:
            org.invoke("Set-Mailbox", {"Identity": names[i], "ProhibitSendQuota": "40GB", "RetainDeletedItemsFor": "7.00:00:00"},
                       now=sandbox.now())
    sandbox.log.clear()
    return names


def settings_task(extra=""):
    return """
        - name: settings
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            settings: %s
            %s
    """ % (json.dumps(SETTINGS), extra)


def set_calls(sb):
    """Set-Mailbox runs, counted on the cmdlet calls themselves ($batch items are logged one by one too)."""
    return [c for e in sb.log(service="exchange") if not e["path"].endswith("$batch")
            for c in e["cmdlets"] if c == "Set-Mailbox"]


def test_check_apply_rerun_on_a_thousand_mailboxes(big_sandbox, collections, tmp_path):
    names = converge_then_drift(big_sandbox.sandbox)
    sb = Harness(big_sandbox, collections, tmp_path)
    expected = sorted(names[i] for i in DRIFTED)

    check = sb.play(settings_task(), check=True, diff=True)
    assert check.rc == 0, dump(check)
    result = check.task("settings")
    assert result["changed"] and result["matched"] == 1000
    assert sorted(c["identity"] for c in result["changes"]) == expected
    assert all(set(c["after"]) == {"ProhibitSendQuota", "RetainDeletedItemsFor"} for c in result["changes"])
    assert result["changes"][0]["before"]["ProhibitSendQuota"] == "40 GB (42,949,672,960 bytes)"
    assert set(result["diff"]["before"]) == set(expected)
    assert set_calls(sb) == [] and not any(e["write"] for e in sb.log())
    reads = [e for e in sb.log(service="exchange") if e["cmdlets"] == ["Get-Mailbox"]]
    assert len(reads) == 1 and "select" in reads[0]["query"].lower()       # one bulk read, projected

    sb.sandbox.log.clear()
    apply = sb.play(settings_task())
    assert apply.rc == 0, dump(apply)
    assert len(apply.task("settings")["changes"]) == 100
    assert len(set_calls(sb)) == 100                                          # only the drifted objects
    batches = [e for e in sb.log(service="exchange") if e["path"].endswith("/$batch")]
    assert len(batches) == 10
    rows = {r["Alias"]: r for r in sb.exchange(CONTOSO, "Mailbox")}
    assert all(rows[names[i]]["ProhibitSendQuota"].startswith("49.5 GB") for i in DRIFTED)

    sb.sandbox.log.clear()
    rerun = sb.play(settings_task())
    assert rerun.rc == 0, dump(rerun)
    assert not rerun.task("settings")["changed"] and rerun.task("settings")["changes"] == []
    assert set_calls(sb) == []


def test_one_failing_object_is_reported_and_the_rest_applied(big_sandbox, collections, tmp_path):
    names = converge_then_drift(big_sandbox.sandbox, drifted=[1, 2, 3])
    org = big_sandbox.sandbox.store.tenants[CONTOSO].exchange
    with big_sandbox.sandbox.store.lock:        # 49.5GB to send would exceed its 45GB send/receive limit
        org.invoke("Set-Mailbox", {"Identity": names[2], "ProhibitSendReceiveQuota": "45GB"}, now=0)
    sb = Harness(big_sandbox, collections, tmp_path)
    settings = {"ProhibitSendQuota": "49.5GB", "RetainDeletedItemsFor": 14}
    run = sb.play("""
        - name: settings
          csp.exchange.exo_settings:
            tenant: %s
            object: Mailbox
            settings: %s
    """ % (CONTOSO, json.dumps(settings)))
    assert run.rc != 0
    result = run.task("settings")
    assert [f["identity"] for f in result["failed_identities"]] == [names[2]]
    assert "1 of 1000 Mailbox objects" in result["msg"] and "the others were applied" in result["msg"]
    assert sorted(c["identity"] for c in result["changes"]) == sorted([names[1], names[3]])
    rows = {r["Alias"]: r for r in sb.exchange(CONTOSO, "Mailbox")}
    assert rows[names[1]]["ProhibitSendQuota"].startswith("49.5 GB") and rows[names[2]]["ProhibitSendQuota"].startswith("40 GB")


def test_max_changes_guard_writes_nothing(big_sandbox, collections, tmp_path):
    converge_then_drift(big_sandbox.sandbox)
    sb = Harness(big_sandbox, collections, tmp_path)
    run = sb.play(settings_task("max_changes: 50"))
    assert run.rc != 0
    assert "100 Mailbox objects would change" in run.task("settings")["msg"]
    assert set_calls(sb) == []
