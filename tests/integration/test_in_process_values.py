"""A module run in the worker and the same module as a module process agree on datetimes, vault-encrypted and
!unsafe arguments and nested no_log values, and a crash's traceback keeps no_log values masked."""
import subprocess
import textwrap

from tests.integration.conftest import dump
from tests.integration.test_in_process_boundary import comparable, make_test_collection

SECRET = "Nested-Secret-canary-9817"
MODULE = '''
import datetime
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule


def main_logic(module):
    p = module.params
    if p["crash"]:
        raise RuntimeError("crash while holding %s" % p["conn"]["password"])
    return dict(changed=False, when=datetime.datetime(2026, 1, 2, 3, 4, 5), day=datetime.date(2026, 1, 2),
                echo=p["echo"], conn=p["conn"], raw=p["raw"], listed=p["listed"])


def main():
    CspModule(argument_spec=dict(
        crash=dict(type="bool", default=False), echo=dict(type="str"), raw=dict(type="raw"),
        listed=dict(type="list", elements="dict", options=dict(key=dict(type="str", no_log=True))),
        conn=dict(type="dict", options=dict(user=dict(type="str"), password=dict(type="str", no_log=True)))),
        require_tenant=False, require_credentials=False).run(main_logic)


if __name__ == "__main__":
    main()
'''


def make(tmp_path):
    return make_test_collection(tmp_path, MODULE, "echo2")


def vault_block(tmp_path):
    from tests import harness
    vault_pw = tmp_path / "vault-pass"
    vault_pw.write_text("pw\n")
    out = subprocess.run([harness._tool("ansible-vault"), "encrypt_string", "--vault-password-file", str(vault_pw),
                          "vaulted-value-7781", "--name", "vaulted"], capture_output=True, text=True, check=True).stdout
    return str(vault_pw), out


def run(sb, tmp_path, env=None, crash=False, verbosity=0, extra_vars=None):
    paths = "%s:%s" % (make(tmp_path), sb.collections)
    vault_pw, vaulted = vault_block(tmp_path)
    vaulted = textwrap.indent(vaulted.strip(), "    ")
    return sb.play("""
- name: vars
  set_fact:
    unsafe_one: !unsafe "{{ not a template }}"
- name: echo
  csp_test.inproc.echo2:
    crash: %s
    echo: "{{ unsafe_one }}"
    raw: {v: "{{ vaulted }}", d: "{{ now(utc=true) }}", w: "{{ vaulted }}"}
    listed: [{key: %s}]
    conn: {user: me, password: %s}
  vars:
%s
""" % (crash, SECRET, SECRET, vaulted), verbosity=verbosity,
        env=dict(env or {}, ANSIBLE_COLLECTIONS_PATH=paths, ANSIBLE_VAULT_PASSWORD_FILE=vault_pw),
        extra_vars=extra_vars)


def test_worker_matches_module_process_for_datetime_vault_unsafe_and_nested_no_log(sb, tmp_path):
    worker = run(sb, tmp_path)
    module = run(sb, tmp_path, env={"CSP_IN_PROCESS": "false"})
    assert worker.rc == 0 and module.rc == 0, dump(worker) + dump(module)
    got, want = comparable(worker.task("echo")), comparable(module.task("echo"))
    got["raw"].pop("d"), want["raw"].pop("d")
    assert got == want
    assert got["when"] == "2026-01-02T03:04:05" and got["echo"] == "{{ not a template }}"
    assert SECRET not in worker.stdout + worker.stderr


def test_traceback_of_a_crash_keeps_nested_no_log_values_masked(sb, tmp_path):
    for env in ({}, {"CSP_IN_PROCESS": "false"}):
        crashed = run(sb, tmp_path, crash=True, verbosity=4, env=dict(env, ANSIBLE_DISPLAY_TRACEBACK="always"))
        assert crashed.rc != 0 and "crash while holding" in crashed.stdout + crashed.stderr, dump(crashed)
        assert SECRET not in crashed.stdout + crashed.stderr, (env, dump(crashed))
