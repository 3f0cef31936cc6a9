"""Several rules planned together: which filters rows are judged by locally, which rules share a read, writes
batched across rules, conflicts refused before any write."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError, NotFoundError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.rules import RulesRun, local_filter, read_groups
from .test_settings import FakeClient

USER = "RecipientTypeDetails -eq 'UserMailbox'"
SHARED = "RecipientTypeDetails -eq 'SharedMailbox'"


def box(i, kind, quota="99GB"):
    return {"Identity": "m%d" % i, "Name": "m%d" % i, "Guid": "g-%d" % i, "RecipientTypeDetails": kind,
            "ProhibitSendQuota": quota, "MessageCopyForSentAsEnabled": False}


@pytest.mark.parametrize("text, row, expected", [
    (USER, {"RecipientTypeDetails": "UserMailbox"}, True),
    ("recipienttypedetails -EQ 'usermailbox'", {"RecipientTypeDetails": "UserMailbox"}, True),   # as Exchange: no case
    (USER, {"RecipientTypeDetails": "SharedMailbox"}, False),
    ("RecipientTypeDetails -ne 'UserMailbox' -and RecipientType -eq 'UserMailbox'",
     {"RecipientTypeDetails": "SharedMailbox", "RecipientType": "UserMailbox"}, True),
    (None, {}, True),
])
def test_local_filter_judges_simple_comparisons_like_exchange(text, row, expected):
    assert local_filter(text)(row) is expected


@pytest.mark.parametrize("text", [
    "RecipientTypeDetails -like 'User*'", "Department -eq 'Sales'", USER + " -or " + SHARED,
    "-not (" + USER + ")", "RecipientTypeDetails -eq 'a -and b'"])
def test_anything_else_is_left_to_exchange(text):
    assert local_filter(text) is None


def rules(*specs):
    return [dict(name=n, object=o, settings=s, **extra) for n, o, s, extra in specs]


def test_rules_of_a_noun_share_one_read_and_write_together():
    client = FakeClient([box(1, "UserMailbox"), box(2, "SharedMailbox"), box(3, "UserMailbox", "49GB")])
    run = RulesRun(client, rules(("users", "Mailbox", {"ProhibitSendQuota": "49GB"}, {"filter": USER}),
                                 ("shared", "Mailbox", {"MessageCopyForSentAsEnabled": True}, {"filter": SHARED}),
                                 ("one", "Mailbox", {"MessageCopyForSentAsEnabled": True}, {"identity": ["m1"]})))
    assert [[r.name for r in g] for g in read_groups(run.rules)] == [["users", "shared"], ["one"]]
    planned = run.plan()
    [(cmdlet, parameters, select)] = client.page_calls
    assert cmdlet == "Get-Mailbox" and parameters == {"Filter": "(%s) -or (%s)" % (USER, SHARED)}
    assert "RecipientTypeDetails" in select and "MessageCopyForSentAsEnabled" in select
    assert [(r.name, c.identity) for r, c in planned] == [("users", "m1"), ("shared", "m2"), ("one", "m1")]
    assert [r.run.matched for r in run.rules] == [2, 1, 1]
    assert run.objects(planned) == 2          # m1 twice (two rules, different properties) counts once
    client.batches = []
    applied = run.apply(planned)
    assert [pair[1].identity for pair in applied] == ["m1", "m2", "m1"]
    assert [[call[0] for call in b] for b in client.batches] == [["Set-Mailbox"] * 3]     # one $batch for all rules


def test_rules_setting_one_property_two_ways_are_refused():
    client = FakeClient([box(1, "UserMailbox")])
    client.token_tenant = "contoso.com"
    run = RulesRun(client, rules(("all", "Mailbox", {"ProhibitSendQuota": "49GB"}, {}),
                                 ("users", "Mailbox", {"ProhibitSendQuota": "20GB"}, {"filter": USER})))
    with pytest.raises(InvalidInputError, match="rules all and users both set ProhibitSendQuota of 1 Mailbox object.s. in tenant contoso.com"):
        run.plan()
    assert client.batches == []


def test_rule_names_are_unique_and_errors_name_the_rule():
    with pytest.raises(InvalidInputError, match="given twice"):
        RulesRun(FakeClient([]), rules(("a", "Mailbox", {"X": 1}, {}), ("a", "CASMailbox", {"Y": 1}, {})))
    with pytest.raises(InvalidInputError, match="rule b: settings must hold"):
        RulesRun(FakeClient([]), rules(("b", "Mailbox", {}, {})))
    with pytest.raises(InvalidInputError, match="at least one rule"):
        RulesRun(FakeClient([]), [])


def test_a_failed_read_names_its_rules_before_any_write():
    class Unreadable(FakeClient):
        def pages(self, cmdlet, parameters=None, select=None, result_size=None, anchor=None):
            raise NotFoundError("Get-Mailbox failed: not found.")
            yield     # pylint: disable=unreachable

    client = Unreadable([])
    run = RulesRun(client, rules(("users", "Mailbox", {"ProhibitSendQuota": "49GB"}, {"filter": USER}),
                                 ("shared", "Mailbox", {"MessageCopyForSentAsEnabled": True}, {"filter": SHARED})))
    with pytest.raises(NotFoundError, match="^rule users, shared: Get-Mailbox failed"):
        run.plan()
    assert client.batches == []
