"""The token requests: the form each grant sends, the certificate assertion, and failures as one sentence."""
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

from ansible_collections.csp.exchange.plugins.module_utils.auth import TokenProvider
from ansible_collections.csp.exchange.plugins.module_utils.client_assertion import ClientCertificate
from ansible_collections.csp.exchange.plugins.module_utils.endpoints import Endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError, InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.redact import Redactor
from ansible_collections.csp.exchange.plugins.module_utils.http_client import HttpResponse

from .answers import header_map

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
    sent = stub.sent[0]
    assert sent["method"] == "POST" and sent["url"] == TOKEN_URL and sent["headers"]["Accept"] == "application/json"
    assert sent["form"] == {"client_id": "app-id", "client_info": "1", "grant_type": "refresh_token",
                            "refresh_token": "rt-old", "client_secret": "secret-value",
                            "scope": "https://outlook.office365.com/.default offline_access openid profile"}
    assert token.tenant_id == TENANT and token.scopes == ["Exchange.Manage"] and token.fresh
    assert tokens.rotated_refresh_token == "rt-new" and redactor.text("x rt-new y") == "x ******** y"
    assert tokens.get("exchange", TENANT) is token and len(stub.sent) == 1      # memoised for the run


def test_app_only_grant_asks_for_the_resource_default_only():
    stub = IdentityStub((200, {"access_token": access_token()}))
    provider(stub, client_secret="s", auth_mode="app_only").get("graph", TENANT)
    form = stub.sent[0]["form"]
    assert form["grant_type"] == "client_credentials" and form["scope"] == "https://graph.microsoft.com/.default"
    assert "refresh_token" not in form


def test_certificate_assertion_is_a_verifiable_ps256_jwt_for_the_token_endpoint(tmp_path):
    path, cert = certificate_pem(tmp_path)
    stub = IdentityStub((200, {"access_token": access_token()}), (200, {"access_token": access_token()}))
    tokens = provider(stub, certificate_path=path, refresh_token="rt")
    tokens.check()
    tokens.get("exchange", TENANT)
    form = stub.sent[0]["form"]
    assert "client_secret" not in form
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = form["client_assertion"]
    header = jwt.get_unverified_header(assertion)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert header["alg"] == "PS256" and header["x5c"] == [base64.b64encode(der).decode()]
    padded = header["x5t#S256"] + "=" * (-len(header["x5t#S256"]) % 4)
    assert base64.urlsafe_b64decode(padded) == hashlib.sha256(der).digest()
    claims = jwt.decode(assertion, cert.public_key(), algorithms=["PS256"], audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == "app-id" and 590 <= claims["exp"] - claims["iat"] <= 600
    tokens.get("graph", TENANT)          # same endpoint, within 540 s: the same assertion
    assert stub.sent[1]["form"]["client_assertion"] == assertion


def test_assertion_is_renewed_before_it_expires(tmp_path):
    certificate = ClientCertificate(certificate_pem(tmp_path)[0])
    first = certificate.assertion("app", TOKEN_URL, now=1000.0)
    assert certificate.assertion("app", TOKEN_URL, now=1500.0) == first
    assert certificate.assertion("app", TOKEN_URL, now=1541.0) != first


@pytest.mark.parametrize("kind, message", [
    ("ec", "needs an RSA key"),
    ("encrypted", "holds an encrypted private key"),
    ("no-cert", "must hold both a PEM private key and a PEM certificate"),
    ("missing", "cannot be read"),
])
def test_unusable_certificates_fail_before_any_request(tmp_path, kind, message):
    if kind == "ec":
        path = certificate_pem(tmp_path, key=ec.generate_private_key(ec.SECP256R1()))[0]
    elif kind == "encrypted":
        path = certificate_pem(tmp_path, encrypt=True)[0]
    elif kind == "no-cert":
        path = str(tmp_path / "key-only.pem")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        open(path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    else:
        path = str(tmp_path / "absent.pem")
    stub = IdentityStub()
    tokens = provider(stub, certificate_path=path, refresh_token="rt")
    with pytest.raises(InvalidInputError, match=message):
        tokens.check()
        tokens.get("exchange", TENANT)
    assert stub.sent == []


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
    with pytest.raises(AuthError, match=r"answered HTTP 404 without a JSON body; check the login endpoint"):
        provider(stub, client_secret="s", refresh_token="rt").get("exchange", TENANT)


def test_a_200_without_an_access_token_is_an_error_not_a_token():
    stub = IdentityStub((200, {"error": "temporarily_unavailable", "error_description": "Try later."}))
    with pytest.raises(AuthError, match="Try later"):
        provider(stub, client_secret="s", refresh_token="rt").get("exchange", TENANT)
