"""Accepted deviations (the exceptions variable, docs/exceptions.md) through the real playbooks against the sandbox:
a setting under a live exception is reported as accepted with its owner and never written while the rest of the
baseline is; once the clock (csp_exceptions_as_of) is past its expiry it is a failure naming the exception, in the
drift report, in baseline.yml and in the SCuBA report; an exception without owner or expires is refused before any
request."""
import json
import os

from tests import harness
from tests.integration.conftest import CONTOSO, dump, parse_junit

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
BASELINE = """\
exchange_baseline_organization:
  AuditDisabled: false
exchange_baseline_cas_mailboxes:
  - name: legacy_protocols
    settings:
      POPEnabled: false
      IMAPEnabled: false
"""
IMAP = {"ref": "legacy_protocols.IMAPEnabled", "owner": "alice@partner.example",
        "reason": "The scanner archive reads mail over IMAP until its replacement in Q1", "expires": "2099-12-31"}
SMTP_AUTH = {"ref": "MS.EXO.5.1v1", "owner": "bob@partner.example",
             "reason": "Multifunction printers send scans with SMTP AUTH", "expires": "2099-12-31"}
AFTER_EXPIRY = "2100-01-01"


def inventory(tmp_path, exceptions, baseline=BASELINE):
    """contoso.com alone, the baseline in group_vars and the exceptions in its host_vars, as a partner writes them."""
    directory = tmp_path / "inventory"
    (directory / "group_vars").mkdir(parents=True)
    (directory / "host_vars").mkdir()
    (directory / "group_vars" / "customers.yml").write_text(baseline)
    (directory / "host_vars" / "contoso.com.yml").write_text(
        exceptions if isinstance(exceptions, str) else json.dumps({"exceptions": exceptions}))
    return harness.write_inventory(str(directory / "hosts"), {"contoso.com": CONTOSO})


def playbook(sb, name, hosts, **extra):
    return harness.run_playbook(os.path.join(PLAYBOOKS, name), sb.env, inventory=hosts, extra_vars=extra)


def set_state(sb, cmdlet, parameters):
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke(cmdlet, parameters, now=sb.sandbox.now())


def cas_protocols(sb):
    return sorted((r["PopEnabled"], r["ImapEnabled"]) for r in sb.exchange(CONTOSO, "CASMailbox"))


def drift(sb, hosts, tmp_path, name, **extra):
    directory = str(tmp_path / name)
    run = playbook(sb, "drift.yml", hosts, drift_report_dir=directory, **extra)
    with open(os.path.join(directory, "drift.json")) as handle:
        report = json.load(handle)
    cases = dict((c["rule"], c) for c in report["cases"])
    return run, report, cases, parse_junit(os.path.join(directory, "drift.xml"))


def test_a_baseline_exception_is_accepted_then_fails_once_expired(sb, tmp_path):
    hosts = inventory(tmp_path, [IMAP])
    set_state(sb, "Set-OrganizationConfig", {"AuditDisabled": True})
    for row in sb.exchange(CONTOSO, "CASMailbox"):
        set_state(sb, "Set-CASMailbox", {"Identity": row["Identity"], "POPEnabled": True, "IMAPEnabled": True})
    mailboxes = len(cas_protocols(sb))
    assert mailboxes > 1

    sb.sandbox.log.clear()
    applied = playbook(sb, "baseline.yml", hosts)
    assert applied.rc == 0, dump(applied)
    # The rest of the baseline is written; the excepted property is not, on any mailbox.
    assert cas_protocols(sb) == [(False, True)] * mailboxes
    assert sb.exchange(CONTOSO, "OrganizationConfig")[0]["AuditDisabled"] is False
    written = [c for e in sb.log(service="exchange") if e["write"] for c in e["cmdlets"]]
    assert "Set-CASMailbox" in written and "Set-OrganizationConfig" in written
    sb.sandbox.log.clear()
    again = playbook(sb, "baseline.yml", hosts)                  # converged: a second run writes nothing
    assert again.rc == 0 and "changed=0" in again.stdout, dump(again)
    assert not [e for e in sb.log(service="exchange") if e["write"]]

    run, report, cases, junit = drift(sb, hosts, tmp_path, "live")
    assert run.rc == 0, dump(run)
    case = cases["legacy_protocols"]
    assert case["status"] == "accepted" and case["drift"] == [] and len(case["accepted"]) == mailboxes
    assert {(a["ref"], a["owner"], a["reason"], a["expires"], a["property"], a["current"], a["desired"])
            for a in case["accepted"]} == {(IMAP["ref"], IMAP["owner"], IMAP["reason"], "2099-12-31", "IMAPEnabled",
                                            True, False)}
    assert cases["organization"]["status"] == "ok"
    assert report["accepted"] == 1 and report["drifted"] == 0
    [element] = [t for t in junit.findall("testcase") if "legacy_protocols" in t.get("name")]
    assert element.find("failure") is None and element.find("error") is None          # accepted is a pass
    properties = dict((p.get("name"), p.get("value")) for p in element.findall("properties/property"))
    assert properties["exception"] == IMAP["ref"] and properties["exception.owner"] == IMAP["owner"]
    assert properties["exception.state"] == "accepted" and properties["exception.expires"] == "2099-12-31"
    assert IMAP["owner"] in element.find("system-out").text

    # The clock past the end of the expiry day: the same difference fails the drift check, naming the exception.
    run, report, cases, junit = drift(sb, hosts, tmp_path, "expired", csp_exceptions_as_of=AFTER_EXPIRY)
    assert run.rc != 0, dump(run)
    case = cases["legacy_protocols"]
    assert case["status"] == "drift" and case["accepted"] == [] and len(case["expired"]) == mailboxes
    assert report["drifted"] == 1 and report["accepted"] == 0
    assert "legacy_protocols.IMAPEnabled" in run.stdout and IMAP["owner"] in run.stdout
    failure = [t for t in junit.findall("testcase") if "legacy_protocols" in t.get("name")][0].find("failure")
    assert "EXPIRED exception legacy_protocols.IMAPEnabled (owner alice@partner.example, expired 2099-12-31)" \
        in failure.text

    # baseline.yml fails the tenant naming it, and still does not write the value the customer relied on.
    sb.sandbox.log.clear()
    expired = playbook(sb, "baseline.yml", hosts, csp_exceptions_as_of=AFTER_EXPIRY)
    assert expired.rc != 0, dump(expired)
    message = expired.task("Fail when an exception has expired and its setting still differs (that setting was not "
                           "written)")["msg"]
    assert "legacy_protocols.IMAPEnabled (owner alice@partner.example, expired 2099-12-31, %d object(s))" \
        % mailboxes in message, message
    assert not [e for e in sb.log(service="exchange") if e["write"]]
    assert cas_protocols(sb) == [(False, True)] * mailboxes


def test_an_exception_no_longer_needed_is_ok_and_said_so(sb, tmp_path):
    # As a partner types it: YAML reads the unquoted expiry as a date.
    hosts = inventory(tmp_path, """\
exceptions:
  - ref: legacy_protocols.IMAPEnabled
    owner: alice@partner.example
    reason: The scanner archive reads mail over IMAP
    expires: 2099-12-31
""")
    for row in sb.exchange(CONTOSO, "CASMailbox"):
        set_state(sb, "Set-CASMailbox", {"Identity": row["Identity"], "POPEnabled": False, "IMAPEnabled": False})
    set_state(sb, "Set-OrganizationConfig", {"AuditDisabled": False})
    run, report, cases, junit = drift(sb, hosts, tmp_path, "clean")
    assert run.rc == 0, dump(run)
    case = cases["legacy_protocols"]
    assert case["status"] == "ok" and case["accepted"] == []
    assert [(n["ref"], n["expires"]) for n in case["not_needed"]] == [(IMAP["ref"], "2099-12-31")]
    assert "legacy_protocols.IMAPEnabled" in junit.find("testcase/system-out").text


def test_an_exception_without_owner_or_expires_is_refused_before_any_request(sb, tmp_path):
    no_owner = dict(IMAP)
    del no_owner["owner"]
    no_expiry = dict(SMTP_AUTH)
    del no_expiry["expires"]
    hosts = inventory(tmp_path, [no_owner, no_expiry])
    sb.sandbox.log.clear()
    run = playbook(sb, "baseline.yml", hosts)
    assert run.rc != 0
    message = run.task("csp.exchange.exchange_baseline : Check the tenant's exceptions and keep the properties they "
                       "cover out of the writes")["msg"]
    assert "exception legacy_protocols.IMAPEnabled: owner is missing" in message, message
    assert "exception MS.EXO.5.1v1: expires is missing" in message, message
    assert not sb.log(service="exchange"), "nothing may reach Exchange"

    drift_dir = str(tmp_path / "drift")
    run = playbook(sb, "drift.yml", hosts, drift_report_dir=drift_dir)
    assert run.rc != 0
    with open(os.path.join(drift_dir, "drift.json")) as handle:
        [case] = json.load(handle)["cases"]
    assert case["status"] == "error" and "exception legacy_protocols.IMAPEnabled: owner is missing" in case["message"]

    scuba_dir = str(tmp_path / "scuba")
    run = playbook(sb, "scuba.yml", hosts, scuba_report_dir=scuba_dir)
    assert run.rc != 0
    with open(os.path.join(scuba_dir, "scuba.json")) as handle:
        [case] = json.load(handle)["cases"]
    assert case["status"] == "error" and "owner is missing" in case["details"][0], case
    assert not sb.log(service="exchange")


def scuba(sb, hosts, tmp_path, name, **extra):
    directory = str(tmp_path / name)
    run = playbook(sb, "scuba.yml", hosts, scuba_report_dir=directory, scuba_exchange_remediate=True,
                   scuba_exchange_controls=["MS.EXO.5.1v1", "MS.EXO.13.1v1"], **extra)
    with open(os.path.join(directory, "scuba.json")) as handle:
        report = json.load(handle)
    return run, report, dict((c["id"], c) for c in report["cases"]), parse_junit(os.path.join(directory, "scuba.xml"))


def test_a_scuba_exception_is_accepted_and_not_remediated_then_fails_once_expired(sb, tmp_path):
    hosts = inventory(tmp_path, [SMTP_AUTH])
    set_state(sb, "Set-TransportConfig", {"SmtpClientAuthenticationDisabled": False})
    set_state(sb, "Set-OrganizationConfig", {"AuditDisabled": True})

    run, report, cases, junit = scuba(sb, hosts, tmp_path, "live")
    assert run.rc == 0, dump(run)
    accepted = cases["MS.EXO.5.1v1"]
    assert accepted["status"] == "accepted", accepted
    assert accepted["exception"] == {"ref": "MS.EXO.5.1v1", "owner": SMTP_AUTH["owner"], "reason": SMTP_AUTH["reason"],
                                     "expires": "2099-12-31", "expired": False}
    assert SMTP_AUTH["owner"] in accepted["details"][0]
    assert cases["MS.EXO.13.1v1"]["status"] == "fixed"                 # remediation goes on for the rest
    assert sb.exchange(CONTOSO, "TransportConfig")[0]["SmtpClientAuthenticationDisabled"] is False
    assert report["counts"]["accepted"] == 1 and report["counts"]["fail"] == 0
    [element] = [t for t in junit.findall("testcase") if t.get("name") == "MS.EXO.5.1v1"]
    assert element.find("failure") is None
    assert ("exception.owner", SMTP_AUTH["owner"]) in [(p.get("name"), p.get("value"))
                                                       for p in element.findall("properties/property")]

    run, report, cases, junit = scuba(sb, hosts, tmp_path, "expired", csp_exceptions_as_of=AFTER_EXPIRY)
    assert run.rc != 0, dump(run)
    failed = cases["MS.EXO.5.1v1"]
    assert failed["status"] == "fail" and failed["exception"]["expired"] is True
    assert "exception MS.EXO.5.1v1 (owner bob@partner.example, expired 2099-12-31) has expired" in failed["details"][0]
    assert sb.exchange(CONTOSO, "TransportConfig")[0]["SmtpClientAuthenticationDisabled"] is False   # still not fixed
    [element] = [t for t in junit.findall("testcase") if t.get("name") == "MS.EXO.5.1v1"]
    assert "MS.EXO.5.1v1" in element.find("failure").text
