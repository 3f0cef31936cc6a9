"""exo_consent per customer state and per method: the first run does the documented thing, the second changes
and writes nothing, and no grant, app-role assignment or directory role is ever lost (asserted from sandbox state)."""
import pytest

from tests.integration.conftest import dump
from tests.integration.consent_world import (  # noqa: F401 fixtures # pylint: disable=unused-import
    EXCHANGE_APP, EXO_ONLY, FULL, GDAP_EXPIRED, GRAPH_APP, NO_MANAGE, NONE, READ_ONLY, SHAREPOINT_APP, states_server,
    world)
from tests.sandbox import store as st

NO_OTHER_GRANTS = "partner_center_grants: []"


def consent(world, tenant, options="", check=False, diff=False):
    return world.play("""
        - name: consent
          csp.exchange.exo_consent:
            tenant: %s
            %s
    """ % (tenant, options.replace("\n", "\n            ")), check=check, diff=diff)


def pc_calls(world):
    return [(e["method"], e["status"]) for e in world.log(service="partner_center")]


def assert_second_run_is_quiet(world, tenant, options=""):
    world.sandbox.log.clear()
    again = consent(world, tenant, options)
    assert again.rc == 0, dump(again)
    assert not again.task("consent")["changed"] and again.task("consent")["method"] == "none"
    assert world.writes() == []


@pytest.mark.parametrize("method", ["auto", "graph", "partner_center"])
def test_exchange_only_consent_is_left_alone_by_every_method(world, method):
    """The reported outage: Exchange.Manage read from the Exchange token, so nothing is deleted, ever."""
    before = world.holdings(EXO_ONLY)
    for dummy in range(2):
        run = consent(world, EXO_ONLY, "method: %s" % method)
        assert run.rc == 0, dump(run)
        result = run.task("consent")
        assert not result["changed"] and result["read_from"] == "token"
        assert result["scopes_before"] == ["Exchange.Manage"]
    assert world.writes() == [] and pc_calls(world) == []
    world.assert_nothing_lost(EXO_ONLY, before)


def test_adding_a_scope_where_nothing_else_can_be_seen_fails_before_any_write(world):
    before = world.holdings(EXO_ONLY)
    for check in (True, False):
        run = consent(world, EXO_ONLY, "scopes: [EWS.AccessAsUser.All]", check=check)
        assert run.rc != 0
        message = run.task("consent")["msg"]
        assert EXO_ONLY in message and "DelegatedPermissionGrant.ReadWrite.All" in message
        assert "allow_destructive" in message
    # Even allowed to, it deletes nothing it cannot read: Graph would have to show what the delete takes.
    run = consent(world, EXO_ONLY, "scopes: [EWS.AccessAsUser.All]\nallow_destructive: true\n" + NO_OTHER_GRANTS)
    assert run.rc != 0
    assert "cannot be read" in run.task("consent")["msg"]
    assert world.writes() == [] and pc_calls(world) == []
    world.assert_nothing_lost(EXO_ONLY, before)


def test_absent_where_graph_cannot_write_refuses_to_delete_the_service_principal(world):
    before = world.holdings(EXO_ONLY)
    for options in ("state: absent", "state: absent\nallow_destructive: true"):
        run = consent(world, EXO_ONLY, options)
        assert run.rc != 0, dump(run)
        message = run.task("consent")["msg"]
        assert "DelegatedPermissionGrant.ReadWrite.All" in message and "never deleted" in message
    assert world.writes() == [] and pc_calls(world) == []
    world.assert_nothing_lost(EXO_ONLY, before)


@pytest.mark.parametrize("method", ["auto", "graph"])
def test_graph_adds_a_scope_in_place_keeping_every_other_grant(world, method):
    before = world.holdings(FULL)
    options = "scopes: [EWS.AccessAsUser.All]\nmethod: %s" % method
    check = consent(world, FULL, options, check=True, diff=True)
    assert check.rc == 0, dump(check)
    assert check.task("consent")["diff"]["after"] == {"scopes": ["EWS.AccessAsUser.All", "Exchange.Manage"]}
    assert world.writes() == []
    run = consent(world, FULL, options)
    assert run.rc == 0, dump(run)
    result = run.task("consent")
    assert result["changed"] and result["method"] == "graph" and result["read_from"] == "graph"
    assert [(e["method"], e["path"].split("/")[2]) for e in world.writes()] == [("PATCH", "oauth2PermissionGrants")]
    assert (EXCHANGE_APP, "EWS.AccessAsUser.All") in world.holdings(FULL)["grants"]
    assert (SHAREPOINT_APP, "AllSites.FullControl") in world.holdings(FULL)["grants"]
    world.assert_nothing_lost(FULL, before)
    assert_second_run_is_quiet(world, FULL, options)


def test_partner_center_on_an_installed_app_continues_through_graph(world):
    """Partner Center only creates a missing consent; an installed app gets the scope through Graph, in place."""
    before, sp_id = world.holdings(FULL), world.app_sp_id(FULL)
    run = consent(world, FULL, "scopes: [EWS.AccessAsUser.All]\nmethod: partner_center")
    assert run.rc == 0, dump(run)
    assert run.task("consent")["method"] == "graph"
    assert [(e["method"], e["path"].split("/")[2]) for e in world.writes()] == [("PATCH", "oauth2PermissionGrants")]
    assert pc_calls(world) == [] and world.app_sp_id(FULL) == sp_id
    world.assert_nothing_lost(FULL, before)


@pytest.mark.parametrize("method", ["auto", "partner_center"])
def test_not_installed_customer_gets_a_consent_without_any_delete(world, method):
    options = "method: %s\npartner_center_grants:\n  - {resource_app_id: %s, scopes: [DelegatedPermissionGrant.ReadWrite.All]}" % (
        method, GRAPH_APP)
    check = consent(world, NONE, options, check=True)
    assert check.rc == 0 and check.task("consent")["changed"], dump(check)
    assert world.writes() == []
    run = consent(world, NONE, options)
    assert run.rc == 0, dump(run)
    result = run.task("consent")
    assert result["changed"] and result["method"] == "partner_center" and result["read_from"] == "token"
    assert pc_calls(world) == [("POST", 201)]
    assert world.holdings(NONE)["grants"] == {
        (EXCHANGE_APP, "Exchange.Manage"), (GRAPH_APP, "DelegatedPermissionGrant.ReadWrite.All")}
    assert_second_run_is_quiet(world, NONE, options)


def test_graph_method_on_a_customer_without_graph_fails_before_any_write(world):
    run = consent(world, NONE, "method: graph")
    assert run.rc != 0
    assert "method graph cannot change the grant in tenant %s" % NONE in run.task("consent")["msg"]
    assert world.writes() == []


def test_exchange_grant_without_exchange_manage_is_never_deleted_blind(world):
    """Only the Exchange token can be read: listing the other grants no longer licenses a delete."""
    before = world.holdings(NO_MANAGE)
    for options in ("", NO_OTHER_GRANTS, NO_OTHER_GRANTS + "\nallow_destructive: true"):
        refused = consent(world, NO_MANAGE, options)
        assert refused.rc != 0
        assert "DelegatedPermissionGrant.ReadWrite.All" in refused.task("consent")["msg"]
    assert world.writes() == [] and pc_calls(world) == []
    world.assert_nothing_lost(NO_MANAGE, before)


def test_lost_consent_post_is_read_back_not_resent(world):
    world.sandbox.faults.update(service="partner_center", lost_response_rate=1.0)
    run = consent(world, NONE)
    assert run.rc == 0, dump(run)
    assert run.task("consent")["changed"]
    posts = world.log(service="partner_center")
    # Every attempt is the same request (one MS-RequestId, the idempotency key), and every answer was lost.
    assert {e["method"] for e in posts} == {"POST"} and len({e["headers"]["ms-requestid"] for e in posts}) == 1
    assert "was lost" in " ".join(run.task("consent").get("warnings", []))
    assert world.holdings(NONE)["grants"] == {(EXCHANGE_APP, "Exchange.Manage")}
    assert_second_run_is_quiet(world, NONE)


def test_failed_recreate_names_every_grant_to_restore(world):
    before = world.holdings(READ_ONLY)
    world.sandbox.faults.update(service="partner_center", tenant=READ_ONLY, consent_create_error=403)
    run = consent(world, READ_ONLY, "scopes: [EWS.AccessAsUser.All]\nallow_destructive: true")
    assert run.rc != 0
    message = run.task("consent")["msg"]
    assert "was deleted but re-creating it failed" in message
    assert "%s: EWS.AccessAsUser.All,Exchange.Manage" % EXCHANGE_APP in message
    assert run.task("consent")["restore_grants"] == [
        {"resource_app_id": EXCHANGE_APP, "scopes": ["EWS.AccessAsUser.All", "Exchange.Manage"]},
        {"resource_app_id": GRAPH_APP, "scopes": ["Directory.Read.All"]}]
    assert pc_calls(world) == [("DELETE", 204), ("POST", 403)]
    # The message is enough to restore: the app is missing now, so the same task creates the consent.
    world.sandbox.faults.update(service="partner_center", tenant=READ_ONLY, consent_create_error=0)
    restored = consent(world, READ_ONLY, "scopes: [EWS.AccessAsUser.All, Exchange.Manage]\npartner_center_grants:\n"
                       "  - {resource_app_id: %s, scopes: [Directory.Read.All]}" % GRAPH_APP)
    assert restored.rc == 0, dump(restored)
    world.assert_nothing_lost(READ_ONLY, before)


def test_expired_gdap_fails_with_the_reason_and_writes_nothing(world):
    run = consent(world, GDAP_EXPIRED)
    assert run.rc != 0
    assert "AADSTS50020" in run.task("consent")["msg"]
    assert world.writes() == []


def test_tenant_consent_role_passes_partner_center_grants_through(world):
    run = world.play("""
        - name: consent role
          ansible.builtin.include_role:
            name: csp.exchange.tenant_consent
          vars:
            tenant_id: %s
            tenant_consent_partner_center_grants: [{resource_app_id: %s, scopes: [Directory.Read.All]}]
    """ % (NONE, GRAPH_APP))
    assert run.rc == 0, dump(run)
    assert pc_calls(world) == [("POST", 201)]
    assert world.holdings(NONE)["grants"] == {(EXCHANGE_APP, "Exchange.Manage"), (GRAPH_APP, "Directory.Read.All")}


def test_throttled_graph_and_partner_center_still_converge_without_duplicate_writes(world):
    world.sandbox.faults.update(service="graph", throttle_rate=0.3, retry_after_s=0.2)
    world.sandbox.faults.update(service="partner_center", throttle_rate=0.5, retry_after_s=0.2)
    before = world.holdings(FULL)
    run = world.play("""
        - name: graph
          csp.exchange.exo_consent: {tenant: %s, scopes: [EWS.AccessAsUser.All]}
        - name: partner center
          csp.exchange.exo_consent: {tenant: %s}
    """ % (FULL, NONE))
    assert run.rc == 0, dump(run)
    assert any(e["status"] == 429 for e in world.log())
    # A throttled POST was not executed, so it is sent again; exactly one was applied.
    assert [s for m, s in pc_calls(world) if s != 429] == [201]
    assert (EXCHANGE_APP, "EWS.AccessAsUser.All") in world.holdings(FULL)["grants"]
    assert world.holdings(NONE)["grants"] == {(EXCHANGE_APP, "Exchange.Manage")}
    world.assert_nothing_lost(FULL, before)


def test_app_only_credentials_read_through_graph_and_never_guess(world):
    app_only = {"CSP_AUTH_MODE": "app_only"}
    run = world.play("""
        - name: consent
          csp.exchange.exo_consent: {tenant: %s}
    """ % FULL, env=app_only)
    assert run.rc == 0, dump(run)
    assert run.task("consent")["read_from"] == "graph" and not run.task("consent")["changed"]
    # Where the app has no service principal, app-only credentials can read nothing: fail, change nothing.
    refused = world.play("""
        - name: consent
          csp.exchange.exo_consent: {tenant: %s}
    """ % NONE, env=app_only)
    assert refused.rc != 0 and NONE in refused.task("consent")["msg"]
    assert world.writes() == []


def test_consent_no_read_could_see_is_never_replaced(world):
    """The app is installed with a grant on a resource no token shows (SharePoint): the POST answers 409, and the
    module stops there instead of deleting what it could not read."""
    store = world.sandbox.store
    with store.lock:
        customer = store.tenants[NONE]
        client = st.ServicePrincipal(id=store.new_guid(), app_id=store.partner.app.client_id)
        resource = st.ServicePrincipal(id=store.new_guid(), app_id=SHAREPOINT_APP)
        customer.service_principals.update({client.id: client, resource.id: resource})
        grant_id = store.new_grant_id()
        customer.grants[grant_id] = st.Grant(id=grant_id, client_id=client.id, consent_type="AllPrincipals",
                                             resource_id=resource.id, scope="AllSites.FullControl")
    before = world.holdings(NONE)
    run = consent(world, NONE)
    assert run.rc != 0
    assert "allow_destructive" in run.task("consent")["msg"]
    assert pc_calls(world) == [("POST", 409)]
    world.assert_nothing_lost(NONE, before)
