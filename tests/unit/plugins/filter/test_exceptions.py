"""The filters as Ansible loads them: found by name, refusing with an AnsibleFilterError, warning through Display."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible.plugins.loader import filter_loader

EXCEPTION = {"ref": "organization.AuditDisabled", "owner": "alice", "reason": "r", "expires": "2027-03-31"}


def flt(name):
    return filter_loader.get("csp.exchange.%s" % name).j2_function


def test_the_filters_load_and_refuse_with_a_filter_error():
    assert flt("exceptions_checked")([EXCEPTION], as_of="2027-04-01")[0]["expired"] is True
    with pytest.raises(AnsibleFilterError, match="owner is missing"):
        flt("exceptions_checked")([dict(EXCEPTION, owner="")])


def test_an_unknown_rule_warns_through_display(monkeypatch):
    seen = []
    monkeypatch.setattr("ansible.utils.display.Display.warning", lambda self, msg, *a, **k: seen.append(msg))
    checked = flt("exceptions_checked")([dict(EXCEPTION, ref="other_role.EwsEnabled")])
    split = flt("exceptions_split_rules")([{"name": "organization", "object": "OrganizationConfig",
                                            "settings": {"AuditDisabled": False}}], checked)
    assert split["held"] == [] and "other_role.EwsEnabled names no rule" in seen[0]


def test_a_clock_set_back_never_revives_an_expired_exception():
    # Review #23: -e csp_exceptions_as_of=2019-06-01 (a value left in a CI job) read an exception that expired in
    # 2020 as live: accepted in the drift, SCuBA and fleet reports, a pass in JUnit, and baseline.yml quiet.
    lapsed = dict(EXCEPTION, expires="2020-01-01")
    assert flt("exceptions_checked")([lapsed], as_of="2019-06-01")[0]["expired"] is True
    assert flt("exceptions_checked")([dict(EXCEPTION, expires="2999-01-01")], as_of="2019-06-01")[0]["expired"] is False
    with pytest.raises(AnsibleFilterError, match="csp_exceptions_as_of must be an ISO 8601 date"):
        flt("exceptions_checked")([EXCEPTION], as_of="next month")
