"""Planning and applying settings over a fake Exchange client."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError, NotFoundError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.client import ExchangeResult
from ansible_collections.csp.exchange.plugins.module_utils.exchange.settings import Desired, SettingsRun, compare, parse_settings

GHT = "#Exchange.GenericHashTable"


class FakeClient:
    def __init__(self, rows, fail_writes=()):
        self.rows = rows
        self.fail_writes = set(fail_writes)
        self.page_calls = []
        self.batches = []

    def pages(self, cmdlet, parameters=None, select=None, result_size=None, anchor=None):
        self.page_calls.append((cmdlet, parameters, select))
        for start in range(0, len(self.rows), 3):
            yield self.rows[start:start + 3], []

    def batch(self, calls, anchor=None, select=None, concurrency=1):
        self.batches.append(list(calls))
        out = []
        for cmdlet, params in calls:
            if cmdlet.startswith("Get-"):
                hit = [r for r in self.rows if r["Identity"] == params["Identity"]]
                out.append(ExchangeResult(hit, []) if hit else NotFoundError("%s not found." % params["Identity"]))
            elif params.get("Identity") in self.fail_writes:
                out.append(NotFoundError("write of %s failed." % params["Identity"]))
            else:
                out.append(ExchangeResult([], []))
        return out


def mailbox(i, quota="99 GB (106,300,440,576 bytes)", audit=None):
    return {"Identity": "user%d" % i, "Name": "user%d" % i, "Guid": "g-%d" % i, "ProhibitSendQuota": quota,
            "AuditOwner": audit}


def test_list_operations():
    add = Desired("AuditOwner", {"add": ["Create", "Update"]})
    assert add.difference(["update"]) == ({"@odata.type": GHT, "Add": ["Create"]}, ["update", "Create"])
    assert add.difference(["UPDATE", "create"]) is None
    remove = Desired("AuditOwner", {"remove": "Update"})
    assert remove.difference(["Update", "Create"]) == ({"@odata.type": GHT, "Remove": ["Update"]}, ["Create"])
    assert remove.difference(None) is None
    full = Desired("AuditOwner", {"set": ["A", "B"]})
    assert full.difference(["b", "a"]) is None and full.difference(["a"]) == (["A", "B"], ["A", "B"])


def test_bad_settings_are_refused_before_any_request():
    with pytest.raises(InvalidInputError, match="ProhibitSendQuota has an invalid value"):
        parse_settings({"ProhibitSendQuota": "lots"})
    with pytest.raises(InvalidInputError, match="one of set, add or remove"):
        parse_settings({"AuditOwner": {"add": ["x"], "remove": ["y"]}})
    with pytest.raises(InvalidInputError):
        parse_settings({})


def test_compare_keeps_only_differing_properties_and_matches_names_case_insensitively():
    desired = parse_settings({"prohibitsendquota": "99GB", "IMAPEnabled": False})
    row = {"Identity": "u", "Guid": "g", "ProhibitSendQuota": "99 GB (106,300,440,576 bytes)", "ImapEnabled": True}
    change = compare(row, desired, singleton=False)
    assert change.parameters == {"IMAPEnabled": False}
    assert change.before == {"IMAPEnabled": True} and change.write_identity == "g"
    assert compare(dict(row, ImapEnabled=False), desired, singleton=False) is None


def test_plan_streams_and_apply_writes_only_drifted_objects_in_batches_of_ten():
    rows = [mailbox(i, quota="49 GB (52,613,349,376 bytes)" if i % 4 else "99 GB (106,300,440,576 bytes)")
            for i in range(40)]
    client = FakeClient(rows, fail_writes={"g-8"})
    run = SettingsRun(client, "Mailbox", parse_settings({"ProhibitSendQuota": "49GB"}), opath_filter="x -eq 'y'")
    changes = run.plan()
    assert run.matched == 40 and [c.identity for c in changes] == ["user%d" % i for i in range(0, 40, 4)]
    assert client.page_calls[0][1] == {"Filter": "x -eq 'y'"}
    assert client.page_calls[0][2] == ["Identity", "Name", "Guid", "ProhibitSendQuota"]
    applied = run.apply(changes)
    assert len(client.batches) == 1 and len(client.batches[0]) == 10
    assert client.batches[0][0] == ("Set-Mailbox", {"ProhibitSendQuota": "49GB", "Identity": "g-0"})
    assert len(applied) == 9
    assert run.failed == [{"identity": "user8", "stage": "write", "reason": "write of g-8 failed."}]


def test_identities_are_read_by_batch_and_missing_ones_reported():
    client = FakeClient([mailbox(1), mailbox(2)])
    run = SettingsRun(client, "Mailbox", parse_settings({"ProhibitSendQuota": "99GB"}), identities=["user1", "ghost"])
    assert run.plan() == []
    assert run.matched == 1 and run.failed == [{"identity": "ghost", "stage": "read", "reason": "ghost not found."}]


def test_long_identity_lists_use_one_bulk_read():
    rows = [mailbox(i) for i in range(60)]
    client = FakeClient(rows)
    wanted = ["USER%d" % i for i in range(55)] + ["nobody"]
    run = SettingsRun(client, "Mailbox", parse_settings({"ProhibitSendQuota": "1GB"}), identities=wanted)
    assert len(run.plan()) == 55
    assert {"Alias", "PrimarySmtpAddress", "UserPrincipalName", "EmailAddresses"} <= set(client.page_calls[0][2])
    # What the bulk read did not recognise is asked of Exchange, as a short list would be.
    assert client.batches == [[("Get-Mailbox", {"Identity": "nobody"})]]
    assert run.failed == [{"identity": "nobody", "stage": "read", "reason": "nobody not found."}]


def test_two_forms_of_one_object_are_compared_and_written_once():
    rows = [dict(mailbox(1), EmailAddresses=["SMTP:user1@contoso.com", "smtp:u1@contoso.onmicrosoft.com"])]
    for wanted in (["user1", "USER1"], ["user%d" % i for i in range(60)] + ["U1@contoso.onmicrosoft.com"]):
        client = FakeClient(rows)
        run = SettingsRun(client, "Mailbox", parse_settings({"AuditOwner": {"add": ["Create"]}}), identities=wanted)
        changes = run.plan()
        assert run.matched == 1 and len(changes) == 1, wanted


def test_singletons_are_written_without_identity():
    client = FakeClient([{"Identity": "contoso.onmicrosoft.com", "Name": "contoso.onmicrosoft.com", "AuditDisabled": True}])
    run = SettingsRun(client, "OrganizationConfig", parse_settings({"AuditDisabled": False}))
    changes = run.plan()
    assert run.apply(changes) == changes
    assert client.batches[0] == [("Set-OrganizationConfig", {"AuditDisabled": False})]
    assert client.page_calls[0][2] == ["Identity", "Name", "AuditDisabled"]


def test_verdicts_are_remembered_per_distinct_value_and_type():
    quota = Desired("ProhibitSendQuota", "49.5GB")
    same_quota = "49.5 GB (53,150,220,288 bytes)"
    assert quota.difference(same_quota) is None and quota.difference(same_quota) is None
    assert quota.difference("40 GB (42,949,672,960 bytes)") is not None
    assert len(quota._verdicts) == 2
    flag = Desired("HiddenFromAddressListsEnabled", True)
    assert flag.difference(True) is None and flag.difference(1) is None and flag.difference(False) is not None
    assert len(flag._verdicts) == 3                     # True and 1 are equal keys in a dict, not here
    addresses = Desired("EmailAddresses", ["smtp:a@contoso.com"])
    assert addresses.difference(["smtp:A@Contoso.com"]) is None          # a list: compared, not remembered
    assert addresses.difference(["smtp:b@contoso.com"]) is not None
