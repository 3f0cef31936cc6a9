"""The reverse of a run from its journal (undo.py)."""
import json

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.undo import parse_lines, reverse

T = "22222222-2222-2222-2222-222222222222"


def line(action, noun, identity, before, after, outcome="applied", run_id="r1", tenant=T):
    return dict(run_id=run_id, tenant=tenant, object=noun, identity=identity, action=action, before=before,
                after=after, outcome=outcome)


def test_values_go_back_newest_first_to_the_value_before_the_first_change():
    entries = [line("updated", "Mailbox", "a", {"RetainDeletedItemsFor": "7.00:00:00"}, {"RetainDeletedItemsFor": 14}),
               line("updated", "Mailbox", "a", {"RetainDeletedItemsFor": "14.00:00:00"}, {"RetainDeletedItemsFor": 30}),
               line("updated", "Mailbox", "b", {"ProhibitSendQuota": "20GB"}, {"ProhibitSendQuota": "49GB"},
                    outcome="failed")]
    tenant = reverse(entries)["tenants"][T]
    assert tenant["plan"] == [dict(rule="Mailbox", identity="a", before={"RetainDeletedItemsFor": 30},
                                   after={"RetainDeletedItemsFor": "7.00:00:00"})]
    assert tenant["rules"] == [dict(name="Mailbox", object="Mailbox")]


def test_created_removed_unknown_and_unsettable():
    removed = {"Name": "partner", "DomainName": "partner.example", "AutoForwardEnabled": True, "Guid": "x",
               "WhenCreated": "2020", "Identity": "partner", "IsValid": True}
    entries = [line("created", "RemoteDomain", "new", None, {"Name": "new", "DomainName": "new.example"}),
               line("removed", "RemoteDomain", "partner", removed, None),
               line("updated", "TransportRule", "r", {"State": "Disabled"}, {"State": "Enabled"}),
               line("updated", "Mailbox", "c", {"A": 1}, {"A": 2}, outcome="unknown")]
    tenant = reverse(entries)["tenants"][T]
    assert tenant["remove"] == [dict(object="RemoteDomain", identity="new")]
    assert tenant["recreate"] == [dict(object="RemoteDomain", identity="partner",
                                       create_parameters={"DomainName": "partner.example"},
                                       settings={"AutoForwardEnabled": True})]
    reasons = [(item["object"], item["reason"]) for item in tenant["listed"]]
    assert any(n == "TransportRule" and "not a Set-TransportRule parameter" in r for n, r in reasons)
    assert any(n == "Mailbox" and "outcome is unknown" in r for n, r in reasons)
    assert tenant["plan"] == []


def test_a_noun_without_new_is_listed():
    tenant = reverse([line("removed", "OrganizationConfig", "org", {"AuditDisabled": True}, None)])["tenants"][T]
    assert tenant["recreate"] == [] and "no New-OrganizationConfig" in tenant["listed"][0]["reason"]


def test_the_default_run_is_the_newest_that_is_not_an_undo():
    entries = [line("updated", "Mailbox", "a", {"IssueWarningQuota": 1}, {"IssueWarningQuota": 2}, run_id="r1"),
               line("updated", "Mailbox", "a", {"IssueWarningQuota": 2}, {"IssueWarningQuota": 3}, run_id="r2"),
               line("updated", "Mailbox", "a", {"IssueWarningQuota": 3}, {"IssueWarningQuota": 2}, run_id="undo-r2")]
    assert reverse(entries)["run_id"] == "r2"
    assert reverse(entries, "r1")["tenants"][T]["plan"][0]["after"] == {"IssueWarningQuota": 1}
    with pytest.raises(InvalidInputError, match="no line of run nope"):
        reverse(entries, "nope")


def test_lines_that_are_not_json_objects_are_named():
    with pytest.raises(InvalidInputError, match="line 2 is not JSON"):
        parse_lines([json.dumps({"a": 1}), "{broken"])
    with pytest.raises(InvalidInputError, match="line 1 is not a JSON object"):
        parse_lines(["[1]"])
    assert parse_lines(["", json.dumps({"a": 1}), "  "]) == [{"a": 1}]


REMOTE = {"Name": "partner", "DomainName": "partner.example", "AutoForwardEnabled": True}


def test_an_object_the_run_replaced_is_removed_and_the_original_re_created():
    """Chronological: the run removed partner, then created a new partner. Undo must bring the original back (and
    remove the replacement), not call it 'nothing to undo'."""
    entries = [line("removed", "RemoteDomain", "partner", REMOTE, None),
               line("created", "RemoteDomain", "partner", None, {"Name": "partner", "DomainName": "other.example"})]
    tenant = reverse(entries)["tenants"][T]
    assert tenant["remove"] == [dict(object="RemoteDomain", identity="partner")]
    assert [(r["identity"], r["create_parameters"]) for r in tenant["recreate"]] == [
        ("partner", {"DomainName": "partner.example"})]
    assert tenant["listed"] == []


def test_an_object_created_then_removed_in_the_run_needs_nothing_and_removed_twice_comes_back_as_first_seen():
    created_then_removed = [line("created", "RemoteDomain", "partner", None, {"Name": "partner"}),
                            line("removed", "RemoteDomain", "partner", REMOTE, None)]
    tenant = reverse(created_then_removed)["tenants"][T]
    assert tenant["remove"] == [] and tenant["recreate"] == []
    replacement = dict(REMOTE, DomainName="other.example")
    removed_twice = [line("removed", "RemoteDomain", "partner", REMOTE, None),
                     line("created", "RemoteDomain", "partner", None, {"Name": "partner"}),
                     line("removed", "RemoteDomain", "partner", replacement, None)]
    tenant = reverse(removed_twice)["tenants"][T]
    assert tenant["remove"] == []
    assert [r["create_parameters"] for r in tenant["recreate"]] == [{"DomainName": "partner.example"}]


def test_a_removed_mailbox_or_group_is_listed_not_re_created_empty():
    """New-Mailbox would make a new, empty mailbox (the removed one is soft-deleted, its content recoverable with
    Undo-SoftDeletedMailbox for 30 days); a group as Get- shows it holds no members (Get-DistributionGroupMember),
    so a re-created group would be empty. Undo must not report either as restored."""
    entries = [line("removed", "Mailbox", "jdoe", {"Name": "jdoe", "Alias": "jdoe", "DisplayName": "J Doe"}, None),
               line("removed", "DistributionGroup", "sales", {"Name": "sales", "Alias": "sales",
                                                              "ManagedBy": ["Admin"]}, None),
               line("removed", "UnifiedGroup", "team", {"Name": "team", "DisplayName": "Team"}, None)]
    tenant = reverse(entries)["tenants"][T]
    assert tenant["recreate"] == []
    reasons = dict((item["object"], item["reason"]) for item in tenant["listed"])
    assert "Undo-SoftDeletedMailbox" in reasons["Mailbox"]
    assert "members" in reasons["DistributionGroup"] and "members" in reasons["UnifiedGroup"]


def test_every_plan_item_names_a_rule_of_the_undo_whatever_the_noun_s_case():
    """exo_settings' baseline journals Mailbox; an exo_object task given object: mailbox journals mailbox. The undo's
    plan must name only rules it passes along, or exo_settings refuses the whole tenant's undo."""
    entries = [line("updated", "Mailbox", "a", {"IssueWarningQuota": 1}, {"IssueWarningQuota": 2}),
               line("updated", "mailbox", "b", {"IssueWarningQuota": 1}, {"IssueWarningQuota": 2})]
    tenant = reverse(entries)["tenants"][T]
    names = [rule["name"] for rule in tenant["rules"]]
    assert len(tenant["plan"]) == 2
    assert all(item["rule"] in names for item in tenant["plan"]), (names, tenant["plan"])
