"""The msal / requests layer end to end against the sandbox: a skewed controller clock, a claims challenge,
certificates as partners really store them, proxies, and trust that environment variables cannot replace."""
import datetime
import json
import re
import ssl

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.integration.conftest import CONTOSO, FABRIKAM, dump
from tests.proxy import TunnelProxy

READS = """
- name: organization of {tenant} ({n})
  csp.exchange.exo_command: {{tenant: {tenant}, cmdlet: Get-OrganizationConfig}}
"""


def reads(*tenants, rounds=3):
    return "".join(READS.format(tenant=t, n=n) for n in range(rounds) for t in tenants)


def token_requests(sb, tenant=None):
    return [e for e in sb.log(service="identity", tenant=tenant) if e["grant_type"]]


@pytest.mark.parametrize("controller_ahead_s", [3600, -3600])
def test_a_skewed_controller_clock_costs_one_token_request_per_tenant(sb, tmp_path, controller_ahead_s):
    # The identity platform and Exchange run on the sandbox's clock; the controller is an hour ahead or behind.
    sb.sandbox.clock.advance(-controller_ahead_s)
    run = sb.play(reads("contoso.onmicrosoft.com", FABRIKAM),
                  env={"CSP_TOKEN_CACHE": str(tmp_path / "tokens.json")})
    assert run.rc == 0, dump(run)
    assert len(token_requests(sb, CONTOSO)) == 1 and len(token_requests(sb, FABRIKAM)) == 1
    assert all(e["status"] == 200 for e in sb.log(service="exchange"))


@pytest.mark.parametrize("mode", ["delegated", "app_only"])
def test_a_claims_challenge_is_answered_once_with_the_claims(sb, mode):
    sb.sandbox.faults.update(service="exchange", tenant=CONTOSO, claims_challenge="c1")
    run = sb.play("""
        - name: read
          csp.exchange.exo_command: {tenant: contoso.onmicrosoft.com, cmdlet: Get-OrganizationConfig, auth_mode: %s}
          register: org
        - name: write
          csp.exchange.exo_settings:
            tenant: contoso.onmicrosoft.com
            auth_mode: %s
            object: Mailbox
            identity: admin
            settings: {CustomAttribute1: claims}
    """ % (mode, mode))
    assert run.rc == 0, dump(run)
    statuses = [e["status"] for e in sb.log(service="exchange", tenant=CONTOSO) if not e["batch_item"]]
    # Per task: the first token is refused with the challenge, the one asked for with its claims serves the rest.
    assert statuses.count(401) == 2 and statuses[0] == 401 and statuses[-1] == 200, statuses
    assert len(token_requests(sb, CONTOSO)) == 4
    assert run.task("write")["changed"]


def _app_key_and_cert(sb):
    """The sandbox app's private key (loaded) and its certificate (PEM text)."""
    text = open(sb.running.env["CSP_CLIENT_CERTIFICATE_PATH"]).read()
    key = re.search(r"-----BEGIN (?:RSA )?PRIVATE KEY-----.+?-----END (?:RSA )?PRIVATE KEY-----", text, re.S).group(0)
    cert = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S).group(0)
    return serialization.load_pem_private_key(key.encode(), password=None), cert


def _unrelated_ca_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some Issuing CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("passphrase", [None, "sandbox-only passphrase"])
def test_a_chain_first_pem_and_an_encrypted_key(sb, tmp_path, passphrase):
    key, cert_block = _app_key_and_cert(sb)
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()
    path = tmp_path / "app-chain.pem"
    path.write_text(_unrelated_ca_pem() + key_pem + cert_block + "\n")     # an issuer first, as chain exports do
    path.chmod(0o600)
    env = {"CSP_CLIENT_CERTIFICATE_PATH": str(path), "CSP_CLIENT_SECRET": ""}
    if passphrase:
        env["CSP_CLIENT_CERTIFICATE_PASSPHRASE"] = passphrase
    run = sb.play(reads("contoso.onmicrosoft.com", rounds=1), env=env, verbosity=3)
    assert run.rc == 0, dump(run)
    assert [e["status"] for e in token_requests(sb)] == [200]
    assert passphrase is None or passphrase not in run.stdout + run.stderr
    if passphrase:
        env.pop("CSP_CLIENT_CERTIFICATE_PASSPHRASE")
        run = sb.play(reads("contoso.onmicrosoft.com", rounds=1), env=env)
        failed = run.task("organization of contoso.onmicrosoft.com (0)")
        assert run.rc != 0 and "set client_certificate_passphrase" in failed["msg"]
        assert len(token_requests(sb)) == 1          # refused before any request


@pytest.fixture
def unrelated_bundle(tmp_path):
    path = tmp_path / "unrelated-bundle.pem"
    path.write_text(_unrelated_ca_pem())
    return str(path)


def test_requests_ca_bundle_cannot_replace_the_trust_ca_path_asks_for(sb, unrelated_bundle):
    run = sb.play(reads("contoso.onmicrosoft.com", rounds=1),
                  env={"REQUESTS_CA_BUNDLE": unrelated_bundle, "CURL_CA_BUNDLE": unrelated_bundle})
    assert run.rc == 0, dump(run)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_through_a_proxy_with_credentials_and_around_it_with_no_proxy(sb, tmp_path, scheme):
    context = None
    bundle = sb.running.env["CSP_CA_PATH"]
    if scheme == "https":
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        bundle = str(tmp_path / "sandbox-and-proxy-ca.pem")
        with open(bundle, "w") as handle:        # ca_path trusts the sandbox and the proxy's own certificate
            handle.write(open(sb.running.env["CSP_CA_PATH"]).read() + ca.cert_pem.bytes().decode())
    proxy = TunnelProxy("svc-ansible", "proxy p@ss", context)
    try:
        env = {"HTTPS_PROXY": proxy.url("svc-ansible", "proxy%20p%40ss"), "NO_PROXY": "", "CSP_CA_PATH": bundle}
        run = sb.play(reads("contoso.onmicrosoft.com", rounds=1), env=env, verbosity=3)
        assert run.rc == 0, dump(run)
        port = json.loads(sb.running.env["CSP_ENDPOINTS"])["exchange"].rsplit(":", 1)[1]
        assert proxy.tunnels and set(proxy.tunnels) == {"127.0.0.1:%s" % port}
        assert "proxy p@ss" not in run.stdout + run.stderr and "proxy%20p%40ss" not in run.stdout + run.stderr
        before = len(proxy.tunnels)
        env["NO_PROXY"] = "localhost,127.0.0.0/8"            # a CIDR entry, as requests reads NO_PROXY
        run = sb.play(reads("contoso.onmicrosoft.com", rounds=1), env=env)
        assert run.rc == 0, dump(run)
        assert len(proxy.tunnels) == before
        env.update(NO_PROXY="", HTTPS_PROXY=proxy.url("svc-ansible", "wrong"))
        run = sb.play(reads("contoso.onmicrosoft.com", rounds=1), env=env)
        assert run.rc != 0 and proxy.refused            # 407: a proxy refusal, reported, its credentials not
        assert "wrong@" not in run.task("organization of contoso.onmicrosoft.com (0)")["msg"]
    finally:
        proxy.stop()
