"""Applying a plan exactly (plan.py) over a fake Exchange client: done, due and stale properties, refusals."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError, OutcomeUnknownError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.journal import Journal
from ansible_collections.csp.exchange.plugins.module_utils.exchange.plan import PlanRun
from tests.unit.plugins.module_utils.exchange.test_settings import FakeClient, mailbox


def noun(where, rule):
    return "Mailbox"


def item(identity, before, after):
    return dict(identity=identity, before=before, after=after)


def test_only_properties_still_holding_before_are_written():
    rows = [mailbox(1, quota="20 GB (21,474,836,480 bytes)"), mailbox(2, quota="49 GB (52,613,349,376 bytes)"),
            mailbox(3, quota="30 GB (32,212,254,720 bytes)")]
    client = FakeClient(rows)
    plan = [item("user%d" % i, {"ProhibitSendQuota": "20 GB (21,474,836,480 bytes)"}, {"ProhibitSendQuota": "49GB"})
            for i in (1, 2, 3)]
    run = PlanRun(client, plan, noun)
    changes = run.plan()
    assert [(i.identity, c.parameters) for i, c in changes] == [("user1", {"ProhibitSendQuota": "49GB"})]
    assert run.done == 1 and run.matched == 3
    assert run.stale == [dict(identity="user3", property="ProhibitSendQuota", planned="49GB",
                              expected="20 GB (21,474,836,480 bytes)", current="30 GB (32,212,254,720 bytes)")]
    journal = Journal("/j", "r1", "csp.exchange.exo_settings", "t-guid")
    applied = run.apply(changes, journal)
    assert [c.identity for dummy, c in applied] == ["user1"]
    writes = [call for batch in client.batches for call in batch if call[0].startswith("Set-")]
    assert writes == [("Set-Mailbox", {"ProhibitSendQuota": "49GB", "Identity": "g-1"})]      # by Guid
    [entry] = journal.entries
    assert entry["before"] == {"ProhibitSendQuota": "20GB"} and entry["after"] == {"ProhibitSendQuota": "49GB"}
    assert entry["outcome"] == "applied" and entry["tenant"] == "t-guid" and entry["action"] == "updated"


def test_a_missing_object_is_a_read_failure_and_nothing_else_stops():
    client = FakeClient([mailbox(1)])
    run = PlanRun(client, [item("gone", {"ProhibitSendQuota": None}, {"ProhibitSendQuota": "1GB"}),
                           item("user1", {"ProhibitSendQuota": "99 GB (106,300,440,576 bytes)"},
                                {"ProhibitSendQuota": "49GB"})], noun)
    changes = run.plan()
    assert [f["identity"] for f in run.failed] == ["gone"] and run.failed[0]["stage"] == "read"
    assert [i.identity for i, dummy in changes] == ["user1"]


def test_failed_and_lost_writes_are_journaled_with_their_outcome():
    class Lossy(FakeClient):
        def batch(self, calls, anchor=None, select=None, concurrency=1):
            if calls[0][0].startswith("Set-"):
                self.batches.append(list(calls))
                return [OutcomeUnknownError("lost"), InvalidInputError("refused")]
            return super(Lossy, self).batch(calls, anchor, select, concurrency)

    client = Lossy([mailbox(1), mailbox(2)])
    plan = [item("user%d" % i, {"ProhibitSendQuota": "99 GB (106,300,440,576 bytes)"}, {"ProhibitSendQuota": "49GB"})
            for i in (1, 2)]
    run = PlanRun(client, plan, noun)
    journal = Journal("/j", None, "m", "t")
    assert run.apply(run.plan(), journal) == []
    assert [(e["identity"], e["outcome"], e["reason"]) for e in journal.entries] == [
        ("user1", "unknown", "lost"), ("user2", "failed", "refused")]
    assert [f["stage"] for f in run.failed] == ["write", "write"]


def test_a_journal_without_path_keeps_nothing():
    journal = Journal(None, "r", "m", "t")
    journal.record("updated", "Mailbox", "x", {}, {}, "applied")
    assert journal.entries == [] and journal.result() is None


@pytest.mark.parametrize("bad, message", [
    ([], "holds no item"),
    (["x"], "must be a mapping"),
    ([{"identity": "a", "before": {}, "after": {}}], "after not empty"),
    ([{"identity": "a", "before": {"A": 1}, "after": {"B": 1}}], "same properties"),
    ([{"identity": "a", "before": {"A": 1}, "after": {"A": 2}, "extra": 1}], "unknown keys extra"),
    ([{"before": {"A": 1}, "after": {"A": 2}}], "needs the identity"),
    ([{"identity": "a", "before": {"Bad-Name": 1}, "after": {"Bad-Name": 2}}], "not a property name"),
    ([item("a", {"A": 1}, {"A": 2}), item("A", {"A": 1}, {"A": 3})], "both plan A"),
])
def test_malformed_plans_are_refused_before_any_request(bad, message):
    client = FakeClient([])
    with pytest.raises(InvalidInputError, match=message):
        PlanRun(client, bad, noun).plan()
    assert client.batches == []


def test_singletons_are_read_without_identity():
    client = FakeClient([])
    seen = []

    def batch(calls, anchor=None, select=None, concurrency=1):
        seen.extend(calls)
        from ansible_collections.csp.exchange.plugins.module_utils.exchange.client import ExchangeResult
        return [ExchangeResult([{"Identity": "org", "AuditDisabled": True}], [])]
    client.batch = batch
    run = PlanRun(client, [dict(identity="org", before={"AuditDisabled": True}, after={"AuditDisabled": False})],
                  lambda where, rule: "OrganizationConfig")
    [(dummy, change)] = run.plan()
    assert seen == [("Get-OrganizationConfig", {})] and change.write_identity is None
