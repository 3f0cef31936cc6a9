"""Issue 13, "what a second look found": one test per finding, each against the sandbox with a real ansible-playbook
run, asserting from the sandbox's state and request log."""
import json

from tests.integration.conftest import CONTOSO, dump, parse_junit


def settings_task(noun, settings, name, extra=""):
    return """
        - name: %s
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: %s
            settings: %s
            %s
    """ % (name, noun, json.dumps(settings), extra)


def audit_owner_task(extra=""):
    return settings_task("Mailbox", {"AuditOwner": {"add": ["MailboxLogin"]}}, "audit", extra)


def org_task(settings, name="org"):
    return settings_task("OrganizationConfig", settings, name)


SAME_QUOTA = """
        - name: same
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, ProhibitSendQuota: 99GB, RetainDeletedItemsFor: "14.00:00:00"}
"""


# -- 1. a lost $batch answer fails its own objects only ---------------------------------------------------------

def test_lost_batch_answers_fail_only_their_objects_and_the_rest_is_applied(sb):
    sb.sandbox.faults.update(service="exchange", lost_write_rate=0.4)
    run = sb.play(audit_owner_task())
    assert run.rc != 0, dump(run)
    result = run.task("audit")
    lost = [e for e in sb.log(service="exchange") if e["path"].endswith("/$batch") and e["write"]
            and (e["fault"] or "").startswith("lost_response")]
    assert lost, "the sandbox lost no $batch answer"
    failed = result["failed_identities"]
    assert len(failed) == sum(len(e["cmdlets"]) for e in lost)
    for entry in failed:
        assert entry["stage"] == "write"
        assert "may or may not have been applied" in entry["reason"], entry
        assert "check with Get-Mailbox -Identity '" in entry["reason"] and "not resent" in entry["reason"], entry
    changed = {c["identity"] for c in result["changes"]}
    assert result["changed"] is True and result["matched"] == 151
    assert len(changed) + len(failed) == 151 and not changed & {f["identity"] for f in failed}
    assert "the others were applied" in result["msg"]
    # Every object was written exactly once: the lost ones were applied before their answer was lost, none resent.
    assert all("MailboxLogin" in row["AuditOwner"] for row in sb.exchange(CONTOSO, "Mailbox"))
    sets = [c for e in sb.log(service="exchange") if e["batch_item"] is not None for c in e["cmdlets"]]
    assert sets == ["Set-Mailbox"] * 151


# -- 2. free text is compared exactly -----------------------------------------------------------------------------

def test_a_case_only_change_of_free_text_is_drift_and_is_applied(sb):
    task = """
        - name: text
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: admin
            settings: {DisplayName: CONTOSO ADMIN, RetentionPolicy: default mrm policy}
    """
    check = sb.play(task, check=True)
    assert check.rc == 0, dump(check)
    assert check.task("text")["changes"] == [{"identity": "Contoso Admin", "before": {"DisplayName": "Contoso Admin"},
                                              "after": {"DisplayName": "CONTOSO ADMIN"}}]   # the enum is no drift
    apply = sb.play(task)
    assert apply.rc == 0 and apply.task("text")["changed"], dump(apply)
    [admin] = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "admin"]
    assert admin["DisplayName"] == "CONTOSO ADMIN"
    sb.sandbox.log.clear()
    again = sb.play(task)
    assert again.rc == 0 and not again.task("text")["changed"], dump(again)
    assert not any(e["write"] for e in sb.log())


# -- 4. one object named twice is read and written once, whatever the list's length ----------------------------------

def _forms_of_admin(sb):
    [admin] = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "admin"]
    secondary = next(a.split(":", 1)[1] for a in admin["EmailAddresses"] if a.startswith("smtp:"))
    netbios = next(p[3:] for p in admin["DistinguishedName"].split(",") if p.startswith("DC="))
    return admin, ["admin", admin["Guid"].upper(), secondary.upper(), "%s\\admin" % netbios.lower()]


def test_two_forms_of_one_mailbox_are_read_and_written_once_for_short_and_long_lists(sb):
    admin, forms = _forms_of_admin(sb)
    others = [r["Alias"] for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] != "admin"][:55]
    for identities, objects in ((["admin", "admin@contoso.com"], 1), (forms + others, 1 + len(others))):
        sb.sandbox.reset()
        run = sb.play(audit_owner_task("identity: %s" % json.dumps(identities)))
        assert run.rc == 0, dump(run)
        result = run.task("audit")
        assert result["failed_identities"] == [] and result["matched"] == objects, identities
        admin_writes = [e for e in sb.log(service="exchange") if e["batch_item"] is not None
                        and e["cmdlets"] == ["Set-Mailbox"]]
        assert len(admin_writes) == result["matched"]          # one Add per object, never two for one mailbox
        [row] = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "admin"]
        assert row["AuditOwner"].count("MailboxLogin") == 1


# -- 5. a time span the normaliser does not know: a number is days on both sides -------------------------------------

def test_an_unknown_time_span_is_compared_and_sent_as_days(sb):
    same = sb.play(org_task({"DefaultPublicFolderDeletedItemRetention": 30}), check=True)   # shown "30.00:00:00"
    assert same.rc == 0 and same.task("org")["changes"] == [], dump(same)
    apply = sb.play(org_task({"DefaultPublicFolderDeletedItemRetention": 45}))
    assert apply.rc == 0 and apply.task("org")["changed"], dump(apply)
    [org] = sb.exchange(CONTOSO, "OrganizationConfig")
    assert org["DefaultPublicFolderDeletedItemRetention"] == "45.00:00:00"
    sb.sandbox.log.clear()
    again = sb.play(org_task({"DefaultPublicFolderDeletedItemRetention": 45}))
    assert again.rc == 0 and not again.task("org")["changed"], dump(again)
    assert not any(e["write"] for e in sb.log())


# -- 6. exo_command check mode compares a Set- with its Get- --------------------------------------------------------

def test_check_mode_of_a_set_reports_changed_only_where_the_real_run_would_change(sb):
    run = sb.play(SAME_QUOTA + """
        - name: different
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, ProhibitSendQuota: 45GB}
        - name: singleton
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-OrganizationConfig
            parameters: {AuditDisabled: false}
        - name: no getter
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-CalendarProcessing
            parameters: {Identity: admin, AutomateProcessing: AutoAccept}
    """, check=True)
    assert run.rc == 0, dump(run)
    assert run.task("same")["changed"] is False and "would change nothing" in run.task("same")["msg"]
    assert run.task("different")["changed"] is True and "ProhibitSendQuota" in run.task("different")["msg"]
    assert run.task("singleton")["changed"] is False
    unknown = run.task("no getter")
    assert unknown["changed"] is True and "cannot predict" in " ".join(unknown.get("warnings", []))
    assert not any(e["write"] for e in sb.log())
    # The real run agrees with the prediction.
    real = sb.play(SAME_QUOTA)
    assert real.rc == 0 and real.task("same")["changed"] is False, dump(real)


# -- 8. the drift report's JUnit file always parses, one case per tenant, UTF-8 whatever the locale --------------------

def test_drift_report_junit_parses_strictly_with_one_case_per_tenant(sb, tmp_path):
    tenants = [
        {"host": "contoso", "tenant": "t\u0001contoso", "error": None, "results": [
            {"rule": "users", "object": "Mailbox", "matched": 2, "failed_identities": [], "changes": [
                {"identity": "Zo\u00eb\u001b[31m", "before": {"DisplayName": "a\u0000b"}, "after": {"DisplayName": "c"}}]}]},
        {"host": "fabrikam", "tenant": "fabrikam-id", "error": None, "results": []},
        "not a mapping",
        {"host": "tailspin", "tenant": "tailspin-id", "results": {"rule": "not a list"}},
    ]
    run = sb.play("""
        - name: report
          csp.exchange.drift_report:
            tenants: "{{ drift_tenants }}"
            hosts: [contoso, fabrikam, northwind, tailspin]
            json_path: %s/drift.json
            junit_path: %s/drift.xml
          environment: {LC_ALL: POSIX, LANG: POSIX, PYTHONUTF8: "0", PYTHONCOERCECLOCALE: "0"}
    """ % (tmp_path, tmp_path), extra_vars={"drift_tenants": tenants})
    assert run.rc == 0, dump(run)
    assert run.task("report")["errors"] == 3 and run.task("report")["drifted"] == 1
    suite = parse_junit(str(tmp_path / "drift.xml"))
    cases = suite.findall("testcase")
    assert sorted(c.get("classname") for c in cases) == ["fabrikam-id", "northwind", "t\\x01contoso", "tailspin-id"]
    assert cases[0].find("failure") is not None and "Zo\u00eb" in cases[0].find("failure").text
    assert all(c.find("error") is not None for c in cases[1:])       # no results, malformed: errors, never passes
    with open(str(tmp_path / "drift.json"), encoding="utf-8") as handle:
        assert json.load(handle)["cases"][0]["drift"][0]["identity"].startswith("Zo\u00eb")


# -- 3. a throttled $batch item is resent only after its Retry-After window ------------------------------------------

def test_a_throttled_batch_item_is_resent_after_its_window(sb):
    sb.sandbox.faults.update(service="exchange", throttle_rate=0.15, retry_after_s=0.4)
    aliases = [r["Alias"] for r in sb.exchange(CONTOSO, "Mailbox")][:40]
    run = sb.play("""
        - name: settings
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: %s
            settings: {CustomAttribute2: throttled}
            concurrency: 1
    """ % json.dumps(aliases))
    assert run.rc == 0, dump(run)
    assert run.task("settings")["failed_identities"] == [] and len(run.task("settings")["changes"]) == 40
    log = sb.log(service="exchange")
    assert [e for e in log if e["batch_item"] is not None and e["fault"] == "throttle"], "no batch item throttled"
    # Only items travelling inside an already open window may meet it; nothing the client sent on its own did.
    early = [e for e in log if e["batch_item"] is None and e["fault"] == "throttle_window"]
    assert early == [], early


# -- 7. error messages that name the cause ---------------------------------------------------------------------------

def test_errors_name_the_app_only_permission_and_the_property_that_cannot_be_compared(sb):
    run = sb.play("""
        - name: app only
          ignore_errors: true
          csp.exchange.exo_command:
            tenant: 22222222-2222-2222-2222-222222222223
            auth_mode: app_only
            cmdlet: Get-OrganizationConfig
        - name: not a boolean
          ignore_errors: true
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: admin
            settings: {AuditEnabled: enabled}
    """)
    app_only = run.task("app only")
    assert app_only.get("status") == 401 and "Exchange.ManageAsApp" in app_only["msg"] and "directory role" in app_only["msg"]
    assert "GDAP" not in app_only["msg"] and "delegated Exchange.Manage" not in app_only["msg"], app_only["msg"]
    bad = run.task("not a boolean")["msg"]
    assert not bad.startswith("Unexpected"), bad
    for words in ("AuditEnabled", "Contoso Admin", "contoso.com", "'enabled' is not a boolean", "nothing was written"):
        assert words in bad, bad
    assert not any(e["write"] for e in sb.log())


def test_graph_replication_lag_after_our_own_write_is_waited_out(sb):
    fabrikam = "22222222-2222-2222-2222-222222222223"
    with sb.sandbox.store.lock:
        tenant = sb.sandbox.store.tenants[fabrikam]
        exchange_sp = tenant.sp_by_app_id("00000002-0000-0ff1-ce00-000000000000")
        for grant_id in [g.id for g in tenant.grants.values() if g.resource_id == exchange_sp.id]:
            del tenant.grants[grant_id]
    # The grant's POST is applied but its answer lost; the resent POST meets 409, and the listing that should
    # show the grant lags behind the write by two seconds.
    sb.sandbox.faults.update(service="graph", lost_write_rate=1.0, replication_lag_s=2.0)
    run = sb.play("""
        - name: consent
          csp.exchange.exo_consent:
            tenant: fabrikam.com
            method: graph
    """)
    lost = [e for e in sb.log(service="graph") if (e["fault"] or "").startswith("lost_response")]
    assert lost and lost[0]["method"] == "POST", sb.log(service="graph")
    result = run.task("consent")
    assert "IndexError" not in result.get("msg", "") and "Unexpected" not in result.get("msg", ""), result
    assert run.rc == 0, dump(run)
    assert "Exchange.Manage" in sb.scopes(fabrikam)


# -- 10. what the contract asks of the wire: $true in filters, the audit-log anchor, secret parameters --------------

def test_true_in_a_filter_is_sent_as_the_service_needs_it(sb):
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke(
            "Set-Mailbox", {"Identity": "admin", "HiddenFromAddressListsEnabled": True}, now=sb.sandbox.now())
    run = sb.play("""
        - name: hidden
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Get-Mailbox
            parameters: {Filter: "HiddenFromAddressListsEnabled -eq $true -and DisplayName -ne '$false'"}
            select: [Alias]
        - name: settings
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            filter: "HiddenFromAddressListsEnabled -eq $true"
            settings: {CustomAttribute3: hidden}
    """)
    assert run.rc == 0, dump(run)
    hidden = sorted(r["Alias"] for r in sb.exchange(CONTOSO, "Mailbox") if r["HiddenFromAddressListsEnabled"])
    assert "admin" in hidden and len(hidden) < 151
    assert sorted(r["Alias"] for r in run.task("hidden")["result"]) == hidden
    assert run.task("settings")["matched"] == len(hidden) and run.task("settings")["changed"]


def test_enabling_the_unified_audit_log_is_anchored_on_its_system_mailbox(sb):
    run = sb.play(settings_task("AdminAuditLogConfig", {"UnifiedAuditLogIngestionEnabled": True}, "org") + """
        - name: command
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-AdminAuditLogConfig
            parameters: {UnifiedAuditLogIngestionEnabled: true}
    """)
    assert run.rc == 0, dump(run)
    [config] = sb.exchange(CONTOSO, "AdminAuditLogConfig")
    assert config["UnifiedAuditLogIngestionEnabled"] is True
    anchors = {e["anchor"] for e in sb.log(service="exchange")          # the calls themselves, not the $batch
               if e["cmdlets"] == ["Set-AdminAuditLogConfig"] and not e["path"].endswith("$batch")}
    assert anchors == {"APP:SystemMailbox{8cc370d3-822a-4ab8-a926-bb94bd0641a9}@%s" % CONTOSO}


def test_a_password_parameter_never_shows(sb):
    secret = "Sup3r-Secret-Passw0rd"
    run = sb.play("""
        - name: mailuser
          ignore_errors: true
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: New-MailUser
            parameters: {Name: ext, Password: "%s", ExternalEmailAddress: ext@fabrikam.com}
          register: created
        - name: show
          ansible.builtin.debug: {var: created}
    """ % secret, verbosity=1, env={"ANSIBLE_INJECT_INVOCATION": "1"})
    assert "New-MailUser" in run.stdout, dump(run)
    assert secret not in run.stdout + run.stderr + json.dumps(run.results)
    assert "********" in run.stdout                         # the invocation is shown, masked


# -- 11. recipient lists as Exchange shows them: names, not the addresses Set- was given ------------------------------

def test_recipient_lists_given_as_addresses_compare_with_the_names_exchange_shows(sb):
    task = """
        - name: delegates
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: dana.larsen@contoso.com
            settings:
              GrantSendOnBehalfTo: [ADMIN@contoso.com]
              ForwardingAddress: admin@contoso.onmicrosoft.com
        - name: add
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: dana.larsen
            settings: {GrantSendOnBehalfTo: {add: [admin@contoso.com]}}
        - name: preview
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-Mailbox
            parameters: {Identity: dana.larsen, GrantSendOnBehalfTo: [admin@contoso.com]}
          check_mode: true
    """
    first = sb.play(task)
    assert first.rc == 0, dump(first)
    assert first.task("delegates")["changed"] and not first.task("add")["changed"]
    assert first.task("preview")["changed"] is False
    [dana] = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "dana.larsen"]
    assert dana["GrantSendOnBehalfTo"] == ["Contoso Admin"] and dana["ForwardingAddress"] == "Contoso Admin"
    sb.sandbox.log.clear()
    second = sb.play(task)
    assert second.rc == 0 and not second.task("delegates")["changed"], dump(second)
    assert not any(e["write"] for e in sb.log())
