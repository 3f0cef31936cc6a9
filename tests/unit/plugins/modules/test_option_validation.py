"""Property-based tests of option validation: bad tenants, cmdlet names, parameter values and settings of every kind
end in one clean fail_json that names the field, with no traceback and no HTTP request.

Each example runs a module's real ``main()`` in-process with ansible-core's ``patch_module_args``; HTTP is cut at
``Transport.send_once`` (and below it at http.client's connect), raising a BaseException that no module code can swallow.
"""
import contextlib
import json
import math
import re
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.csp.exchange.plugins.module_utils.http import transport
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import DOMAIN_RE, GUID_RE
from ansible_collections.csp.exchange.plugins.modules import exo_command, exo_consent, exo_settings, exo_token

FAST = hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CREDENTIALS = dict(client_id="33333333-3333-3333-3333-333333333333", client_secret="unit-test-secret-value",
                   refresh_token="unit-test-refresh-token")


class HttpAttempted(BaseException):
    """Raised if a request is about to be sent (BaseException: `except Exception` in the module cannot hide it)."""


class Exited(Exception):
    pass


class Failed(Exception):
    pass


def _exit_json(self, **kwargs):
    raise Exited(kwargs)


def _fail_json(self, msg, **kwargs):
    raise Failed(dict(kwargs, msg=msg))


def _no_http(*args, **kwargs):
    raise HttpAttempted("an HTTP request was attempted")


def run_module(module, args):
    """Run ``module.main()`` with ``args``; returns the fail_json result (fails the test on success or traceback)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args(dict(CREDENTIALS, **args)))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json))
        stack.enter_context(mock.patch.object(transport.Transport, "send_once", _no_http))
        stack.enter_context(mock.patch("http.client.HTTPConnection.connect", _no_http))
        result = None
        try:
            module.main()
        except Failed as exc:
            result = exc.args[0]
        except Exited as exc:
            pytest.fail("the module succeeded with invalid input: %r" % (exc.args[0],))
        assert result is not None, "the module neither exited nor failed"
    msg = result["msg"]
    assert isinstance(msg, str) and msg.strip() and "\n" not in msg.strip(), msg
    assert "Traceback" not in msg and not msg.startswith("Unexpected "), msg      # not the catch-all failure
    assert "exception" not in result, result
    assert "unit-test-secret-value" not in json.dumps(result, default=str)
    return result


def names(result, field):
    assert field.lower() in result["msg"].lower(), "%r not named in: %s" % (field, result["msg"])


# -- strategies ------------------------------------------------------------------------------------------
# Printable text: Ansible itself echoes a bad choice back verbatim and refuses NUL bytes before any module code runs
# (its syslog of the invocation), so control characters would only test ansible-core.
TEXT = st.characters(blacklist_categories=("Cc", "Cs"))


def text(**kwargs):
    return st.text(alphabet=TEXT, **kwargs)


def _not_tenant(value):
    text = value.strip()
    return not (GUID_RE.match(text) or DOMAIN_RE.match(text))


bad_tenants = text(min_size=1, max_size=40).filter(lambda v: v.strip() and _not_tenant(v))
CMDLET = re.compile(r"^[A-Za-z]+-[A-Za-z0-9]+$")
bad_cmdlets = text(max_size=30).filter(lambda v: not CMDLET.match(v))
non_finite = st.sampled_from([float("nan"), float("inf"), float("-inf")])
junk = text(min_size=1, max_size=20).filter(lambda v: v.strip() and v.strip().lower() not in ("unlimited",))

SIZE_PROPERTIES = ["ProhibitSendQuota", "IssueWarningQuota", "MaxSendSize", "ArchiveQuota"]
TIMESPAN_PROPERTIES = ["RetainDeletedItemsFor", "AuditLogAgeLimit", "ActivityBasedAuthenticationTimeoutInterval"]
TRISTATE_PROPERTIES = ["SmtpClientAuthenticationDisabled", "EwsEnabled", "FocusedInboxOn"]


def invalid_size():
    return junk.filter(lambda v: not re.match(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB)\s*$", v, re.I)
                       and not re.match(r"^\s*[\d.,]+\s*[KMGT]?B\s*\(([\d,]+) bytes\)\s*$", v, re.I)) | st.booleans()


def invalid_timespan():
    return junk.filter(lambda v: not v.strip().isdigit()
                       and not re.match(r"^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$", v)) \
        | st.booleans() | non_finite


def invalid_bool():
    return junk.filter(lambda v: v.strip().lower().lstrip("$") not in ("true", "false", "1", "0", "yes", "no"))


# -- connection options (every module) ------------------------------------------------------------------

@FAST
@given(tenant=bad_tenants)
def test_bad_tenant_is_named(tenant):
    names(run_module(exo_command, dict(tenant=tenant, cmdlet="Get-Mailbox")), "tenant")


@FAST
@given(timeout=st.integers(max_value=0), module=st.sampled_from([exo_command, exo_token]))
def test_non_positive_timeout_is_named(timeout, module):
    args = dict(tenant="contoso.com", timeout=timeout)
    if module is exo_command:
        args["cmdlet"] = "Get-Mailbox"
    names(run_module(module, args), "timeout")


@FAST
@given(max_retries=st.integers(max_value=-1))
def test_negative_max_retries_is_named(max_retries):
    names(run_module(exo_token, dict(tenant="contoso.com", max_retries=max_retries)), "max_retries")


@FAST
@given(cloud=text(max_size=12).filter(lambda v: v not in ("global", "usgov_high", "usgov_dod", "china")))
def test_unknown_cloud_is_named(cloud):
    names(run_module(exo_token, dict(tenant="contoso.com", cloud=cloud)), "cloud")


@FAST
@given(key=text(min_size=1, max_size=12).filter(lambda k: k not in ("login", "graph", "exchange", "partner_center")))
def test_unknown_endpoint_key_is_named(key):
    names(run_module(exo_token, dict(tenant="contoso.com", endpoints={key: "https://127.0.0.1:1"})), "endpoints")


def test_missing_credentials_are_named():
    with mock.patch.dict(CREDENTIALS, client_secret=None, refresh_token="rt-value-long"):
        result = run_module(exo_token, dict(tenant="contoso.com", client_secret=None))
    names(result, "client_secret")


# -- exo_command ----------------------------------------------------------------------------------------

@FAST
@given(cmdlet=bad_cmdlets)
def test_bad_cmdlet_name_is_named(cmdlet):
    names(run_module(exo_command, dict(tenant="contoso.com", cmdlet=cmdlet)), "cmdlet")


@FAST
@given(value=non_finite, name=st.from_regex(r"\A[A-Z][A-Za-z]{1,15}\Z"),
       nest=st.sampled_from(["plain", "list", "dict"]))
def test_non_json_parameter_values_are_named(value, name, nest):
    wrapped = {"plain": value, "list": [1, value], "dict": {"Add": value}}[nest]
    result = run_module(exo_command, dict(tenant="contoso.com", cmdlet="Set-Mailbox",
                                          parameters={"Identity": "a", name: wrapped}))
    names(result, "parameters")


@FAST
@given(result_size=text(max_size=10).filter(
    lambda v: v.strip().lower() != "unlimited" and not (v.strip().isascii() and v.strip().isdigit() and int(v.strip()) > 0)))
def test_bad_result_size_is_named(result_size):
    names(run_module(exo_command, dict(tenant="contoso.com", cmdlet="Get-Mailbox", result_size=result_size)),
          "result_size")


@FAST
@given(page_size=st.integers().filter(lambda v: not 1 <= v <= 1000))
def test_bad_page_size_is_named(page_size):
    names(run_module(exo_command, dict(tenant="contoso.com", cmdlet="Get-Mailbox", page_size=page_size)), "page_size")


@FAST
@given(verb=st.sampled_from(["Remove", "Disable", "Clear", "Uninstall", "Unregister", "Revoke", "remove"]),
       noun=st.from_regex(r"\A[A-Z][A-Za-z]{2,12}\Z"))
def test_destructive_verb_is_refused_before_any_request(verb, noun):
    result = run_module(exo_command, dict(tenant="contoso.com", cmdlet="%s-%s" % (verb, noun),
                                          parameters={"Identity": "x"}))
    names(result, "allow_destructive")


def _not_number(text):
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return True


# -- exo_settings: settings of every kind ---------------------------------------------------------------

def settings_args(settings, **extra):
    return dict(dict(tenant="contoso.com", object="Mailbox", settings=settings), **extra)


@FAST
@given(name=st.sampled_from(SIZE_PROPERTIES), value=invalid_size())
def test_invalid_size_names_the_setting(name, value):
    names(run_module(exo_settings, settings_args({name: value})), name)


@FAST
@given(name=st.sampled_from(TIMESPAN_PROPERTIES), value=invalid_timespan())
def test_invalid_timespan_names_the_setting(name, value):
    names(run_module(exo_settings, settings_args({name: value})), name)


@FAST
@given(name=st.sampled_from(TRISTATE_PROPERTIES), value=invalid_bool())
def test_invalid_boolean_names_the_setting(name, value):
    names(run_module(exo_settings, settings_args({name: value})), name)


@FAST
@given(value=junk.filter(_not_number) | non_finite)
def test_invalid_count_names_the_setting(value):
    names(run_module(exo_settings, settings_args({"RecipientLimits": value})), "RecipientLimits")


@FAST
@given(ops=st.sets(st.sampled_from(["set", "add", "remove", "Add", "REMOVE"]), min_size=2, max_size=3),
       name=st.sampled_from(["EmailAddresses", "GrantSendOnBehalfTo", "AuditOwner"]))
def test_more_than_one_list_operation_names_the_setting(ops, name):
    if len(set(o.lower() for o in ops)) < 2:
        return
    result = run_module(exo_settings, settings_args({name: dict((op, ["x@contoso.com"]) for op in ops)}))
    names(result, name)


@FAST
@given(name=text(min_size=1, max_size=20).filter(lambda v: not re.match(r"^[A-Za-z][A-Za-z0-9]*$", v)))
def test_setting_names_that_are_not_property_names_are_named(name):
    names(run_module(exo_settings, settings_args({name: True})), "settings")


@FAST
@given(noun=text(max_size=20).filter(lambda v: not re.match(r"^[A-Za-z][A-Za-z0-9]*$", v)))
def test_bad_object_noun_is_named(noun):
    names(run_module(exo_settings, settings_args({"AuditEnabled": True}, object=noun)), "object")


@FAST
@given(max_changes=st.integers(max_value=-1))
def test_negative_max_changes_is_named(max_changes):
    names(run_module(exo_settings, settings_args({"AuditEnabled": True}, max_changes=max_changes)), "max_changes")


def test_empty_settings_are_named():
    names(run_module(exo_settings, settings_args({})), "settings")


def test_identity_and_filter_together_are_named():
    result = run_module(exo_settings, settings_args({"AuditEnabled": True}, identity=["a"], filter="Name -eq 'a'"))
    names(result, "identity") and names(result, "filter")


# -- exo_consent -----------------------------------------------------------------------------------------

@FAST
@given(scopes=st.lists(text(max_size=12), min_size=1, max_size=3).filter(
    lambda ss: any(not s or " " in s or "," in s for s in ss)))
def test_bad_consent_scopes_are_named(scopes):
    names(run_module(exo_consent, dict(tenant="contoso.com", scopes=scopes)), "scopes")
