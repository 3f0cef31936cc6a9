"""exo_settings plan and the journal of exo_settings / exo_object, through ansible-playbook on the sandbox: a plan
applies exactly what was reviewed (a value changed behind its back is stale, drift outside it is left alone), a plan
applied twice writes nothing, journal lines of concurrent forks stay whole, check mode journals nothing, and no secret
reaches a journal even at -vvvv."""
import json
import os

from tests.integration.conftest import CONTOSO, dump

RULES = [
    {"name": "organization", "object": "OrganizationConfig", "settings": {"AuditDisabled": False}},
    {"name": "mailboxes", "object": "Mailbox", "filter": "RecipientTypeDetails -eq 'UserMailbox'",
     "settings": {"RetainDeletedItemsFor": 14, "SingleItemRecoveryEnabled": True}},
]


def aliases(sb, count):
    return [row["Alias"] for row in sb.exchange(CONTOSO, "Mailbox")][1:count + 1]


def exchange_set(sb, cmdlet, parameters):
    org = sb.sandbox.store.tenants[CONTOSO].exchange
    with sb.sandbox.store.lock:
        org.invoke(cmdlet, parameters, now=sb.sandbox.now())


def mailbox(sb, alias):
    return next(row for row in sb.exchange(CONTOSO, "Mailbox") if row["Alias"] == alias)


def converge(sb):
    run = sb.play("""
        - name: baseline
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
    """ % (CONTOSO, json.dumps(RULES)))
    assert run.rc == 0, dump(run)


def plan_task(plan, journal, extra=""):
    return """
        - name: apply
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
            plan: %s
            journal: %s
            run_id: run-1
            %s
    """ % (CONTOSO, json.dumps(RULES), json.dumps(plan), journal, extra)


def settings_and_object(journal):
    """The baseline rules and a new remote domain, both journaled: an update and a creation."""
    return """
        - name: baseline
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
            journal: %s
        - name: object
          csp.exchange.exo_object:
            tenant: %s
            object: RemoteDomain
            identity: Partner
            create_parameters: {DomainName: partner.example}
            settings: {AutoForwardEnabled: true}
            journal: %s
    """ % (CONTOSO, json.dumps(RULES), journal, CONTOSO, journal)


def journal_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def set_writes(sb):
    return [c for e in sb.writes() if not e["path"].endswith("$batch") for c in e["cmdlets"]]


def test_a_tampered_item_is_stale_the_rest_applies_and_drift_outside_the_plan_stays(sb, tmp_path):
    converge(sb)
    first, second, third, outside = aliases(sb, 4)
    for alias in (first, second, third):
        exchange_set(sb, "Set-Mailbox", {"Identity": alias, "RetainDeletedItemsFor": "7.00:00:00"})
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    review = sb.play("""
        - name: review
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
    """ % (CONTOSO, json.dumps(RULES)), check=True)
    plan = review.task("review")["changes"]
    assert sorted(c["identity"] for c in plan if c["rule"] == "mailboxes") == sorted([first, second, third])

    # Behind the plan's back: one planned value changes, and another mailbox drifts.
    exchange_set(sb, "Set-Mailbox", {"Identity": second, "RetainDeletedItemsFor": "10.00:00:00"})
    exchange_set(sb, "Set-Mailbox", {"Identity": outside, "RetainDeletedItemsFor": "3.00:00:00"})
    sb.sandbox.log.clear()
    journal = str(tmp_path / "journal.jsonl")

    run = sb.play(plan_task(plan, journal))
    result = run.task("apply")
    assert run.rc != 0 and result["stale"], dump(run)
    assert [(s["identity"], s["property"]) for s in result["stale"]] == [(second, "RetainDeletedItemsFor")]
    assert result["stale"][0]["current"] == "10.00:00:00" and result["stale"][0]["planned"] == 14
    assert "changed since the plan was made" in result["msg"] and second in result["msg"]
    assert sorted(c["identity"] for c in result["changes"] if c.get("rule") == "mailboxes") == sorted([first, third])
    assert mailbox(sb, first)["RetainDeletedItemsFor"] == "14.00:00:00"
    assert mailbox(sb, third)["RetainDeletedItemsFor"] == "14.00:00:00"
    assert mailbox(sb, second)["RetainDeletedItemsFor"] == "10.00:00:00"        # not overwritten
    assert mailbox(sb, outside)["RetainDeletedItemsFor"] == "3.00:00:00"        # not in the plan: untouched
    assert sb.exchange(CONTOSO, "OrganizationConfig")[0]["AuditDisabled"] is False
    identities = [e for e in sb.log(service="exchange") for c in e["cmdlets"] if c == "Set-Mailbox"]
    assert identities, "the plan's mailboxes were written"

    lines = journal_lines(journal)
    assert sorted((line["object"], line["identity"]) for line in lines if line["object"] == "Mailbox") == \
        sorted([("Mailbox", first), ("Mailbox", third)])
    for line in lines:
        assert line["run_id"] == "run-1" and line["tenant"] == CONTOSO and line["outcome"] == "applied"
        assert line["module"] == "csp.exchange.exo_settings" and line["action"] == "updated"
        assert line["user"]["controller"] and line["rule"] in ("organization", "mailboxes")
    by_identity = dict((line["identity"], line) for line in lines if line["object"] == "Mailbox")
    assert by_identity[first]["before"] == {"RetainDeletedItemsFor": "7.00:00:00"}        # as read, in settings form
    assert by_identity[first]["after"] == {"RetainDeletedItemsFor": 14}

    # The same plan again: everything planned is done or stale, so nothing is written and no line is added.
    sb.sandbox.log.clear()
    again = sb.play(plan_task(plan, journal))
    assert set_writes(sb) == [], dump(again)
    assert again.task("apply")["done"] >= 3 and not again.task("apply")["changed"]
    assert [(s["identity"], s["property"]) for s in again.task("apply")["stale"]] == [(second, "RetainDeletedItemsFor")]
    assert len(journal_lines(journal)) == len(lines)


def test_a_plan_applied_twice_writes_nothing_the_second_time(sb, tmp_path):
    converge(sb)
    target = aliases(sb, 1)[0]
    exchange_set(sb, "Set-Mailbox", {"Identity": target, "SingleItemRecoveryEnabled": False})
    plan = sb.play("""
        - name: review
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
    """ % (CONTOSO, json.dumps(RULES)), check=True).task("review")["changes"]
    assert [c["identity"] for c in plan] == [target]
    journal = str(tmp_path / "journal.jsonl")
    first = sb.play(plan_task(plan, journal))
    assert first.rc == 0 and first.task("apply")["changed"], dump(first)
    assert mailbox(sb, target)["SingleItemRecoveryEnabled"] is True
    sb.sandbox.log.clear()
    second = sb.play(plan_task(plan, journal))
    assert second.rc == 0 and not second.task("apply")["changed"], dump(second)
    assert set_writes(sb) == [] and second.task("apply")["done"] == 1
    assert len(journal_lines(journal)) == 1


def test_check_mode_journals_nothing(sb, tmp_path):
    converge(sb)
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    sb.sandbox.log.clear()
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play(settings_and_object(journal), check=True)
    assert run.rc == 0 and run.task("baseline")["changed"] and run.task("object")["changed"], dump(run)
    assert not os.path.exists(journal) and sb.writes() == []


def test_journal_lines_of_twenty_forks_each_parse(sb, tmp_path):
    """Twenty hosts write at once, each several long lines in one task (more than PIPE_BUF together)."""
    targets = aliases(sb, 100)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"fleet": {"hosts": dict(("h%02d" % i, None) for i in range(20)), "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}))
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play("""
        - name: tag mailboxes
          csp.exchange.exo_settings:
            tenant: %s
            object: Mailbox
            identity: "{{ targets[(inventory_hostname[1:] | int) * 5:(inventory_hostname[1:] | int) * 5 + 5] }}"
            settings:
              CustomAttribute1: "{{ inventory_hostname }}-{{ 'x' * 1500 }}"
            journal: %s
            run_id: forks
    """ % (CONTOSO, journal), hosts="fleet", inventory=str(inventory), forks=20, extra_vars={"targets": targets})
    assert run.rc == 0 and os.path.exists(journal), dump(run)
    with open(journal) as handle:
        raw = handle.read().splitlines()
    lines = [json.loads(line) for line in raw]          # every line parses on its own
    assert len(lines) == 100
    assert sorted(line["identity"] for line in lines) == sorted(targets)
    for line in lines:
        host = line["after"]["CustomAttribute1"].split("-")[0]
        assert targets.index(line["identity"]) // 5 == int(host[1:])
    assert oct(os.stat(journal).st_mode & 0o777) == "0o600"


def test_no_secret_reaches_a_journal_at_vvvv(sb, tmp_path):
    converge(sb)
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play(settings_and_object(journal), verbosity=4)
    assert run.rc == 0, dump(run)
    with open(journal) as handle:
        text = handle.read()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["module"], line["action"]) for line in lines] == [
        ("csp.exchange.exo_settings", "updated"), ("csp.exchange.exo_object", "created")]
    # No run_id given: each task is a run of its own, named so that undo.yml can still reverse it.
    assert [line["run_id"].split("-")[0] for line in lines] == ["exo_settings", "exo_object"]
    assert lines[0]["run_id"] != lines[1]["run_id"]
    secrets = [sb.env[k] for k in ("CSP_CLIENT_SECRET", "CSP_REFRESH_TOKEN") if sb.env.get(k)]
    assert secrets, "the run had secrets to leak"
    for secret in secrets:
        assert secret not in text
    assert "eyJ" not in text and "Bearer" not in text
    assert "_csp_journal" not in run.stdout        # the entries never reach the callback


def test_a_module_process_journals_too(sb, tmp_path):
    """With direct execution off the module runs as its own process; its entries still reach the journal."""
    converge(sb)
    exchange_set(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    journal = str(tmp_path / "journal.jsonl")
    run = sb.play("""
        - name: baseline
          csp.exchange.exo_settings:
            tenant: %s
            rules: %s
            journal: %s
    """ % (CONTOSO, json.dumps(RULES), journal), env={"CSP_IN_PROCESS": "false", "CSP_RUN_ID": "from-env"},
        verbosity=4)
    assert run.rc == 0 and "runs as a module process" in run.stdout, dump(run)
    assert [(line["identity"], line["run_id"], line["outcome"]) for line in journal_lines(journal)] == [
        ("contoso.onmicrosoft.com", "from-env", "applied")]
    assert "_csp_journal" not in run.stdout
