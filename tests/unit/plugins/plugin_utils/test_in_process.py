"""The stand-in for AnsibleModule a module gets in the worker process: validation as AnsibleModule validates,
results masked as AnsibleModule masks them, and exit/fail leaving main() the way sys.exit leaves a module."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils import module as module_base
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import InProcessModule, ModuleExit

SPEC = dict(name=dict(type="str", required=True), password=dict(type="str", no_log=True),
            count=dict(type="int", default=3), mode=dict(type="str", choices=["a", "b"], aliases=["kind"]))


def build(args, check_mode=False, diff=False, invocation=False):
    return InProcessModule.factory("csp.exchange.example", (args, check_mode, diff, invocation))


def run(args, **kwargs):
    with pytest.raises(ModuleExit) as done:
        build(args, **kwargs)(argument_spec=SPEC, supports_check_mode=True).exit_json(changed=True, echo=args)
    return done.value.result


def test_parameters_are_validated_and_converted_as_ansible_module_does():
    module = build({"name": "x", "count": "7", "kind": "a"})(argument_spec=SPEC)
    assert module.params["count"] == 7 and module.params["mode"] == "a" and module.params["password"] is None


@pytest.mark.parametrize("args, words", [
    ({"name": "x", "bogus": 1}, "Unsupported parameters for (csp.exchange.example) module: bogus"),
    ({}, "missing required arguments: name"),
    ({"name": "x", "count": "many"}, "count"),
    ({"name": "x", "mode": "c"}, "value of mode must be one of: a, b"),
])
def test_bad_arguments_fail_with_ansible_modules_sentence(args, words):
    with pytest.raises(ModuleExit) as done:
        build(args)(argument_spec=SPEC)
    assert done.value.result["failed"] and words in done.value.result["msg"]


def test_no_log_values_are_masked_in_results_and_booleans_kept():
    result = run({"name": "x", "password": "hunter2-secret"})
    assert "hunter2-secret" not in repr(result)
    assert result["echo"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" and result["changed"] is True


def test_warnings_and_alias_collisions_come_back_in_the_result():
    with pytest.raises(ModuleExit) as done:
        module = build({"name": "x", "mode": "a", "kind": "a"})(argument_spec=SPEC)
        module.warn("careful")
        module.fail_json(msg="stopped", detail=1)
    result = done.value.result
    assert result["failed"] and result["msg"] == "stopped" and result["detail"] == 1
    assert result["warnings"] == ["Both option mode and its alias kind are set.", "careful"]


def test_invocation_only_when_ansible_core_would_inject_it():
    assert "invocation" not in run({"name": "x"})
    shown = run({"name": "x", "password": "hunter2-secret"}, invocation=True)["invocation"]["module_args"]
    assert shown["name"] == "x" and shown["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_check_mode_and_diff_reach_the_module():
    module = build({"name": "x"}, check_mode=True, diff=True)(argument_spec=SPEC, supports_check_mode=True)
    assert module.check_mode and module._diff
    with pytest.raises(ModuleExit) as done:
        build({"name": "x"}, check_mode=True)(argument_spec=SPEC)
    assert done.value.result["skipped"]


def test_csp_module_uses_the_stand_in_inside_the_block_only(monkeypatch):
    monkeypatch.setenv("CSP_CLIENT_SECRET", "env-secret-value")
    stand_in = build({"tenant": "contoso.onmicrosoft.com"})
    with module_base.in_process(stand_in):
        module = CspModule(argument_spec={})
    assert isinstance(module.module, InProcessModule)
    assert module.params["client_secret"] == "env-secret-value"          # env fallbacks, as in a module process
    assert "env-secret-value" in stand_in.no_log_values
    with pytest.raises(ModuleExit) as done:
        module.exit(changed=False, leaked="x env-secret-value y")
    assert "env-secret-value" not in repr(done.value.result)
    assert module_base._MODULE_CLASS == [module_base.AnsibleModule]


def test_module_exit_passes_through_except_exception():
    try:
        try:
            raise ModuleExit({"changed": False})
        except Exception:       # noqa: B902 - what CspModule.run catches must not swallow an exit
            pytest.fail("ModuleExit was caught as an Exception")
    except ModuleExit as done:
        assert done.result == {"changed": False}


def test_preload_imports_the_module_and_ignores_what_is_missing(monkeypatch):
    import sys
    from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import preload
    name = "ansible_collections.csp.exchange.plugins.modules.tenant_initial_domain"
    monkeypatch.delitem(sys.modules, name, raising=False)
    preload("tenant_initial_domain")
    assert name in sys.modules and "msal" in sys.modules
    preload("no_such_module")       # the task will run as a module process and fail there, as without preload
