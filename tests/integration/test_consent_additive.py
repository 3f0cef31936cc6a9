"""exo_consent only adds: what it reads, writes and refuses per customer state, and Partner Center's request ids
and multi-factor rule, asserted from the sandbox's state and request log."""
import uuid

from tests.integration.conftest import dump
from tests.integration.consent_world import (  # noqa: F401 fixtures # pylint: disable=unused-import
    EXCHANGE_APP, FULL, GRAPH_APP, NONE, READ_ONLY, states_server, world)

ADD = "scopes: [EWS.AccessAsUser.All]"


def consent(world, tenant, options="", check=False, env=None):
    return world.play("""
        - name: consent
          csp.exchange.exo_consent:
            tenant: %s
            %s
    """ % (tenant, options.replace("\n", "\n            ")), check=check, env=env)


def test_graph_readable_but_not_writable_writes_nothing_and_says_what_is_missing(world):
    before = world.holdings(READ_ONLY)
    for check in (True, False):
        run = consent(world, READ_ONLY, ADD, check=check)
        assert run.rc != 0, dump(run)
        message = run.task("consent")["msg"]
        assert "DelegatedPermissionGrant.ReadWrite.All" in message and "Cloud Application Administrator" in message
        assert "allow_destructive" in message and message.count(". ") == 0      # one sentence
    assert world.writes() == [] and world.log(service="partner_center") == []
    assert world.holdings(READ_ONLY) == before


def test_a_per_user_grant_blocks_the_delete_even_with_allow_destructive(world):
    world.add_user_grant(READ_ONLY)
    before, sp_id, users = world.holdings(READ_ONLY), world.app_sp_id(READ_ONLY), world.user_grants(READ_ONLY)
    run = consent(world, READ_ONLY, ADD + "\nallow_destructive: true")
    assert run.rc != 0, dump(run)
    message = run.task("consent")["msg"]
    assert "per-user grant of Exchange.Manage" in message and "88888888-0000-0000-0000-000000000001" in message
    assert world.writes() == [] and world.log(service="partner_center") == []
    assert world.holdings(READ_ONLY) == before and world.app_sp_id(READ_ONLY) == sp_id
    assert world.user_grants(READ_ONLY) == users


def test_allow_destructive_recreates_a_consent_only_when_everything_comes_back(world):
    before, sp_id = world.holdings(READ_ONLY), world.app_sp_id(READ_ONLY)
    run = consent(world, READ_ONLY, ADD + "\nallow_destructive: true")
    assert run.rc == 0, dump(run)
    assert run.task("consent")["method"] == "partner_center"
    assert [(e["method"], e["status"]) for e in world.log(service="partner_center")] == [("DELETE", 204), ("POST", 201)]
    assert world.app_sp_id(READ_ONLY) != sp_id          # a new service principal, with every grant it had
    world.assert_nothing_lost(READ_ONLY, before)
    assert (EXCHANGE_APP, "EWS.AccessAsUser.All") in world.holdings(READ_ONLY)["grants"]
    world.sandbox.log.clear()
    again = consent(world, READ_ONLY, ADD + "\nallow_destructive: true")
    assert again.rc == 0 and not again.task("consent")["changed"], dump(again)
    assert world.writes() == []


def test_the_graph_path_keeps_the_service_principal_and_every_grant(world):
    world.add_user_grant(FULL)
    before, sp_id, users = world.holdings(FULL), world.app_sp_id(FULL), world.user_grants(FULL)
    for method in ("partner_center", "auto"):      # Partner Center only creates: an installed app goes through Graph
        run = consent(world, FULL, ADD + "\nmethod: %s" % method)
        assert run.rc == 0, dump(run)
    assert world.app_sp_id(FULL) == sp_id and world.user_grants(FULL) == users
    world.assert_nothing_lost(FULL, before)
    assert [(e["method"], e["path"].split("/")[2]) for e in world.writes()] == [("PATCH", "oauth2PermissionGrants")]
    assert world.log(service="partner_center") == []
    world.sandbox.log.clear()
    again = consent(world, FULL, ADD)
    assert again.rc == 0 and not again.task("consent")["changed"], dump(again)
    assert world.writes() == []


def test_a_partner_token_without_mfa_gets_one_request_and_the_sentence(world):
    token = world.sandbox.store.partner  # the seed's token of a sign-in without multi-factor authentication
    no_mfa = "0.AAAA-sandbox-partner-refresh-token-no-mfa"
    assert no_mfa in world.sandbox.store.refresh_tokens and token.tenant_id
    run = consent(world, NONE, env={"CSP_REFRESH_TOKEN": no_mfa})
    assert run.rc != 0, dump(run)
    message = run.task("consent")["msg"]
    assert "multi-factor authentication" in message and "playbooks/onboard.yml" in message and "900421" in message
    assert [(e["method"], e["status"]) for e in world.log(service="partner_center")] == [("POST", 401)]
    assert world.holdings(NONE)["grants"] == set()


def test_partner_center_ids_are_present_and_kept_on_retry(world):
    # The consent POST is applied but its answer lost: the retry carries the same MS-RequestId, so Partner Center
    # answers it as the same request instead of a second consent.
    world.sandbox.faults.update(service="partner_center", lost_write_rate=1.0)
    first = consent(world, NONE)
    assert first.rc == 0, dump(first)
    posts = world.log(service="partner_center")
    assert [e["method"] for e in posts] == ["POST", "POST"] and posts[-1]["status"] == 201
    ids = {e["headers"]["ms-requestid"] for e in posts}
    correlations = {e["headers"]["ms-correlationid"] for e in posts}
    assert len(ids) == 1 and len(correlations) == 1
    uuid.UUID(ids.pop()), uuid.UUID(next(iter(correlations)))
    assert world.holdings(NONE)["grants"] == {(EXCHANGE_APP, "Exchange.Manage")}
    # Another run: a new correlation id; each logical request its own request id.
    world.sandbox.faults.update(service="partner_center", lost_write_rate=0.0)
    world.sandbox.log.clear()
    other = world.play("""
        - name: customers
          csp.exchange.partner_customer_info: {}
    """)
    assert other.rc == 0, dump(other)
    later = world.log(service="partner_center")
    assert later and all(e["headers"]["ms-correlationid"] not in correlations for e in later)
    assert len({e["headers"]["ms-requestid"] for e in later}) == len(later)
