"""The token requests through msal: the form each grant sends, the certificate assertion, claims challenges,
lifetimes on our clock, and failures as one sentence. The identity platform is a scripted stub under msal."""
import base64
import datetime
import hashlib
import json
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.csp.exchange.plugins.module_utils.identity.tokens import TokenProvider
from ansible_collections.csp.exchange.plugins.module_utils.endpoints import Endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError, InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.redact import Redactor
from ansible_collections.csp.exchange.plugins.module_utils.http.session import HttpResponse

from ..answers import header_map

TENANT = "22222222-2222-2222-2222-222222222222"
TOKEN_URL = "https://login.microsoftonline.com/%s/oauth2/v2.0/token" % TENANT


def access_token(tid=TENANT, exp=None):
    claims = {"tid": tid, "scp": "Exchange.Manage", "exp": int(exp or time.time() + 3600)}
    return "eyJhbGciOiJub25lIn0.%s.sig" % base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")


class IdentityStub:
    """Records the token requests and answers each with the next scripted (status, document)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, headers=None, data=None, what="", **kwargs):
        self.sent.append(dict(method=method, url=url, headers=headers, form=dict(data), what=what))
        status, document = self.answers.pop(0)
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        return HttpResponse(status, header_map({"Content-Type": "application/json"}), body, url)


def provider(stub, **kwargs):
    kwargs.setdefault("client_id", "app-id")
    return TokenProvider(Endpoints(), stub, **kwargs)


def certificate_pem(tmp_path, key=None, encrypt=False):
    """A PEM with a private key (RSA unless given) and its self-signed certificate; returns (path, certificate)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "csp-exchange-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    encryption = serialization.BestAvailableEncryption(b"pw") if encrypt else serialization.NoEncryption()
    path = tmp_path / "app.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
                     + cert.public_bytes(serialization.Encoding.PEM))
    return str(path), cert


def test_delegated_grant_sends_msals_form_and_keeps_the_rotated_refresh_token():
    stub = IdentityStub((200, {"access_token": access_token(), "refresh_token": "rt-new", "expires_in": 3599}))
    redactor = Redactor(["secret-value", "rt-old"])
    tokens = provider(stub, client_secret="secret-value", refresh_token="rt-old", redactor=redactor)
    token = tokens.get("exchange", TENANT)
    assert len(stub.sent) == 1          # no discovery request: the OpenID document is built locally
    sent = stub.sent[0]
    assert sent["method"] == "POST" and sent["url"] == TOKEN_URL and sent["headers"]["Accept"] == "application/json"
    assert sent["headers"]["x-client-sku"] == "MSAL.Python"           # msal built the request
    form = dict((k, str(v)) for k, v in sent["form"].items())
    assert json.loads(form.pop("claims")) == {"access_token": {"xms_cc": {"values": ["CP1"]}}}
    assert form == {"client_id": "app-id", "client_info": "1", "grant_type": "refresh_token",
                    "refresh_token": "rt-old", "client_secret": "secret-value",
                    "scope": "https://outlook.office365.com/.default offline_access openid profile"}
    assert token.tenant_id == TENANT and token.scopes == ["Exchange.Manage"] and token.fresh
    assert tokens.rotated_refresh_token == "rt-new" and redactor.text("x rt-new y") == "x ******** y"
    assert tokens.get("exchange", TENANT) is token and len(stub.sent) == 1      # memoised for the run


def test_app_only_grant_asks_for_the_resource_default_and_says_it_handles_claims_challenges():
    stub = IdentityStub((200, {"access_token": access_token(), "expires_in": 3599}))
    provider(stub, client_secret="s", auth_mode="app_only").get("graph", TENANT)
    form = stub.sent[0]["form"]
    assert form["grant_type"] == "client_credentials" and form["scope"] == "https://graph.microsoft.com/.default"
    assert "refresh_token" not in form
    assert json.loads(form["claims"]) == {"access_token": {"xms_cc": {"values": ["CP1"]}}}


@pytest.mark.parametrize("skew", [-3600, 3600])
def test_lifetime_comes_from_expires_in_on_the_local_clock_not_from_exp(skew):
    # The identity platform's clock is an hour off ours: exp read against our clock would be wrong.
    stub = IdentityStub((200, {"access_token": access_token(exp=time.time() + skew + 3599), "expires_in": 3599}))
    tokens = provider(stub, client_secret="s", refresh_token="rt")
    token = tokens.get("exchange", TENANT)
    assert abs(token.expires_on - (time.time() + 3599)) < 5 and token.fresh
    for dummy in range(5):
        assert tokens.get("exchange", TENANT) is token
    assert len(stub.sent) == 1


@pytest.mark.parametrize("mode", ["delegated", "app_only"])
def test_a_claims_challenge_is_answered_through_msal_with_the_claims(mode):
    stub = IdentityStub((200, {"access_token": access_token("t1"), "expires_in": 3599}),
                        (200, {"access_token": access_token("t2"), "expires_in": 3599}))
    tokens = provider(stub, client_secret="s", refresh_token="rt" if mode == "delegated" else None)
    auth = tokens.bearer("exchange", TENANT)
    first = auth()
    challenge = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    second = auth(True, challenge)
    assert first != second and len(stub.sent) == 2
    claims = json.loads(stub.sent[1]["form"]["claims"])
    assert claims["access_token"]["acrs"] == {"essential": True, "value": "c1"}
    assert claims["access_token"]["xms_cc"] == {"values": ["CP1"]}
    assert tokens.get("exchange", TENANT).token == second          # the new token serves the rest of the run


def test_a_refused_token_is_replaced_once_for_all_threads():
    import threading
    stub = IdentityStub(*[(200, {"access_token": access_token(exp=time.time() + 3600 + i), "expires_in": 3599})
                          for i in range(10)])
    tokens = provider(stub, client_secret="s", refresh_token="rt")
    handed = [tokens.bearer("exchange", TENANT) for dummy in range(8)]
    rejected = [auth() for auth in handed][0]
    results = []
    threads = [threading.Thread(target=lambda a=a: results.append(a(True))) for a in handed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stub.sent) == 2 and set(results) == {tokens.get("exchange", TENANT).token} != {rejected}


def chain_first_pem(tmp_path, encrypt=None):
    """A CA certificate first, then the app's key and certificate (signed by that CA)."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject, public_key):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")])
        return (x509.CertificateBuilder().subject_name(name).issuer_name(issuer).public_key(public_key)
                .serial_number(x509.random_serial_number()).not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=1)).sign(ca_key, hashes.SHA256()))
    ca, leaf = build("test-ca", ca_key.public_key()), build("csp-exchange-app", key.public_key())
    encryption = serialization.BestAvailableEncryption(encrypt.encode()) if encrypt else serialization.NoEncryption()
    path = tmp_path / "chain.pem"
    path.write_bytes(ca.public_bytes(serialization.Encoding.PEM)
                     + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
                     + leaf.public_bytes(serialization.Encoding.PEM))
    return str(path), leaf


def assert_assertion_for(form, cert):
    assert "client_secret" not in form
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = form["client_assertion"]
    header = jwt.get_unverified_header(assertion)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert header["alg"] == "PS256"
    assert base64.b64decode("".join(header["x5c"][0].split())) == der
    padded = header["x5t#S256"] + "=" * (-len(header["x5t#S256"]) % 4)
    assert base64.urlsafe_b64decode(padded) == hashlib.sha256(der).digest()
    claims = jwt.decode(assertion, cert.public_key(), algorithms=["PS256"], audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == "app-id" and 590 <= claims["exp"] - claims["iat"] <= 600
    return assertion


def test_certificate_assertion_is_a_verifiable_ps256_jwt_for_the_token_endpoint(tmp_path):
    path, cert = certificate_pem(tmp_path)
    stub = IdentityStub((200, {"access_token": access_token(), "expires_in": 3599}),
                        (200, {"access_token": access_token(), "expires_in": 3599}))
    tokens = provider(stub, certificate_path=path, refresh_token="rt")
    tokens.check()
    tokens.get("exchange", TENANT)
    assertion = assert_assertion_for(stub.sent[0]["form"], cert)
    tokens.get("graph", TENANT)          # same authority, same msal app: msal reuses its assertion
    assert stub.sent[1]["form"]["client_assertion"] == assertion


@pytest.mark.parametrize("passphrase", [None, "correct horse"])
def test_a_chain_first_pem_signs_with_the_certificate_of_its_key(tmp_path, passphrase):
    path, leaf = chain_first_pem(tmp_path, encrypt=passphrase)
    stub = IdentityStub((200, {"access_token": access_token(), "expires_in": 3599}))
    tokens = provider(stub, certificate_path=path, certificate_passphrase=passphrase, refresh_token="rt")
    tokens.check()
    tokens.get("exchange", TENANT)
    assert_assertion_for(stub.sent[0]["form"], leaf)


def mismatched_pem(tmp_path):
    path, _cert = certificate_pem(tmp_path)
    other, _cert = certificate_pem(tmp_path / "..", key=None)
    text = open(path).read()
    key = text[:text.index("-----BEGIN CERTIFICATE-----")]
    cert = open(other).read()
    cert = cert[cert.index("-----BEGIN CERTIFICATE-----"):]
    path = tmp_path / "mismatch.pem"
    path.write_text(key + cert)
    return str(path)


@pytest.mark.parametrize("kind, passphrase, message", [
    ("ec", None, "needs an RSA key"),
    ("encrypted", None, "holds an encrypted private key; set client_certificate_passphrase"),
    ("encrypted", "not-the-passphrase", "wrong client_certificate_passphrase"),
    ("plain", "pw", "not encrypted, but client_certificate_passphrase is set"),
    ("mismatch", None, "none of its 1 certificate"),
    ("no-cert", None, "must hold one PEM private key and its PEM certificate"),
    ("missing", None, "cannot be read"),
])
def test_unusable_certificates_fail_before_any_request(tmp_path, kind, passphrase, message):
    if kind == "ec":
        path = certificate_pem(tmp_path, key=ec.generate_private_key(ec.SECP256R1()))[0]
    elif kind in ("encrypted", "plain"):
        path = certificate_pem(tmp_path, encrypt=kind == "encrypted")[0]
    elif kind == "mismatch":
        path = mismatched_pem(tmp_path)
    elif kind == "no-cert":
        path = str(tmp_path / "key-only.pem")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        open(path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    else:
        path = str(tmp_path / "absent.pem")
    stub = IdentityStub()
    tokens = provider(stub, certificate_path=path, certificate_passphrase=passphrase, refresh_token="rt")
    with pytest.raises(InvalidInputError, match=message) as info:
        tokens.check()
        tokens.get("exchange", TENANT)
    assert stub.sent == [] and (not passphrase or passphrase not in info.value.message)


def test_aadsts_error_becomes_one_sentence_without_the_secret():
    stub = IdentityStub((400, {"error": "invalid_grant", "error_codes": [700082],
                               "error_description": "AADSTS700082: The refresh token has expired due to inactivity."}))
    with pytest.raises(AuthError) as info:
        provider(stub, client_secret="secret-value", refresh_token="rt-old").get("exchange", "contoso.com")
    message = info.value.message
    assert message.startswith("Could not get an Exchange Online token for tenant contoso.com: AADSTS700082: ")
    assert "sign in again" in message and "secret-value" not in message and "rt-old" not in message
    assert info.value.details["aadsts"] == 700082


def test_a_non_json_answer_names_the_login_endpoint():
    stub = IdentityStub((404, b"<html>Not Found</html>"))
    with pytest.raises(AuthError, match=r"answered without a JSON body; check the login endpoint"):
        provider(stub, client_secret="s", refresh_token="rt").get("exchange", TENANT)


def test_a_200_without_an_access_token_is_an_error_not_a_token():
    stub = IdentityStub((200, {"error": "temporarily_unavailable", "error_description": "Try later."}))
    with pytest.raises(AuthError, match="Try later"):
        provider(stub, client_secret="s", refresh_token="rt").get("exchange", TENANT)


def test_after_a_refusal_the_next_request_of_the_run_reaches_the_identity_platform():
    # msal replays an identical 400 for a minute; after a consent change a module asks again and must be heard.
    stub = IdentityStub((400, {"error": "invalid_grant", "error_codes": [65001], "suberror": "consent_required",
                               "error_description": "AADSTS65001: The user or administrator has not consented."}),
                        (200, {"access_token": access_token(), "expires_in": 3599}))
    tokens = provider(stub, client_secret="s", refresh_token="rt")
    with pytest.raises(AuthError, match="AADSTS65001"):
        tokens.get("exchange", TENANT)
    assert tokens.get("exchange", TENANT).scopes == ["Exchange.Manage"] and len(stub.sent) == 2
