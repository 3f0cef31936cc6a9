"""playbooks/plan.yml, apply_plan.yml and undo.yml over the example inventory of sandbox tenants: a reviewed plan is
applied exactly (a value changed behind its back is stale; drift outside the plan is untouched) and writes nothing
the second time; undo restores what a run changed from its journal, except a value changed since, which it reports,
and a rerun of undo writes nothing."""
import json
import os

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, dump

EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")


def playbook(sb, name, **kwargs):
    return harness.run_playbook(os.path.join(PLAYBOOKS, name), sb.env, inventory=EXAMPLES, forks=10, **kwargs)


def exchange_set(sb, tenant, cmdlet, parameters):
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[tenant].exchange.invoke(cmdlet, parameters, now=sb.sandbox.now())


def row(sb, tenant, noun, alias=None):
    rows = sb.exchange(tenant, noun)
    return rows[0] if alias is None else next(r for r in rows if r.get("Alias") == alias or r.get("Name") == alias)


def user_mailbox(sb, tenant, index=0):
    return [r["Alias"] for r in sb.exchange(tenant, "Mailbox") if r["RecipientTypeDetails"] == "UserMailbox"][index]


def converged(sb):
    for name in ("consent.yml", "baseline.yml"):
        run = playbook(sb, name)
        assert run.rc == 0, dump(run)


def writes(sb):
    return [c for e in sb.writes() if not e["path"].endswith("$batch") for c in e["cmdlets"]]


def test_plan_then_apply_exactly_that_plan(sb, tmp_path):
    converged(sb)
    admin, other = user_mailbox(sb, CONTOSO), user_mailbox(sb, CONTOSO, 1)
    fabrikam_user = user_mailbox(sb, FABRIKAM)
    exchange_set(sb, CONTOSO, "Set-Mailbox", {"Identity": admin, "RetainDeletedItemsFor": "7.00:00:00"})
    exchange_set(sb, CONTOSO, "Set-OrganizationConfig", {"AuditDisabled": True})
    exchange_set(sb, FABRIKAM, "Set-Mailbox", {"Identity": fabrikam_user, "SingleItemRecoveryEnabled": False})
    plan = str(tmp_path / "plan.json")
    sb.sandbox.log.clear()

    made = playbook(sb, "plan.yml", extra_vars={"plan": plan})
    assert made.rc == 0 and writes(sb) == [], dump(made)
    with open(plan) as handle:
        document = json.load(handle)
    assert document["format"] == 1 and document["errors"] == {} and document["run_id"]
    assert sorted(document["tenants"]) == [CONTOSO, FABRIKAM]
    assert sorted((c["rule"], c["identity"]) for c in document["tenants"][CONTOSO]["changes"]) == sorted(
        [("organization", row(sb, CONTOSO, "OrganizationConfig")["Identity"]),
         ("user_mailboxes", row(sb, CONTOSO, "Mailbox", admin)["Identity"])])
    assert {"name": "user_mailboxes", "object": "Mailbox"} in document["tenants"][CONTOSO]["rules"]

    # Between review and apply: a planned value changes, and drift appears that the plan does not name.
    exchange_set(sb, CONTOSO, "Set-Mailbox", {"Identity": admin, "RetainDeletedItemsFor": "10.00:00:00"})
    exchange_set(sb, CONTOSO, "Set-CASMailbox", {"Identity": other, "POPEnabled": True})
    journal = str(tmp_path / "journal.jsonl")
    applied = playbook(sb, "apply_plan.yml", extra_vars={"plan": plan, "csp_journal": journal})
    assert applied.rc != 0, dump(applied)
    result = applied.task("Apply this tenant's planned changes", host="contoso.com")
    assert [(s["identity"], s["property"]) for s in result["stale"]] == [
        (row(sb, CONTOSO, "Mailbox", admin)["Identity"], "RetainDeletedItemsFor")]
    assert row(sb, CONTOSO, "Mailbox", admin)["RetainDeletedItemsFor"] == "10.00:00:00"      # not overwritten
    assert row(sb, CONTOSO, "OrganizationConfig")["AuditDisabled"] is False                   # the rest applied
    assert row(sb, FABRIKAM, "Mailbox", fabrikam_user)["SingleItemRecoveryEnabled"] is True
    assert row(sb, CONTOSO, "CASMailbox", other)["PopEnabled"] is True                         # outside the plan
    with open(journal) as handle:
        lines = [json.loads(line) for line in handle]
    assert sorted((line["tenant"], line["object"]) for line in lines) == sorted(
        [(CONTOSO, "OrganizationConfig"), (FABRIKAM, "Mailbox")])
    assert len(set(line["run_id"] for line in lines)) == 1

    sb.sandbox.log.clear()
    again = playbook(sb, "apply_plan.yml", extra_vars={"plan": plan, "csp_journal": journal})
    assert writes(sb) == [], dump(again)
    with open(journal) as handle:
        assert len(handle.readlines()) == len(lines)


def test_undo_restores_a_run_except_what_changed_since(sb, tmp_path):
    converged(sb)
    admin = user_mailbox(sb, CONTOSO)
    fabrikam_user = user_mailbox(sb, FABRIKAM)
    exchange_set(sb, CONTOSO, "Set-Mailbox", {"Identity": admin, "RetainDeletedItemsFor": "7.00:00:00"})
    exchange_set(sb, CONTOSO, "Set-OrganizationConfig", {"AuditDisabled": True})
    exchange_set(sb, FABRIKAM, "Set-Mailbox", {"Identity": fabrikam_user, "SingleItemRecoveryEnabled": False})
    exchange_set(sb, CONTOSO, "New-RemoteDomain", {"Name": "partner", "DomainName": "partner.example"})
    exchange_set(sb, CONTOSO, "Set-RemoteDomain", {"Identity": "partner", "AutoForwardEnabled": True})
    journal = str(tmp_path / "journal.jsonl")
    objects = [{"object": "RemoteDomain", "identity": "Newpartner",
                "create_parameters": {"DomainName": "newpartner.example"}, "settings": {"AutoForwardEnabled": True}},
               {"object": "RemoteDomain", "identity": "partner", "state": "absent"}]
    run = playbook(sb, "baseline.yml", extra_vars={"csp_journal": journal, "csp_run_id": "run-A",
                                                   "exchange_objects_list": objects,
                                                   "exchange_objects_allow_destructive": True})
    assert run.rc == 0, dump(run)
    assert not [r for r in sb.exchange(CONTOSO, "RemoteDomain") if r["Name"] == "partner"]
    with open(journal) as handle:
        lines = [json.loads(line) for line in handle]
    assert all(line["run_id"] == "run-A" and line["outcome"] == "applied" for line in lines)
    removed = [line for line in lines if line["action"] == "removed" and line["tenant"] == CONTOSO]
    assert removed and removed[0]["before"]["DomainName"] == "partner.example"

    # After the run, someone changes one of the values it set.
    exchange_set(sb, CONTOSO, "Set-Mailbox", {"Identity": admin, "RetainDeletedItemsFor": "21.00:00:00"})
    sb.sandbox.log.clear()
    undo = playbook(sb, "undo.yml", extra_vars={"journal": journal, "run_id": "run-A", "allow_destructive": True})
    assert undo.rc != 0, dump(undo)
    assert "RetainDeletedItemsFor" in undo.stdout and "changed since the run" in undo.stdout
    assert row(sb, CONTOSO, "Mailbox", admin)["RetainDeletedItemsFor"] == "21.00:00:00"      # the later change stays
    assert row(sb, CONTOSO, "OrganizationConfig")["AuditDisabled"] is True                    # restored
    assert row(sb, FABRIKAM, "Mailbox", fabrikam_user)["SingleItemRecoveryEnabled"] is False
    for tenant in (CONTOSO, FABRIKAM):
        assert not [r for r in sb.exchange(tenant, "RemoteDomain") if r["Name"] == "Newpartner"]
    [partner] = [r for r in sb.exchange(CONTOSO, "RemoteDomain") if r["Name"] == "partner"]
    assert partner["DomainName"] == "partner.example" and partner["AutoForwardEnabled"] is True
    with open(journal) as handle:
        undo_lines = [json.loads(line) for line in handle][len(lines):]
    assert undo_lines and all(line["run_id"] == "undo-run-A" for line in undo_lines)

    sb.sandbox.log.clear()
    rerun = playbook(sb, "undo.yml", extra_vars={"journal": journal, "run_id": "run-A", "allow_destructive": True})
    assert writes(sb) == [], dump(rerun)
    assert "changed since the run" in rerun.stdout


def test_a_workflow_applies_the_plan_it_was_handed(sb, tmp_path):
    """In an AWX/AAP workflow the approved plan reaches apply_plan.yml as the variable csp_plan (plan.yml's
    set_stats artifact), with no file; a tenant missing from the plan is not touched."""
    converged(sb)
    fabrikam_user = user_mailbox(sb, FABRIKAM)
    exchange_set(sb, FABRIKAM, "Set-Mailbox", {"Identity": fabrikam_user, "SingleItemRecoveryEnabled": False})
    plan = str(tmp_path / "plan.json")
    made = playbook(sb, "plan.yml", extra_vars={"plan": plan, "publish_plan": True})
    assert made.rc == 0, dump(made)
    published = [r for r in made.results if r["task"] == "Publish the plan to the workflow"]
    assert [r["status"] for r in published] == ["ok"], dump(made)
    with open(plan) as handle:
        document = json.load(handle)
    os.unlink(plan)
    exchange_set(sb, CONTOSO, "Set-OrganizationConfig", {"AuditDisabled": True})      # drift after the plan
    sb.sandbox.log.clear()
    applied = playbook(sb, "apply_plan.yml", extra_vars={"csp_plan": document})
    assert applied.rc == 0, dump(applied)
    assert row(sb, FABRIKAM, "Mailbox", fabrikam_user)["SingleItemRecoveryEnabled"] is True
    assert row(sb, CONTOSO, "OrganizationConfig")["AuditDisabled"] is True          # not in the plan
    assert [e["tenant"] for e in sb.writes() if e["service"] == "exchange"] and \
        set(e["tenant"] for e in sb.writes() if e["service"] == "exchange") == {FABRIKAM}
