"""Review of #22: what a journal line says about writes that partly happened, and what it must never hold."""
import json

from ansible_collections.csp.exchange.plugins.module_utils.errors import ServiceError, TransportError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.journal import Journal, outcome_of
from ansible_collections.csp.exchange.plugins.module_utils.exchange.objects import ObjectRun
from tests.unit.plugins.module_utils.exchange.test_objects import Scripted


def journal():
    return Journal("/j", "r1", "csp.exchange.exo_object", "t-guid")


def test_a_created_object_whose_later_set_failed_is_not_journaled_as_failed():
    """New- created the object, the Set- after it was refused: the object exists, so undo must not skip the line."""
    client = Scripted([None], script=[None, ServiceError("Set-RemoteDomain refused")])
    run = ObjectRun(client, "RemoteDomain", "Partner", {"AutoForwardEnabled": True}, {"DomainName": "p.example"})
    kept = journal()
    try:
        run.converge("present", journal=kept)
    except ServiceError:
        pass
    assert [w[0] for w in client.writes] == ["New-RemoteDomain", "Set-RemoteDomain"]
    [entry] = kept.entries
    assert entry["action"] == "created" and entry["outcome"] != "failed", entry


def test_an_update_whose_enable_failed_after_its_set_is_not_journaled_as_failed():
    row = {"Identity": "Tag", "Name": "Tag", "State": "Disabled", "PrependSubject": "[A]"}
    client = Scripted([row], script=[None, ServiceError("Enable-TransportRule refused")])
    run = ObjectRun(client, "TransportRule", "Tag", {"PrependSubject": "[B]", "State": "Enabled"})
    kept = journal()
    try:
        run.converge("present", journal=kept)
    except ServiceError:
        pass
    assert [w[0] for w in client.writes] == ["Set-TransportRule", "Enable-TransportRule"]
    [entry] = kept.entries
    assert entry["outcome"] != "failed", entry        # PrependSubject was changed: undo must see it


def test_retries_spent_after_a_lost_answer_is_an_unknown_outcome():
    """The transport gives up on an idempotent write after a lost answer with a TransportError: it may have applied."""
    error = TransportError("Exchange $batch failed after 4 attempts", attempts=4)
    error.maybe_applied = True
    assert outcome_of(error) == "unknown"
    assert outcome_of(TransportError("failed after 4 attempts", attempts=4)) == "failed"


def test_a_password_given_to_new_never_reaches_the_journal():
    """New-Mailbox -Password (SecureString in Microsoft's reference) given in create_parameters."""
    client = Scripted([None])
    created_with = {"Password": "Sup3r-Secret-Pa55", "MicrosoftOnlineServicesID": "jdoe@contoso.com"}
    run = ObjectRun(client, "Mailbox", "jdoe", {}, created_with)
    kept = journal()
    run.converge("present", journal=kept)
    assert client.writes[0][1]["Password"] == "Sup3r-Secret-Pa55"        # Exchange still gets it
    assert "Sup3r-Secret-Pa55" not in json.dumps(kept.entries)


def test_a_list_add_is_journaled_as_the_whole_list_after_so_undo_can_reverse_it():
    """exo_object with {add: [...]}: the journal's after must be the list as it is after the write (as exo_settings
    journals it), or undo expects only the added members, finds the whole list, and calls it stale forever."""
    from ansible_collections.csp.exchange.plugins.module_utils.exchange.undo import reverse
    row = {"Identity": "partner", "Name": "partner", "AllowedSenders": ["a@x.example"]}
    client = Scripted([row])
    run = ObjectRun(client, "HostedContentFilterPolicy", "partner", {"AllowedSenders": {"add": ["b@x.example"]}})
    kept = journal()
    run.converge("present", journal=kept)
    [entry] = kept.entries
    assert entry["before"] == {"AllowedSenders": ["a@x.example"]}
    assert entry["after"] == {"AllowedSenders": ["a@x.example", "b@x.example"]}, entry
    [item] = reverse([dict(entry, run_id="r1")])["tenants"]["t-guid"]["plan"]
    assert item["before"] == {"AllowedSenders": ["a@x.example", "b@x.example"]}
    assert item["after"] == {"AllowedSenders": ["a@x.example"]}
