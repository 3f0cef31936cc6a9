"""partner_app: the partner's app registration gains the permissions the collection needs, keeping the rest;
check mode and diff write nothing, a second run changes nothing."""
from tests.integration.conftest import dump

EXCHANGE_MANAGE = "ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c"
USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
GRAPH_APP = "00000003-0000-0000-c000-000000000000"
TASK = """
    - name: app
      csp.exchange.partner_app: {}
"""


def declared(sb):
    with sb.sandbox.store.lock:
        return dict((r["resourceAppId"], sorted(a["id"] for a in r["resourceAccess"]))
                    for r in sb.sandbox.store.partner.app.required_resource_access)


def test_missing_permissions_are_added_once_and_others_kept(sb):
    before = declared(sb)
    check = sb.play(TASK, check=True, diff=True)
    assert check.rc == 0, dump(check)
    result = check.task("app")
    assert result["changed"]
    assert {m["resource_app_id"]: m["scopes"] for m in result["missing_before"]} == {
        "00000002-0000-0ff1-ce00-000000000000": ["Exchange.Manage"],
        GRAPH_APP: ["DelegatedPermissionGrant.ReadWrite.All", "DelegatedAdminRelationship.Read.All"],
        "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd": ["user_impersonation"]}
    assert result["diff"]["before"]["requiredResourceAccess"][0]["resourceAppId"] == GRAPH_APP
    assert sb.writes() == [] and declared(sb) == before

    applied = sb.play(TASK)
    assert applied.rc == 0 and applied.task("app")["changed"], dump(applied)
    assert [(e["method"], e["path"].split("/")[2]) for e in sb.writes()] == [("PATCH", "applications")]
    after = declared(sb)
    assert USER_READ in after[GRAPH_APP] and set(before[GRAPH_APP]) <= set(after[GRAPH_APP])
    assert after["00000002-0000-0ff1-ce00-000000000000"] == [EXCHANGE_MANAGE]

    sb.sandbox.log.clear()
    again = sb.play(TASK)
    assert again.rc == 0 and not again.task("app")["changed"] and again.task("app")["missing_before"] == [], dump(again)
    assert sb.writes() == []


def test_unknown_scope_name_fails_before_any_write(sb):
    run = sb.play("""
        - name: app
          csp.exchange.partner_app:
            permissions: [{resource_app_id: %s, scopes: [Mail.Send]}]
    """ % GRAPH_APP)
    assert run.rc != 0 and "give it as its GUID" in run.task("app")["msg"]
    assert sb.writes() == []
