"""A module run in the worker hands back what a module process hands back: its result crosses the same JSON boundary
(the module-side encoder, ansible-core's own parsing, internal keys removed), its connections are closed, a
DISPLAY_TRACEBACK traceback is kept, and another interpreter is never replaced by the controller's.

A small test collection holds a module built on CspModule whose result carries a tuple, a set, bytes and an
internal key, with the collection's action plugin in front of it."""
import os
import sys
import textwrap

from tests.integration.conftest import dump
from tests.integration.test_in_process import SENT

MODULE = '''
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule


def main_logic(module):
    if module.params["crash"]:
        raise RuntimeError("boom in the module")
    return dict(changed=False, pair=(1, "two"), members={"only"}, raw=b"bytes", nested=dict(t=(3,)),
                _ansible_notify=["a handler"], echo=module.params["echo"], echo_list=module.params["items"],
                echo_map=module.params["mapping"])


def main():
    CspModule(argument_spec=dict(crash=dict(type="bool", default=False), echo=dict(type="str"),
                                 items=dict(type="list", elements="str"), mapping=dict(type="dict")),
              require_tenant=False,
              require_credentials=False).run(main_logic)


if __name__ == "__main__":
    main()
'''
ACTION = '''
from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    pass
'''


def make_test_collection(tmp_path, module=MODULE, name="echo_types"):
    """csp_test.inproc with the module ``name`` (source ``module``) behind the collection's in-process action plugin;
    returns the collections path to add."""
    root = tmp_path / "extra" / "ansible_collections" / "csp_test" / "inproc"
    for folder, text in (("modules", module), ("action", ACTION)):
        (root / "plugins" / folder).mkdir(parents=True, exist_ok=True)
        (root / "plugins" / folder / ("%s.py" % name)).write_text(textwrap.dedent(text))
    (root / "galaxy.yml").write_text("namespace: csp_test\nname: inproc\nversion: 0.0.1\nauthors: [t]\nreadme: x\n")
    return str(tmp_path / "extra")


def run_echo(sb, tmp_path, env=None, crash=False, extra_vars=None, verbosity=3):
    paths = "%s:%s" % (make_test_collection(tmp_path), sb.collections)
    return sb.play("""
        - name: echo
          csp_test.inproc.echo_types:
            crash: %s
            echo: "{{ 'from ' + 'a template' }}"
            items: ["{{ inventory_hostname }}", plain]
            mapping: {quota: 49GB, days: 14, flags: [true, "{{ 1 + 1 }}"]}
    """ % crash, verbosity=verbosity, env=dict(env or {}, ANSIBLE_COLLECTIONS_PATH=paths), extra_vars=extra_vars)


def ran_as_module(run):
    return "%s " % SENT in run.stdout and "/echo_types.py" in run.stdout


def comparable(result):
    return dict((k, v) for k, v in result.items() if k not in ("invocation", "http_stats"))


def test_a_result_with_tuples_sets_and_bytes_comes_back_as_from_a_module_process(sb, tmp_path):
    worker = run_echo(sb, tmp_path)
    module = run_echo(sb, tmp_path, env={"CSP_IN_PROCESS": "false"})
    assert worker.rc == 0 and module.rc == 0, dump(worker) + dump(module)
    assert not ran_as_module(worker) and ran_as_module(module)
    got = comparable(worker.task("echo"))
    assert got == comparable(module.task("echo")), (got, module.task("echo"))
    assert got["pair"] == [1, "two"] and got["members"] == ["only"] and got["raw"] == "bytes"
    assert got["nested"] == {"t": [3]} and "_ansible_notify" not in got
    # Values from the playbook carry ansible-core's origin and trust tags; they come back as plain values.
    assert got["echo"] == "from a template" and got["echo_list"] == ["localhost", "plain"]
    assert got["echo_map"] == {"quota": "49GB", "days": 14, "flags": [True, 2]}


def test_display_traceback_keeps_the_traceback_of_a_failure_in_the_worker(sb, tmp_path):
    plain = run_echo(sb, tmp_path, crash=True)
    assert plain.rc != 0 and "boom in the module" in plain.task("echo")["msg"], dump(plain)
    assert "Traceback" not in plain.stdout
    traced = run_echo(sb, tmp_path, crash=True, env={"ANSIBLE_DISPLAY_TRACEBACK": "error"})
    assert traced.rc != 0 and not ran_as_module(traced), dump(traced)
    assert "RuntimeError: boom in the module" in traced.stdout + traced.stderr, dump(traced)
    assert "main_logic" in traced.stdout + traced.stderr, dump(traced)


def test_another_interpreter_runs_the_module_itself(sb, tmp_path):
    # The same Python binary linked from another directory stands for another virtualenv: its packages may differ,
    # so the controller's worker must not run the module in its place.
    other = tmp_path / "other-venv" / "bin"
    other.mkdir(parents=True)
    os.symlink(os.path.realpath(sys.executable), str(other / "python3"))
    run = run_echo(sb, tmp_path, extra_vars={"ansible_python_interpreter": str(other / "python3")}, verbosity=4)
    assert run.rc == 0 and ran_as_module(run), dump(run)
    assert "ansible_python_interpreter is %s" % (other / "python3") in run.stdout
    assert comparable(run.task("echo"))["members"] == ["only"]
    same = run_echo(sb, tmp_path, extra_vars={"ansible_python_interpreter": sys.executable})
    assert same.rc == 0 and not ran_as_module(same), dump(same)
    vouched = run_echo(sb, tmp_path, extra_vars={"ansible_python_interpreter": str(other / "python3"),
                                                 "csp_exchange_in_process": True})
    assert vouched.rc == 0 and not ran_as_module(vouched), dump(vouched)
