"""Review of #22 on the sandbox: undo over an inventory that names tenants by domain, the journal's outcome of a
write whose answers were lost until the retries ran out, and a rerun of undo after it re-created an object."""
import json
import os


from tests import harness
from tests.integration.conftest import CONTOSO, dump

UNDO = os.path.join(harness.ROOT, "playbooks", "undo.yml")


def journal_lines(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def exchange_set(sb, cmdlet, parameters):
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke(cmdlet, parameters, now=sb.sandbox.now())


def organization(sb):
    return sb.exchange(CONTOSO, "OrganizationConfig")[0]


def org_change(journal, run_id, settings='{AuditDisabled: false}', tenant=CONTOSO, name="change", extra=""):
    """A journaled exo_settings task on the organisation (YAML for sb.play)."""
    return """
        - name: %s
          csp.exchange.exo_settings:
            tenant: %s
            object: OrganizationConfig
            settings: %s
            journal: %s
            run_id: %s
            %s
    """ % (name, tenant, settings, journal, run_id, extra)


def domain_inventory(tmp_path):
    """A static inventory whose hosts are the tenants' domains, without tenant_id: the playbooks default the tenant
    to inventory_hostname."""
    path = tmp_path / "domains.yml"
    path.write_text(json.dumps({"customers": {"hosts": {"contoso.com": None}, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}))
    return str(path)


def test_undo_over_tenants_named_by_domain_restores_and_never_passes_silently(sb, tmp_path):
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    journal = str(tmp_path / "journal.jsonl")
    inventory = domain_inventory(tmp_path)
    run = sb.play(org_change(journal, "run-D", tenant='"{{ inventory_hostname }}"'), hosts="customers",
                  inventory=inventory)
    assert run.rc == 0 and organization(sb)["AuditDisabled"] is False, dump(run)
    assert [line["tenant"] for line in journal_lines(journal)] == [CONTOSO]        # the journal names the GUID

    undo = harness.run_playbook(UNDO, sb.env, inventory=inventory, extra_vars={"journal": journal, "run_id": "run-D"})
    assert organization(sb)["AuditDisabled"] is True, dump(undo)        # undone, not silently skipped
    assert undo.rc == 0, dump(undo)


def test_a_write_whose_answers_were_all_lost_is_journaled_unknown_not_failed(sb, tmp_path):
    """Every write reaches Exchange and its answer is lost; the idempotent Set- is retried until max_retries runs
    out. Exchange applied it, so the journal must not say failed (undo skips failed lines as changing nothing)."""
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    sb.sandbox.faults.update(service="exchange", tenant=CONTOSO, lost_write_rate=1.0)
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play(org_change(journal, "run-L", extra="max_retries: 1"))
    assert run.rc != 0, dump(run)
    assert organization(sb)["AuditDisabled"] is False            # Exchange applied it
    [line] = journal_lines(journal)
    assert line["outcome"] == "unknown", line

    undo = harness.run_playbook(UNDO, sb.env, extra_vars={"journal": journal, "target": "localhost",
                                                          "tenant_id": CONTOSO})
    assert "outcome is unknown" in undo.stdout, dump(undo)       # listed for a human, never passed over


def test_a_rerun_of_undo_after_it_re_created_an_object_passes_and_writes_nothing(sb, tmp_path):
    exchange_set(sb, "New-RemoteDomain", {"Name": "partner", "DomainName": "partner.example"})
    exchange_set(sb, "Set-RemoteDomain", {"Identity": "partner", "AutoForwardEnabled": True})
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play("""
        - name: remove
          csp.exchange.exo_object:
            tenant: %s
            object: RemoteDomain
            identity: partner
            state: absent
            allow_destructive: true
            journal: %s
            run_id: run-R
    """ % (CONTOSO, journal))
    assert run.rc == 0, dump(run)
    extra = {"journal": journal, "target": "localhost", "tenant_id": CONTOSO}
    undo = harness.run_playbook(UNDO, sb.env, extra_vars=extra)
    assert undo.rc == 0, dump(undo)
    assert [r["DomainName"] for r in sb.exchange(CONTOSO, "RemoteDomain") if r["Name"] == "partner"] == \
        ["partner.example"]
    sb.sandbox.log.clear()
    rerun = harness.run_playbook(UNDO, sb.env, extra_vars=extra)
    assert sb.writes() == [], (sb.writes(), dump(rerun))
    assert rerun.rc == 0 and "was undone except" not in rerun.stdout, dump(rerun)


def test_undo_without_run_id_reverses_the_newest_run(sb, tmp_path):
    """The documented default (-e run_id left out): the newest run of the journal that is not an undo."""
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True, "OAuth2ClientProfileEnabled": True})
    journal = str(tmp_path / "journal.jsonl")
    for run_id, settings in (("run-1", {"AuditDisabled": False}), ("run-2", {"OAuth2ClientProfileEnabled": False})):
        run = sb.play(org_change(journal, run_id, settings=json.dumps(settings)))
        assert run.rc == 0, dump(run)
    undo = harness.run_playbook(UNDO, sb.env, extra_vars={"journal": journal, "target": "localhost",
                                                          "tenant_id": CONTOSO})
    assert undo.rc == 0, dump(undo)
    assert organization(sb)["OAuth2ClientProfileEnabled"] is True         # run-2 undone
    assert organization(sb)["AuditDisabled"] is False                     # run-1 left alone
    assert journal_lines(journal)[-1]["run_id"] == "undo-run-2"


def test_plan_yml_names_an_unreachable_tenant_as_an_error_and_fails(sb, tmp_path):
    """A tenant that could not be planned must be in the plan's errors (never approved as 'no change')."""
    from tests.integration.test_reports_under_limit import inventory
    plan = str(tmp_path / "plan.json")
    run = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "plan.yml"), sb.env,
                               inventory=inventory(tmp_path), limit="contoso,ghost", extra_vars={"plan": plan})
    assert "UNREACHABLE" in run.stdout, dump(run)
    with open(plan) as handle:
        document = json.load(handle)
    assert "ghost" in document["errors"], document
    assert "contoso" not in document["errors"] and "tailspin" not in document["errors"], document
    assert run.rc != 0, dump(run)


def test_a_plan_named_by_a_relative_path_is_applied_from_where_plan_yml_wrote_it(sb, tmp_path):
    """As the playbooks' own comments run them: -e plan=plans/FILE from the directory ansible-playbook runs in
    (the harness runs it in the repository's root)."""
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    relative = os.path.join("tests", "output", "review22-%s" % os.getpid(), "plan.json")
    where = os.path.join(harness.ROOT, relative)
    from tests.integration.test_reports_under_limit import inventory as baseline_inventory
    inventory = baseline_inventory(tmp_path)
    os.makedirs(os.path.dirname(where))
    try:
        made = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "plan.yml"), sb.env, inventory=inventory,
                                    limit="contoso", extra_vars={"plan": relative})
        assert made.rc == 0 and os.path.exists(where), dump(made)
        applied = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "apply_plan.yml"), sb.env,
                                       inventory=inventory, limit="contoso", extra_vars={"plan": relative})
        assert applied.rc == 0, dump(applied)
        assert organization(sb)["AuditDisabled"] is False
    finally:
        if os.path.exists(where):
            os.unlink(where)
        os.rmdir(os.path.dirname(where))


def test_a_recipient_deleted_since_the_run_does_not_block_the_rest_of_the_undo(sb, tmp_path):
    """The run forwarded a mailbox to a contact and changed an organisation setting; the contact is deleted
    afterwards. Undo must still restore the organisation setting (the forwarding is stale or done, never a reason
    to restore nothing in the tenant)."""
    exchange_set(sb, "New-MailContact", {"Name": "Forward Here", "ExternalEmailAddress": "fwd@example.net"})
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play(org_change(journal, "run-F", name="organization") + """
        - name: forward
          csp.exchange.exo_settings:
            tenant: %s
            object: Mailbox
            identity: dana.larsen
            settings: {ForwardingAddress: fwd@example.net}
            journal: %s
            run_id: run-F
    """ % (CONTOSO, journal))
    assert run.rc == 0 and len(journal_lines(journal)) == 2, dump(run)
    exchange_set(sb, "Remove-MailContact", {"Identity": "Forward Here"})

    undo = harness.run_playbook(UNDO, sb.env, extra_vars={"journal": journal, "run_id": "run-F",
                                                          "target": "localhost", "tenant_id": CONTOSO})
    assert organization(sb)["AuditDisabled"] is True, dump(undo)


def test_undo_in_check_mode_writes_and_journals_nothing(sb, tmp_path):
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    exchange_set(sb, "New-RemoteDomain", {"Name": "partner", "DomainName": "partner.example"})
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play(org_change(journal, "run-C") + """
        - name: create
          csp.exchange.exo_object:
            tenant: %s
            object: RemoteDomain
            identity: newpartner
            create_parameters: {DomainName: newpartner.example}
            journal: %s
            run_id: run-C
        - name: remove
          csp.exchange.exo_object:
            tenant: %s
            object: RemoteDomain
            identity: partner
            state: absent
            allow_destructive: true
            journal: %s
            run_id: run-C
    """ % (CONTOSO, journal, CONTOSO, journal))
    assert run.rc == 0 and len(journal_lines(journal)) == 3, dump(run)
    sb.sandbox.log.clear()
    undo = harness.run_playbook(UNDO, sb.env, check=True, extra_vars={
        "journal": journal, "target": "localhost", "tenant_id": CONTOSO, "allow_destructive": True})
    assert undo.rc == 0, dump(undo)
    assert sb.writes() == [] and len(journal_lines(journal)) == 3, dump(undo)
    assert organization(sb)["AuditDisabled"] is False


def test_apply_plan_never_passes_having_applied_nothing_to_a_tenant_of_the_plan(sb, tmp_path):
    """The plan was made over an inventory naming tenants by GUID and is applied over one naming them by domain:
    the plan's tenant matches no host. Applying must not end green with nothing applied."""
    from tests.integration.test_reports_under_limit import inventory as guid_inventory
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    plan = str(tmp_path / "plan.json")
    made = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "plan.yml"), sb.env,
                                inventory=guid_inventory(tmp_path), limit="contoso", extra_vars={"plan": plan})
    assert made.rc == 0, dump(made)
    with open(plan) as handle:
        assert list(json.load(handle)["tenants"]) == [CONTOSO]
    applied = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "apply_plan.yml"), sb.env,
                                   inventory=domain_inventory(tmp_path), extra_vars={"plan": plan})
    assert organization(sb)["AuditDisabled"] is False or applied.rc != 0, dump(applied)
    if applied.rc != 0:
        assert CONTOSO in applied.stdout, dump(applied)
