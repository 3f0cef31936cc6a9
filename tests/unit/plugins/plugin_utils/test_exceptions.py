"""Accepted deviations on the controller: what an exception must hold, when it expires, how a baseline's rules are
split so that an excepted property is never written, and how results are judged (plugin_utils/exceptions.py)."""
import datetime

import pytest

from ansible_collections.csp.exchange.plugins.plugin_utils import exceptions as x

IMAP = {"ref": "legacy_protocols.IMAPEnabled", "owner": "alice@partner.example", "reason": "scanner archive",
        "expires": "2027-03-31"}
SMTP = {"ref": "MS.EXO.5.1v1", "owner": "bob@partner.example", "reason": "printers", "expires": "2027-03-31"}
RULES = [{"name": "organization", "object": "OrganizationConfig", "settings": {"AuditDisabled": False}},
         {"name": "legacy_protocols", "object": "CASMailbox", "settings": {"POPEnabled": False, "IMAPEnabled": False}}]


def refused(exceptions, as_of="2027-01-01"):
    with pytest.raises(x.InvalidExceptionsError) as caught:
        x.check(exceptions, as_of)
    return str(caught.value)


@pytest.mark.parametrize("as_of, expired", [
    ("2027-03-31", False),                     # a date alone holds through its whole day (UTC)
    ("2027-03-31T23:59:59Z", False),
    ("2027-04-01", True),
    ("2027-04-01T00:00:00Z", True),
    ("2027-04-01T01:59:59+02:00", False),      # 23:59:59 UTC on the 31st
    (datetime.date(2027, 4, 1), True),
])
def test_a_date_expires_at_the_end_of_its_day_in_utc(as_of, expired):
    [checked] = x.check([IMAP], as_of)
    assert checked["expired"] is expired


def test_a_date_and_time_expires_at_that_instant_and_yaml_dates_are_taken():
    timed = dict(IMAP, expires="2027-03-31T18:00:00+01:00")
    assert x.check([timed], "2027-03-31T16:59:59Z")[0]["expired"] is False
    [checked] = x.check([timed], "2027-03-31T17:00:00Z")
    assert checked["expired"] is True and checked["expires"] == "2027-03-31T17:00:00Z"
    assert x.check([dict(IMAP, expires=datetime.date(2027, 3, 31))], "2027-03-31")[0]["expires"] == "2027-03-31"


def test_checked_exceptions_say_what_they_cover():
    imap, smtp = x.check([IMAP, dict(SMTP, ref="ms.exo.5.1V1")], "2027-01-01")
    assert imap == dict(IMAP, expired=False, kind="rule", rule="legacy_protocols", property="IMAPEnabled")
    assert smtp["ref"] == "MS.EXO.5.1v1" and smtp["kind"] == "control"     # the control's own spelling


@pytest.mark.parametrize("field", ["owner", "expires", "reason", "ref"])
def test_a_missing_or_blank_field_is_refused_naming_the_exception_and_the_field(field):
    missing = dict(IMAP)
    del missing[field]
    message = refused([missing])
    assert "%s is missing" % field in message
    assert ("exception legacy_protocols.IMAPEnabled" if field != "ref" else "exceptions[0]") in message
    assert "%s is missing" % field in refused([dict(IMAP, **{field: "  "})])


@pytest.mark.parametrize("change, words", [
    ({"approved_by": "carol"}, "unknown key(s) approved_by"),
    ({"expires": "31/03/2027"}, "expires must be an ISO 8601 date"),
    ({"expires": "2027-02-30"}, "expires must be an ISO 8601 date"),
    ({"ref": "IMAPEnabled"}, "ref must be a SCuBA policy ID"),
    ({"ref": "MS.EXO.9.9v1"}, "no SCuBA Exchange control has the ID MS.EXO.9.9v1"),
    ({"owner": ["alice"]}, "owner must be text"),
])
def test_malformed_exceptions_are_refused(change, words):
    assert words in refused([dict(IMAP, **change)])


def test_every_problem_is_named_at_once_and_a_ref_given_twice_is_refused():
    message = refused([IMAP, dict(IMAP, ref="legacy_protocols.imapenabled", owner="someone else"),
                       "not a mapping"])
    assert "given twice (also exceptions[0])" in message and "exceptions[2] is not a mapping" in message
    assert message.startswith("Refused before any change")


@pytest.mark.parametrize("as_of", ["tomorrow", "2027-13-01", 20270101])
def test_the_clock_is_validated(as_of):
    assert "csp_exceptions_as_of must be an ISO 8601 date" in refused([IMAP], as_of)


def test_no_exceptions_and_now_by_default():
    assert x.check(None) == [] and x.check([]) == []
    assert x.check([dict(IMAP, expires="2000-01-01")])[0]["expired"] is True
    assert x.check([dict(IMAP, expires="2999-01-01")], "")[0]["expired"] is False


def test_excepted_properties_leave_the_writes_and_are_read_alone():
    warnings = []
    checked = x.check([IMAP, SMTP, dict(IMAP, ref="other_role.EwsEnabled")], "2027-01-01")
    split = x.split_rules(RULES, checked, warnings.append)
    assert split["write"] == [RULES[0], dict(RULES[1], settings={"POPEnabled": False})]
    assert split["held"] == [dict(RULES[1], settings={"IMAPEnabled": False})]
    # Another role's rule: left alone, with a warning.
    assert len(warnings) == 1 and "other_role.EwsEnabled names no rule of this baseline" in warnings[0]


def test_a_rule_whose_every_property_is_excepted_is_only_read():
    checked = x.check([dict(IMAP, ref="organization.auditdisabled")], "2027-01-01")
    split = x.split_rules(RULES, checked)
    assert [r["name"] for r in split["write"]] == ["legacy_protocols"]
    assert split["held"] == [RULES[0]]


def test_a_property_the_rule_does_not_set_is_refused_and_a_near_rule_name_suggested():
    with pytest.raises(x.InvalidExceptionsError) as caught:
        x.split_rules(RULES, x.check([dict(IMAP, ref="legacy_protocols.IMAPEnable")], "2027-01-01"))
    assert "rule legacy_protocols does not set IMAPEnable (it sets IMAPEnabled, POPEnabled)" in str(caught.value)
    warnings = []
    x.split_rules(RULES, x.check([dict(IMAP, ref="legacy_protocol.IMAPEnabled")], "2027-01-01"), warnings.append)
    assert "did you mean legacy_protocols.IMAPEnabled?" in warnings[0]


def registered(*rules):
    return {"changed": False, "rules": list(rules)}


def test_differences_are_accepted_while_the_exception_lasts_and_a_matching_one_is_not_needed():
    checked = x.check([IMAP, dict(IMAP, ref="organization.AuditDisabled")], "2027-01-01")
    split = x.split_rules(RULES, checked)
    written = registered({"name": "legacy_protocols", "object": "CASMailbox", "matched": 2, "failed_identities": [],
                          "changes": [{"identity": "a", "before": {"POPEnabled": True}, "after": {"POPEnabled": False}}]})
    held = registered({"name": "organization", "matched": 1, "changes": [], "failed_identities": []},
                      {"name": "legacy_protocols", "matched": 2, "failed_identities": [], "changes": [
                          {"identity": "a", "before": {"IMAPEnabled": True}, "after": {"IMAPEnabled": False}},
                          {"identity": "b", "before": {"IMAPEnabled": True}, "after": {"IMAPEnabled": False}}]})
    judged = x.judge_rules(split, written, held)
    organization, legacy = judged["report"]
    assert judged["problem"] is None and judged["expired"] == []
    assert organization["matched"] == 1 and organization["accepted"] == [] and \
        [n["ref"] for n in organization["not_needed"]] == ["organization.AuditDisabled"]
    assert legacy["changes"] == written["rules"][0]["changes"] and legacy["matched"] == 2
    assert legacy["accepted"] == [dict(IMAP, identity=i, property="IMAPEnabled", current=True, desired=False)
                                  for i in "ab"]


def test_expired_differences_are_named_in_one_sentence():
    split = x.split_rules(RULES, x.check([IMAP], "2027-04-01"))
    held = registered({"name": "legacy_protocols", "matched": 1, "failed_identities": [], "changes": [
        {"identity": "a", "before": {"IMAPEnabled": True}, "after": {"IMAPEnabled": False}}]})
    judged = x.judge_rules(split, {"skipped": True}, held)
    assert judged["report"][1]["expired"][0]["ref"] == IMAP["ref"] and judged["report"][1]["accepted"] == []
    assert judged["expired"] == [dict(IMAP, objects=1)]
    assert "legacy_protocols.IMAPEnabled (owner alice@partner.example, expired 2027-03-31, 1 object(s))" \
        in judged["problem"]


@pytest.mark.parametrize("result", [{"unreachable": True, "msg": "ssh: connect refused"},
                                    {"failed": True, "msg": "ssh: connect refused"}, {"changed": False}])
def test_a_task_without_results_is_never_judged_clean(result):
    with pytest.raises(x.InvalidExceptionsError) as caught:
        x.judge_rules(x.split_rules(RULES, []), result, None)
    assert "the write of the baseline produced no result" in str(caught.value)
    with pytest.raises(x.InvalidExceptionsError):
        x.judge_controls(result, [])


def test_controls_under_an_exception():
    live, expired = x.check([SMTP], "2027-01-01"), x.check([SMTP], "2027-04-01")
    fail = {"id": "MS.EXO.5.1v1", "status": "fail", "details": ["SMTP AUTH is enabled"]}
    other = {"id": "MS.EXO.13.1v1", "status": "fail", "details": []}
    [accepted, untouched] = x.judge_controls({"controls": [fail, other]}, live)
    assert untouched == other
    assert accepted["status"] == "accepted" and accepted["details"][1:] == fail["details"]
    assert accepted["exception"] == dict(SMTP, expired=False)
    assert "accepted deviation MS.EXO.5.1v1 (owner bob@partner.example, expires 2027-03-31): printers" \
        == accepted["details"][0]
    [lapsed] = x.judge_controls({"controls": [fail]}, expired)
    assert lapsed["status"] == "fail" and "has expired" in lapsed["details"][0] and lapsed["exception"]["expired"]
    [passing] = x.judge_controls({"controls": [dict(fail, status="pass", details=[])]}, live)
    assert passing["status"] == "pass" and "no longer needed" in passing["details"][0]


def test_the_last_day_python_holds_is_an_expiry_and_an_instant_before_the_first_is_refused():
    # Review #23: 9999-12-31 (a common "until further notice") raised OverflowError out of the filter instead of
    # being judged; 0001-01-01T00:00:00+01:00 did too instead of a message naming the exception.
    [checked] = x.check([dict(IMAP, expires="9999-12-31")], "2027-01-01")
    assert checked["expired"] is False and checked["expires"] == "9999-12-31"
    assert x.check([dict(IMAP, expires=datetime.date(9999, 12, 31))], "9999-12-31T23:59:59Z")[0]["expired"] is False
    assert "expires must be an ISO 8601 date" in refused([dict(IMAP, expires="0001-01-01T00:00:00+01:00")])


def test_a_rule_name_in_another_case_still_protects_its_property():
    # Review #23: "EWS.EwsEnabled" named no rule (compared exactly), drew a warning without a suggestion, and the
    # retirements role wrote the EwsEnabled the exception protects.
    rules = [{"name": "ews", "object": "OrganizationConfig", "settings": {"EwsEnabled": False}}]
    checked = x.check([dict(IMAP, ref="EWS.EwsEnabled")], "2027-01-01")
    warned = []
    split = x.split_rules(rules, checked, warn=warned.append)
    assert split["write"] == [] and split["held"] == rules and warned == []
    judged = x.judge_rules(split, None, {"rules": [{"name": "ews", "matched": 1, "changes": [
        {"identity": "org", "before": {"EwsEnabled": True}, "after": {"EwsEnabled": False}}]}]})
    assert [(a["ref"], a["current"]) for a in judged["report"][0]["accepted"]] == [("EWS.EwsEnabled", True)]
    # Another role's rule in another case is that role's, without a warning; one property named twice is refused.
    x.split_rules(RULES, checked, warn=warned.append, others=["ews"])
    assert warned == []
    assert "given twice" in refused([dict(IMAP, ref="EWS.EwsEnabled"), dict(IMAP, ref="ews.ewsenabled")])


def test_the_roles_judge_at_the_later_of_the_given_clock_and_now():
    now = datetime.datetime(2027, 5, 1, tzinfo=datetime.timezone.utc)
    assert x.judged_at("2027-04-01", now) == now
    assert x.judged_at("2027-06-01", now) == datetime.datetime(2027, 6, 1, tzinfo=datetime.timezone.utc)
    assert x.judged_at(None, now) == now


def test_an_exception_protects_its_setting_in_every_role():
    """MS.EXO.5.1v1 and smtp_auth.SmtpClientAuthenticationDisabled name one setting (TransportConfig): either holds the
    retirements rule and the SCuBA control alike; a role's own rules on other objects are not touched."""
    scuba = dict(SMTP, ref="MS.EXO.5.1v1")
    retire = dict(SMTP, ref="smtp_auth.SmtpClientAuthenticationDisabled")
    audit = dict(SMTP, ref="organization.AuditDisabled")
    rules = [{"name": "smtp_auth", "object": "TransportConfig", "settings": {"SmtpClientAuthenticationDisabled": True}},
             {"name": "ews", "object": "OrganizationConfig", "settings": {"EwsEnabled": False, "AuditDisabled": False}}]
    split = x.split_rules(rules, x.check([scuba, audit], "2027-01-01"))
    assert split["held"] == [dict(rules[0]), dict(rules[1], settings={"AuditDisabled": False})]
    assert split["write"] == [dict(rules[1], settings={"EwsEnabled": False})]
    assert sorted(x.held_controls(x.check([retire], "2027-01-01"))) == ["ms.exo.5.1v1"]
    assert sorted(x.held_controls(x.check([audit], "2027-01-01"))) == ["ms.exo.13.1v1"]
    written = {"rules": [{"name": "ews", "matched": 1, "changes": []}]}
    held = {"rules": [{"name": "smtp_auth", "matched": 1, "changes": [
        {"identity": "t", "before": {"SmtpClientAuthenticationDisabled": False},
         "after": {"SmtpClientAuthenticationDisabled": True}}]}, {"name": "ews", "matched": 1, "changes": []}]}
    judged = x.judge_rules(split, written, held)["report"]
    assert [a["ref"] for a in judged[0]["accepted"]] == ["MS.EXO.5.1v1"]


def test_a_plan_leaves_out_what_an_exception_added_after_the_review_holds():
    rules = [{"name": "organization", "object": "OrganizationConfig"}, {"name": "smtp_auth", "object": "TransportConfig"},
             {"name": "legacy_protocols", "object": "CASMailbox"}]
    changes = [{"rule": "organization", "identity": "org", "before": {"AuditDisabled": True, "X": 1},
                "after": {"AuditDisabled": False, "X": 2}},
               {"rule": "smtp_auth", "identity": "t", "before": {"SmtpClientAuthenticationDisabled": False},
                "after": {"SmtpClientAuthenticationDisabled": True}},
               {"rule": "legacy_protocols", "identity": "u1", "before": {"IMAPEnabled": True},
                "after": {"IMAPEnabled": False}}]
    checked = x.check([dict(SMTP, ref="MS.EXO.13.1v1"), dict(SMTP, ref="MS.EXO.5.1v1"),
                       dict(SMTP, ref="LEGACY_protocols.IMAPEnabled")], "2027-01-01")
    due = x.plan_without_held(changes, rules, checked)
    assert due["changes"] == [{"rule": "organization", "identity": "org", "before": {"X": 1}, "after": {"X": 2}}]
    assert sorted((h["rule"], h["property"], h["ref"]) for h in due["held"]) == [
        ("legacy_protocols", "IMAPEnabled", "LEGACY_protocols.IMAPEnabled"), ("organization", "AuditDisabled",
                                                                              "MS.EXO.13.1v1"),
        ("smtp_auth", "SmtpClientAuthenticationDisabled", "MS.EXO.5.1v1")]
