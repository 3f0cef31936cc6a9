"""exo_settings `rules`: a tenant's whole baseline in one module run equals the same rules run one task each."""
import json

from tests.integration.conftest import CONTOSO, dump

RULES = [
    {"name": "organization", "object": "OrganizationConfig",
     "settings": {"AuditDisabled": False, "OAuth2ClientProfileEnabled": True}},
    {"name": "user_mailboxes", "object": "Mailbox", "filter": "RecipientTypeDetails -eq 'UserMailbox'",
     "settings": {"ProhibitSendReceiveQuota": "50GB", "ProhibitSendQuota": "49GB", "IssueWarningQuota": "48GB",
                  "RetainDeletedItemsFor": 30, "SingleItemRecoveryEnabled": True}},
    {"name": "shared_mailboxes", "object": "Mailbox", "filter": "RecipientTypeDetails -eq 'SharedMailbox'",
     "settings": {"MessageCopyForSentAsEnabled": True}},
    {"name": "legacy_protocols", "object": "CASMailbox", "settings": {"POPEnabled": False, "IMAPEnabled": False}},
]
COMPARED = {"OrganizationConfig": ["AuditDisabled", "OAuth2ClientProfileEnabled"],
            "Mailbox": ["ProhibitSendReceiveQuota", "IssueWarningQuota", "ProhibitSendQuota", "RetainDeletedItemsFor", "SingleItemRecoveryEnabled",
                        "MessageCopyForSentAsEnabled"],
            "CASMailbox": ["POPEnabled", "IMAPEnabled"]}


def separate_tasks():
    return "".join("""
        - name: %s
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: %s
            settings: %s
            %s
    """ % (r["name"], r["object"], json.dumps(r["settings"]),
           "filter: %s" % json.dumps(r["filter"]) if "filter" in r else "") for r in RULES)


def rules_task(extra=""):
    return """
        - name: baseline
          csp.exchange.exo_settings:
            tenant: contoso.com
            rules: %s
            %s
    """ % (json.dumps(RULES), extra)


def state(sb):
    return dict((noun, sorted(json.dumps(dict((p, row.get(p)) for p in ["Identity"] + props), sort_keys=True)
                              for row in sb.exchange(CONTOSO, noun)))
                for noun, props in COMPARED.items())


def token_requests(sb):
    return [e for e in sb.log(service="identity") if e["grant_type"]]


def by_identity(changes):
    return sorted(changes, key=lambda c: c["identity"])


def test_rules_equal_the_separate_rules_with_one_token(sb):
    before = state(sb)
    separate = sb.play(separate_tasks())
    assert separate.rc == 0, dump(separate)
    expected = dict((r["name"], separate.task(r["name"])) for r in RULES)
    assert any(expected[r["name"]]["changes"] for r in RULES)          # the seed differs from the baseline
    separate_state = state(sb)
    assert separate_state != before

    sb.sandbox.reset()
    assert state(sb) == before
    check = sb.play(rules_task(), check=True, diff=True)
    assert check.rc == 0, dump(check)
    assert not any(e["write"] for e in sb.log()) and state(sb) == before      # check mode wrote nothing
    checked = check.task("baseline")
    assert checked["changed"] and [r["name"] for r in checked["rules"]] == [r["name"] for r in RULES]

    sb.sandbox.log.clear()
    run = sb.play(rules_task())
    assert run.rc == 0, dump(run)
    result = run.task("baseline")
    assert state(sb) == separate_state
    assert [r["name"] for r in result["rules"]] == [r["name"] for r in RULES]
    for rule, got in zip(RULES, result["rules"]):
        want = expected[rule["name"]]
        assert got["object"] == rule["object"] and got["failed_identities"] == []
        assert got["matched"] == want["matched"]
        assert by_identity(got["changes"]) == by_identity(want["changes"]), rule["name"]
        tagged = [dict(c, rule=rule["name"]) for c in got["changes"]]
        assert by_identity(c for c in checked["changes"] if c["rule"] == rule["name"]) == by_identity(tagged)
        assert by_identity(c for c in result["changes"] if c["rule"] == rule["name"]) == by_identity(tagged)
    assert result["matched"] == sum(r["matched"] for r in result["rules"])
    assert len(result["changes"]) == sum(len(r["changes"]) for r in result["rules"])
    assert set(checked["diff"]["after"]) == set("%s: %s" % (c["rule"], c["identity"]) for c in result["changes"])

    assert len(token_requests(sb)) == 1
    reads = [e["cmdlets"] for e in sb.log(service="exchange") if not e["write"]]
    assert reads.count(["Get-Mailbox"]) == 1            # both Mailbox rules share one read
    batches = [e["cmdlets"] for e in sb.log(service="exchange") if e["path"].endswith("$batch") and e["write"]]
    assert sorted(c for b in batches for c in b) == sorted("Set-%s" % r["object"] for r in result["rules"]
                                                           for dummy in r["changes"])
    assert len(batches) == -(-len(result["changes"]) // 10)         # written ten to a request across rules

    sb.sandbox.log.clear()
    again = sb.play(rules_task())
    assert again.rc == 0, dump(again)
    assert not again.task("baseline")["changed"] and again.task("baseline")["changes"] == []
    assert not any(e["write"] for e in sb.log())


def test_max_changes_counts_objects_over_all_rules(sb):
    count = len(sb.exchange(CONTOSO, "CASMailbox"))
    run = sb.play(rules_task("max_changes: %d" % (count - 1)))
    assert run.rc != 0
    assert "over all rules" in run.task("baseline")["msg"] and "max_changes" in run.task("baseline")["msg"]
    assert not any(e["write"] for e in sb.log())


def test_conflicting_rules_and_mixed_options_are_refused_before_any_write(sb):
    conflict = [dict(RULES[1], name="a"), dict(RULES[1], name="b", settings={"ProhibitSendQuota": "20GB"})]
    run = sb.play("""
        - name: conflict
          csp.exchange.exo_settings:
            tenant: contoso.com
            rules: %s
          ignore_errors: true
        - name: mixed
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            rules: %s
          ignore_errors: true
    """ % (json.dumps(conflict), json.dumps(RULES)))
    assert "rules a and b both set ProhibitSendQuota" in run.task("conflict")["msg"], dump(run)
    assert "mutually exclusive" in run.task("mixed")["msg"]
    assert not any(e["write"] for e in sb.log())
