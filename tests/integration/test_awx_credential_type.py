"""The AWX / Automation Platform credential type (docs/examples/awx-credential-type.yml): its injectors, rendered the
way the controller renders them, give a job everything it needs, and every secret is a secret field."""
import os

import jinja2
import pytest
import yaml

from tests import harness
from tests.integration.conftest import dump
from plugins.module_utils.module import AUTH_ARGSPEC

CREDENTIAL_TYPE = os.path.join(harness.ROOT, "docs", "examples", "awx-credential-type.yml")
PER_RUN = {"CSP_TENANT", "CSP_TOKEN_CACHE"}       # per host / per controller, not credentials


def load():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def inject(credential_type, inputs, directory):
    """The job environment AWX makes: file templates written out, their paths as tower.filename.<name>."""
    values = dict((f["id"], inputs.get(f["id"], f.get("default", ""))) for f in credential_type["inputs"]["fields"])
    filenames = {}
    for key, template in credential_type["injectors"].get("file", {}).items():
        name = key.split(".", 1)[1]
        path = os.path.join(str(directory), name)
        with open(path, "w") as handle:
            handle.write(jinja2.Template(template).render(**values))
        filenames[name] = path
    return dict((var, jinja2.Template(template).render(tower={"filename": filenames}, **values))
                for var, template in credential_type["injectors"]["env"].items())


def test_every_credential_variable_is_injected_and_every_secret_is_secret():
    credential_type = load()
    fallbacks = set(spec["fallback"][1][0] for spec in AUTH_ARGSPEC.values() if "fallback" in spec)
    assert set(credential_type["injectors"]["env"]) == fallbacks - PER_RUN
    fields = dict((f["id"], f) for f in credential_type["inputs"]["fields"])
    secrets = set(name for name, spec in AUTH_ARGSPEC.items() if spec.get("no_log")) - {"access_token"}
    assert secrets - {"client_certificate_passphrase"} <= set(fields)
    assert all(fields[name].get("secret") for name in secrets)
    assert fields["client_certificate"].get("secret") and fields["client_certificate"].get("multiline")


@pytest.mark.parametrize("credential", ["secret", "certificate"])
def test_a_job_with_the_credential_reaches_the_customer(sb, tmp_path, credential):
    env = dict((k, v) for k, v in sb.env.items() if not k.startswith("CSP_"))
    sandbox = sb.running.env
    with open(sandbox["CSP_CA_PATH"]) as handle:
        inputs = {"partner_tenant": sandbox["CSP_PARTNER_TENANT"], "client_id": sandbox["CSP_CLIENT_ID"],
                  "refresh_token": sandbox["CSP_REFRESH_TOKEN"], "endpoints": sandbox["CSP_ENDPOINTS"],
                  "ca_certificate": handle.read()}
    if credential == "secret":
        inputs["client_secret"] = sandbox["CSP_CLIENT_SECRET"]
    else:
        with open(sandbox["CSP_CLIENT_CERTIFICATE_PATH"]) as handle:
            inputs["client_certificate"] = handle.read()
    env.update(inject(load(), inputs, tmp_path))
    assert not env["CSP_CLIENT_CERTIFICATE_PATH" if credential == "secret" else "CSP_CLIENT_SECRET"]
    play = tmp_path / "play.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: domain\n"
                    "      csp.exchange.tenant_initial_domain: {tenant: contoso.com}\n")
    run = harness.run_playbook(str(play), env)       # only the credential's CSP_* variables
    assert run.rc == 0, dump(run)
    assert run.task("domain")["initial_domain"].endswith(".onmicrosoft.com")
