"""tenant_access_info and playbooks/access_check.yml over a world with one customer per state: each verdict and
fix, the JSON and JUnit reports, a non-zero exit when any tenant is not ready, and no write anywhere."""
import datetime
import json
import os
import xml.etree.ElementTree as ET

from tests import harness
from tests.integration.conftest import dump
from tests.integration.consent_world import (  # noqa: F401 fixtures # pylint: disable=unused-import
    EXCHANGE_ADMIN, EXO_ONLY, FULL, GDAP_EXPIRED, GDAP_NO_EXO, NO_MANAGE, NONE, SHAREPOINT_APP, STATES, states_server,
    world)

PLAYBOOK = os.path.join(harness.ROOT, "playbooks", "access_check.yml")


def run_access_check(world, env=None, extra_vars=None):
    inventory = harness.write_inventory(os.path.join(str(world.tmp_path), "hosts"),
                                        dict((STATES[t]["label"], t) for t in STATES))
    report_dir = os.path.join(str(world.tmp_path), "reports")
    run = harness.run_playbook(PLAYBOOK, dict(world.env, **(env or {})), inventory=inventory,
                               extra_vars=dict({"access_report_dir": report_dir}, **(extra_vars or {})))
    assert os.path.exists(os.path.join(report_dir, "access.json")), dump(run)
    with open(os.path.join(report_dir, "access.json")) as handle:
        report = json.load(handle)
    suite = ET.parse(os.path.join(report_dir, "access.xml")).getroot()
    return run, report, suite


def test_every_state_gets_its_verdict_and_fix(world):
    run, report, suite = run_access_check(world)
    assert run.rc != 0, dump(run)
    assert "4 of 7 tenant(s) not ready" in run.stdout
    verdicts = dict((t["tenant"], t) for t in report["tenants"])
    assert sorted(verdicts) == sorted(STATES) and report["ready"] == 3 and report["not_ready"] == 4
    assert verdicts[FULL]["partner_token"]["mfa"] and report["partner_token"]["mfa"]
    assert report["partner_token"]["age_days"] is None      # no issue time known: no age, no warning
    assert "days old" not in run.stdout

    for ready in (EXO_ONLY, FULL):
        assert verdicts[ready]["ready"] and verdicts[ready]["problems"] == [], verdicts[ready]
        assert verdicts[ready]["exchange_reachable"]
        assert verdicts[ready]["initial_domain"] == "%s.onmicrosoft.com" % STATES[ready]["label"]
        assert verdicts[ready]["gdap"][0]["exchange_administrator"] and verdicts[ready]["gdap"][0]["status"] == "active"
    assert verdicts[EXO_ONLY]["scopes"] == {"exchange": ["Exchange.Manage"]}
    assert verdicts[FULL]["scopes"][SHAREPOINT_APP] == ["AllSites.FullControl"]
    assert verdicts[FULL]["scopes"]["exchange"] == ["Exchange.Manage"]

    def problems(tenant):
        return dict((p["check"], p) for p in verdicts[tenant]["problems"])

    assert not verdicts[NONE]["consented"] and "not installed" in problems(NONE)["consent"]["message"]
    assert "exo_consent" in problems(NONE)["consent"]["fix"]
    assert verdicts[NO_MANAGE]["scopes"] == {"exchange": ["EWS.AccessAsUser.All"]}
    assert "not Exchange.Manage" in problems(NO_MANAGE)["consent"]["message"]
    assert not verdicts[NO_MANAGE]["exchange_reachable"]

    no_exo = problems(GDAP_NO_EXO)
    assert "Exchange Administrator" in no_exo["gdap"]["message"] and "exchange" in no_exo
    assert verdicts[GDAP_NO_EXO]["gdap"][0]["exchange_administrator"] is False
    assert EXCHANGE_ADMIN not in verdicts[GDAP_NO_EXO]["gdap"][0]["roles"]

    expired = problems(GDAP_EXPIRED)
    assert "AADSTS50020" in expired["auth"]["message"] and "GDAP" in expired["auth"]["fix"]
    assert "has ended" in expired["gdap"]["message"] and "new GDAP relationship" in expired["gdap"]["fix"]
    assert verdicts[GDAP_EXPIRED]["gdap"][0] == {"name": "CSP-Exchange-State gdapexpired", "status": "expired",
                                                 "end_date": "2026-06-01T00:00:00Z", "roles": verdicts[GDAP_EXPIRED]["gdap"][0]["roles"],
                                                 "exchange_administrator": True}

    cases = dict((c.get("classname"), c) for c in suite.findall("testcase"))
    assert len(cases) == 7 and suite.get("tests") == "7" and suite.get("failures") == "4"
    for tenant, verdict in verdicts.items():
        failure = cases[tenant].find("failure")
        assert (failure is None) == verdict["ready"]
    assert "Fix:" in cases[GDAP_EXPIRED].find("failure").text
    assert world.writes() == []


def test_all_ready_exits_zero(world):
    inventory = harness.write_inventory(os.path.join(str(world.tmp_path), "hosts"), {"exoonly": EXO_ONLY, "full": FULL})
    report_dir = os.path.join(str(world.tmp_path), "reports")
    run = harness.run_playbook(PLAYBOOK, world.env, inventory=inventory, extra_vars={"access_report_dir": report_dir})
    assert run.rc == 0, dump(run)
    with open(os.path.join(report_dir, "access.json")) as handle:
        assert json.load(handle)["not_ready"] == 0


def test_the_token_age_is_reported_and_warned_about_from_60_days(world):
    issued = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=70)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run, report, suite = run_access_check(world, extra_vars={"csp_refresh_token_issued_at": issued,
                                                             "target": "full"})
    assert report["partner_token"]["age_days"] == 70 and report["partner_token"]["expires_in_days"] == 20
    assert "70 days old" in run.stdout and "rotate_token.yml" in run.stdout
    young = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=59)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run, report, suite = run_access_check(world, extra_vars={"csp_refresh_token_issued_at": young, "target": "full"})
    assert report["partner_token"]["age_days"] == 59 and "days old" not in run.stdout


def test_a_partner_token_without_mfa_is_reported_with_its_fix(world):
    run, report, suite = run_access_check(world, env={"CSP_REFRESH_TOKEN": "0.AAAA-sandbox-partner-refresh-token-no-mfa"})
    verdicts = dict((t["tenant"], t) for t in report["tenants"])
    assert verdicts[FULL]["partner_token"]["mfa"] is False and "onboard.yml" in verdicts[FULL]["partner_token"]["fix"]
    assert report["partner_token"]["mfa"] is False
    assert "without multi-factor authentication" in run.stdout
    problems = dict((p["check"], p) for p in verdicts[NONE]["problems"])
    assert "900421" in problems["partner_token"]["message"]
