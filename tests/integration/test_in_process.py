"""Direct execution: a module run in the worker process (the default for connection local) gives what the same
module gives as a module process, and the cases the worker cannot serve exactly fall back to the module process.

Which way a task ran is read from ansible-core's own output: at -vvv, ``_execute_module`` prints "Using module file"
for every module it sends, and nothing else prints it."""
import json

from tests.integration.conftest import CONTOSO, dump
from tests.integration.test_exo_settings_rules import rules_task as baseline, state

MODULE_PROCESS = {"csp_exchange_in_process": False}
SENT = "Using module file"


def ran_as_module(run, module="exo_settings"):
    return "%s " % SENT in run.stdout and ("/%s.py" % module) in run.stdout


def comparable(result):
    """A result without what differs between two correct runs (timings, ansible-core's own bookkeeping)."""
    drop = ("http_stats", "invocation", "_ansible_no_log", "_ansible_verbose_always", "_ansible_delegated_vars")
    return dict((k, v) for k, v in result.items() if k not in drop)


def test_the_worker_and_the_module_process_give_the_same_results(sb):
    before = state(sb)
    checks = {}
    for mode, extra_vars in (("worker", None), ("module", MODULE_PROCESS)):
        run = sb.play(baseline(), check=True, diff=True, verbosity=3, extra_vars=extra_vars)
        assert run.rc == 0, dump(run)
        assert ran_as_module(run) == (mode == "module"), run.stdout[-3000:]
        checks[mode] = comparable(run.task("baseline"))
    assert checks["worker"]["changed"] and checks["worker"] == checks["module"]
    assert state(sb) == before and not any(e["write"] for e in sb.log())

    applied = sb.play(baseline(), diff=True)                          # applied in the worker...
    assert applied.rc == 0, dump(applied)
    assert comparable(applied.task("baseline"))["changes"] == checks["worker"]["changes"]
    sb.sandbox.log.clear()
    again = sb.play(baseline(), extra_vars=MODULE_PROCESS)            # ...is converged for the module process
    assert again.rc == 0 and not again.task("baseline")["changed"], dump(again)
    assert not any(e["write"] for e in sb.log())


def test_bad_arguments_and_failures_read_the_same_both_ways(sb):
    cases = ["""
        - name: t
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            settings: {POPEnabled: false}
            no_such_option: 1
    """, """
        - name: t
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            settings: {AuditEnabled: true}
            rules: []
    """, """
        - name: t
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            settings: {AuditEnabled: true}
            timeout: not-a-number
    """, """
        - name: t
          csp.exchange.exo_settings:
            tenant: "not a tenant!"
            object: Mailbox
            settings: {AuditEnabled: true}
    """]
    for tasks in cases:
        worker = sb.play(tasks)
        module = sb.play(tasks, extra_vars=MODULE_PROCESS)
        assert worker.rc != 0 and module.rc != 0
        got, want = worker.task("t"), module.task("t")
        assert got.get("msg") and got.get("msg") == want.get("msg"), (got, want)
    assert sb.log() == []                                              # refused before any request


def test_no_log_values_and_warnings_are_kept_in_the_worker(sb):
    secret = sb.env["CSP_CLIENT_SECRET"]
    tasks = """
        - name: t
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            identity: [admin]
            settings: {CustomAttribute9: "%s"}
            validate_certs: false
    """ % secret
    results = {}
    for mode, extra_vars in (("worker", None), ("module", MODULE_PROCESS)):
        sb.sandbox.reset()
        run = sb.play(tasks, check=True, diff=True, extra_vars=extra_vars)
        assert run.rc == 0, dump(run)
        assert secret not in run.stdout + run.stderr + json.dumps(run.results)
        assert "validate_certs is false" in run.stdout + run.stderr
        results[mode] = comparable(run.task("t"))
    assert results["worker"] == results["module"]
    assert "********" in json.dumps(results["worker"]["changes"])


def test_what_the_worker_cannot_serve_runs_as_a_module_process(sb):
    task = """
        - name: t
          csp.exchange.tenant_initial_domain:
            tenant: %s
          %s
    """
    plain = sb.play(task % (CONTOSO, ""), verbosity=3)
    assert plain.rc == 0 and not ran_as_module(plain, "tenant_initial_domain"), dump(plain)
    for keyword in ("environment: {CSP_SOME_SETTING: '1'}", "async: 60\n          poll: 1"):
        run = sb.play(task % (CONTOSO, keyword), verbosity=3)
        assert run.rc == 0, dump(run)
        assert ran_as_module(run, "tenant_initial_domain"), keyword
        assert run.task("t")["initial_domain"] == plain.task("t")["initial_domain"]
    switched = sb.play(task % (CONTOSO, ""), verbosity=3, env={"CSP_IN_PROCESS": "false"})
    assert switched.rc == 0 and ran_as_module(switched, "tenant_initial_domain"), dump(switched)
