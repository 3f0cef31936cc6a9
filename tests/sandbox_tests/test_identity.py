"""Identity platform: discovery, both grants, client authentication, claims and every AADSTS error."""
import base64
import datetime
import hashlib
import json
import time
import uuid

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.sandbox.fixtures import decode_claims

from .helpers import APP_ID, CONTOSO, FABRIKAM, PARTNER, TAILSPIN, assert_aadsts

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


# -- discovery -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("segment, guid", [
    (CONTOSO, CONTOSO), ("contoso.onmicrosoft.com", CONTOSO), ("CONTOSO.COM", CONTOSO),
    ("fabrikam.mail.onmicrosoft.com", FABRIKAM), ("tailspin.example", TAILSPIN),
    (PARTNER, PARTNER), ("northwindpartners.com", PARTNER),
])
def test_discovery_answers_every_domain_with_the_guid(fresh_sandbox, segment, guid):
    response = fresh_sandbox.session().get(f"{fresh_sandbox.url}/{segment}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["token_endpoint"] == f"{fresh_sandbox.url}/{guid}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"] == f"{fresh_sandbox.url}/{guid}/oauth2/v2.0/authorize"
    assert doc["issuer"] == f"{fresh_sandbox.url}/{guid}/v2.0"


def test_discovery_of_an_unknown_tenant_is_aadsts90002(fresh_sandbox):
    response = fresh_sandbox.session().get(f"{fresh_sandbox.url}/nowhere.example/v2.0/.well-known/openid-configuration")
    assert_aadsts(response, 90002, error="invalid_tenant")


def test_instance_discovery_points_back_at_the_sandbox(fresh_sandbox):
    response = fresh_sandbox.session().get(f"{fresh_sandbox.url}/common/discovery/instance", params={
        "api-version": "1.1", "authorization_endpoint": f"{fresh_sandbox.url}/{CONTOSO}/oauth2/v2.0/authorize"})
    assert response.json()["tenant_discovery_endpoint"] == \
        f"{fresh_sandbox.url}/{CONTOSO}/v2.0/.well-known/openid-configuration"


def test_signing_keys_verify_issued_tokens(fresh_sandbox):
    session = fresh_sandbox.session()
    keys = session.get(f"{fresh_sandbox.url}/{CONTOSO}/discovery/v2.0/keys").json()["keys"]
    token = fresh_sandbox.access_token(CONTOSO, "graph")
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(keys[0]))
    claims = jwt.decode(token, key, algorithms=["RS256"], audience="https://graph.microsoft.com")
    assert claims["tid"] == CONTOSO


# -- delegated (refresh token) -------------------------------------------------------------------------
def test_refresh_token_grant_answers_the_contract_shape(fresh_sandbox):
    response = fresh_sandbox.token_response("contoso.onmicrosoft.com", "exchange")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token_type", "scope", "expires_in", "ext_expires_in", "access_token", "refresh_token",
                         "id_token", "client_info"}
    assert body["token_type"] == "Bearer" and body["expires_in"] > 300
    assert body["scope"].split() == ["https://outlook.office365.com/Exchange.Manage", "https://outlook.office365.com/.default"]
    assert body["refresh_token"] != fresh_sandbox.env["CSP_REFRESH_TOKEN"]
    info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=="))
    assert info == {"uid": "77777777-7777-7777-7777-777777777777", "utid": PARTNER}
    claims = decode_claims(body["access_token"])
    assert claims["aud"] == "https://outlook.office365.com"
    assert claims["tid"] == CONTOSO and claims["appid"] == APP_ID
    assert claims["oid"] == "77777777-7777-7777-7777-777777777777"
    assert claims["scp"] == "Exchange.Manage" and "roles" not in claims
    assert decode_claims(body["id_token"])["aud"] == APP_ID


def test_graph_scopes_come_from_the_customers_grants(fresh_sandbox):
    body = fresh_sandbox.token_response(FABRIKAM, "graph").json()
    assert body["scope"].split() == ["Directory.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
                                     "https://graph.microsoft.com/.default"]
    assert decode_claims(body["access_token"])["scp"] == "Directory.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All"


def test_partner_center_token_at_the_partner_tenant(fresh_sandbox):
    claims = decode_claims(fresh_sandbox.access_token("northwindpartners.onmicrosoft.com", "partner_center"))
    assert claims["aud"] == "https://api.partnercenter.microsoft.com"
    assert claims["tid"] == PARTNER and claims["scp"] == "user_impersonation"


def test_refresh_tokens_rotate_and_old_ones_keep_working(fresh_sandbox):
    first = fresh_sandbox.token_response(CONTOSO).json()["refresh_token"]
    second = fresh_sandbox.token_response(CONTOSO, refresh_token=first).json()["refresh_token"]
    assert len({first, second, fresh_sandbox.env["CSP_REFRESH_TOKEN"]}) == 3
    for old in (first, fresh_sandbox.env["CSP_REFRESH_TOKEN"]):
        assert fresh_sandbox.token_response(TAILSPIN, refresh_token=old).status_code == 200


def test_a_specific_scope_that_is_granted_is_issued_alone(fresh_sandbox):
    response = fresh_sandbox.token_response(CONTOSO, scope="https://graph.microsoft.com/Domain.Read.All openid")
    assert response.status_code == 200
    assert response.json()["scope"] == "Domain.Read.All"
    assert decode_claims(response.json()["access_token"])["scp"] == "Domain.Read.All"


# -- app-only ------------------------------------------------------------------------------------------
def test_client_credentials_carries_app_roles_and_no_user_artifacts(fresh_sandbox):
    response = fresh_sandbox.token_response(CONTOSO, "exchange", app_only=True)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    claims = decode_claims(body["access_token"])
    assert claims["roles"] == ["Exchange.ManageAsApp"] and "scp" not in claims
    assert claims["oid"] == "44444444-4444-4444-4444-444444444444"
    # The role, plus the value every app-only token carries, which is no role.
    assert claims["wids"] == ["29232cdf-9323-42fd-ade2-1d097af3e4de", "0997a1d0-0d1d-4acb-b408-d5ca73121e90"]
    graph_claims = decode_claims(fresh_sandbox.access_token(CONTOSO, "graph", app_only=True))
    assert graph_claims["roles"] == [] and graph_claims["aud"] == "https://graph.microsoft.com"


def test_client_credentials_needs_a_default_scope(fresh_sandbox):
    response = fresh_sandbox.token_response(CONTOSO, app_only=True, scope="https://graph.microsoft.com/User.Read")
    assert_aadsts(response, 70011, error="invalid_scope")


def test_client_credentials_without_the_apps_service_principal(fresh_sandbox):
    fresh_sandbox.admin.remove_service_principal(TAILSPIN, APP_ID)
    assert_aadsts(fresh_sandbox.token_response(TAILSPIN, app_only=True), 7000229, error="invalid_client")


def test_client_credentials_for_a_resource_without_service_principal(fresh_sandbox):
    assert_aadsts(fresh_sandbox.token_response(TAILSPIN, "exchange", app_only=True), 500011)


# -- errors --------------------------------------------------------------------------------------------
def test_unknown_tenant_at_the_token_endpoint(fresh_sandbox):
    assert_aadsts(fresh_sandbox.token_response("nowhere.example"), 90002, error="invalid_tenant")


def test_wrong_secret_is_401_7000215(fresh_sandbox):
    assert_aadsts(fresh_sandbox.token_response(CONTOSO, client_secret="secret-id-not-value"), 7000215, 401, "invalid_client")


def test_rotated_secret_makes_the_old_one_wrong(fresh_sandbox):
    fresh_sandbox.admin.update_app(secrets=["a-new-secret"])
    assert_aadsts(fresh_sandbox.token_response(CONTOSO), 7000215, 401)
    assert fresh_sandbox.token_response(CONTOSO, client_secret="a-new-secret").status_code == 200


def test_expired_secret_is_7000222(fresh_sandbox):
    fresh_sandbox.admin.update_app(secret_expired=True)
    assert_aadsts(fresh_sandbox.token_response(CONTOSO), 7000222, 401, "invalid_client")


def test_missing_client_credential_is_7000218(fresh_sandbox):
    response = fresh_sandbox.session().post(f"{fresh_sandbox.url}/{CONTOSO}/oauth2/v2.0/token", data={
        "client_id": APP_ID, "grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"})
    assert_aadsts(response, 7000218, 401, "invalid_client")


def test_unknown_client_id_is_700016(fresh_sandbox):
    response = fresh_sandbox.token_response(CONTOSO, client_id=str(uuid.uuid4()))
    assert_aadsts(response, 700016, error="unauthorized_client")


def test_unknown_refresh_token_is_invalid_grant(fresh_sandbox):
    assert_aadsts(fresh_sandbox.token_response(CONTOSO, refresh_token="not-a-token"), 9002313, error="invalid_grant")


def test_expired_refresh_token_fault_is_700082(fresh_sandbox):
    fresh_sandbox.admin.set_faults(service="identity", expired_refresh_token=True)
    body = assert_aadsts(fresh_sandbox.token_response(CONTOSO), 700082, error="invalid_grant")
    assert "inactivity" in body["error_description"]


def test_refresh_token_unused_for_90_days_expires(fresh_sandbox):
    fresh_sandbox.admin.advance_clock(91 * 86400)
    assert_aadsts(fresh_sandbox.token_response(CONTOSO), 700082)


def test_revoked_grant_is_50173(fresh_sandbox):
    fresh_sandbox.admin.set_faults(revoked_refresh_token=True)
    assert_aadsts(fresh_sandbox.token_response(CONTOSO), 50173, error="invalid_grant")


def test_conditional_access_is_53003_for_the_scoped_tenant_only(fresh_sandbox):
    fresh_sandbox.admin.set_faults(tenant="fabrikam.com", conditional_access=True)
    assert_aadsts(fresh_sandbox.token_response(FABRIKAM), 53003, error="invalid_grant")
    assert fresh_sandbox.token_response(CONTOSO).status_code == 200


def test_missing_exchange_consent_is_65001_consent_required(fresh_sandbox):
    body = assert_aadsts(fresh_sandbox.token_response(TAILSPIN, "exchange"), 65001, error="invalid_grant")
    assert body["suberror"] == "consent_required"
    assert APP_ID in body["error_description"]


def test_removing_the_exchange_grant_makes_consent_missing(fresh_sandbox):
    assert fresh_sandbox.token_response(CONTOSO, "exchange").status_code == 200
    assert fresh_sandbox.admin.remove_grants(CONTOSO, "exchange") == 1
    assert assert_aadsts(fresh_sandbox.token_response(CONTOSO, "exchange"), 65001)["suberror"] == "consent_required"
    assert fresh_sandbox.token_response(CONTOSO, "graph").status_code == 200


def test_a_scope_that_is_not_granted_is_65001(fresh_sandbox):
    response = fresh_sandbox.token_response(CONTOSO, scope="https://outlook.office365.com/EWS.AccessAsUser.All")
    assert_aadsts(response, 65001)


def test_scopes_of_two_resources_are_28000(fresh_sandbox):
    response = fresh_sandbox.token_response(
        CONTOSO, scope="https://graph.microsoft.com/.default https://outlook.office365.com/.default")
    assert_aadsts(response, 28000, error="invalid_scope")


def test_unsupported_grant_type_is_70003(fresh_sandbox):
    assert_aadsts(fresh_sandbox.token_response(CONTOSO, grant_type="password"), 70003, error="unsupported_grant_type")


# -- certificate client assertions ---------------------------------------------------------------------
def _pem_parts(handle):
    with open(handle.env["CSP_CLIENT_CERTIFICATE_PATH"], encoding="utf-8") as f:
        pem = f.read()
    key = serialization.load_pem_private_key(pem.encode(), None)
    cert = x509.load_pem_x509_certificate(pem[pem.index("-----BEGIN CERTIFICATE"):].encode())
    return key, cert


def _b64url(data, padded):
    text = base64.urlsafe_b64encode(data).decode()
    return text if padded else text.rstrip("=")


def _assertion(handle, tenant, *, alg="PS256", thumb="sha256", padded=False, x5c=True, key=None, cert=None,
               aud=None, iss=APP_ID, sub=APP_ID, lifetime=600.0):
    own_key, own_cert = _pem_parts(handle)
    key, cert = key or own_key, cert or own_cert
    der = cert.public_bytes(serialization.Encoding.DER)
    headers = {"typ": "JWT"}
    if thumb == "sha256":
        headers["x5t#S256"] = _b64url(hashlib.sha256(der).digest(), padded)
    else:
        headers["x5t"] = _b64url(hashlib.sha1(der).digest(), padded)
    if x5c:
        body = base64.b64encode(der).decode()
        headers["x5c"] = ["\n".join(body[i:i + 64] for i in range(0, len(body), 64))]   # PEM line breaks, as msal sends
    now = time.time()
    payload = {"aud": aud or f"{handle.url}/{tenant}/oauth2/v2.0/token", "iss": iss, "sub": sub,
               "iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4())}
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def _with_assertion(handle, tenant, assertion, app_only=True):
    return handle.token_response(tenant, "graph", app_only=app_only, client_secret=None,
                                 client_assertion=assertion, client_assertion_type=ASSERTION_TYPE)


@pytest.mark.parametrize("alg, thumb, padded, x5c", [
    ("PS256", "sha256", False, True), ("PS256", "sha256", True, True),
    ("RS256", "sha1", True, False), ("RS256", "sha1", False, False),
])
def test_certificate_assertions_in_every_msal_form(fresh_sandbox, alg, thumb, padded, x5c):
    assertion = _assertion(fresh_sandbox, CONTOSO, alg=alg, thumb=thumb, padded=padded, x5c=x5c)
    assert _with_assertion(fresh_sandbox, CONTOSO, assertion).status_code == 200
    assert _with_assertion(fresh_sandbox, CONTOSO, assertion, app_only=False).status_code == 200


def test_assertion_audience_may_name_the_tenant_by_domain(fresh_sandbox):
    assertion = _assertion(fresh_sandbox, "contoso.com")
    assert _with_assertion(fresh_sandbox, "contoso.com", assertion).status_code == 200


def _other_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "intruder")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return key, cert


@pytest.mark.parametrize("change, code", [
    ({"aud": "https://127.0.0.1:1/elsewhere/oauth2/v2.0/token"}, 700027),
    ({"iss": "44444444-4444-4444-4444-444444444444"}, 700027),
    ({"sub": "44444444-4444-4444-4444-444444444444"}, 700027),
    ({"lifetime": -60.0}, 700024),
    ("foreign_key", 700027),
    ("foreign_cert", 700027),
])
def test_bad_assertions_are_rejected(fresh_sandbox, change, code):
    if change == "foreign_key":        # the registered thumbprint, signed with another key
        assertion = _assertion(fresh_sandbox, CONTOSO, key=_other_certificate()[0], x5c=False)
    elif change == "foreign_cert":
        key, cert = _other_certificate()
        assertion = _assertion(fresh_sandbox, CONTOSO, key=key, cert=cert)
    else:
        assertion = _assertion(fresh_sandbox, CONTOSO, **change)
    assert_aadsts(_with_assertion(fresh_sandbox, CONTOSO, assertion), code, 401, "invalid_client")


def test_credential_fields_never_reach_the_log(fresh_sandbox):
    fresh_sandbox.token_response(CONTOSO)
    fresh_sandbox.token_response(CONTOSO, client_secret="wrong-secret")
    _with_assertion(fresh_sandbox, CONTOSO, _assertion(fresh_sandbox, CONTOSO))
    fresh_sandbox.session().post(f"{fresh_sandbox.url}/{CONTOSO}/oauth2/v2.0/token?client_secret=in-the-query",
                                 data={"client_id": APP_ID})
    entries = fresh_sandbox.admin.log(service="identity")
    text = json.dumps(entries)
    for secret in (fresh_sandbox.env["CSP_CLIENT_SECRET"], fresh_sandbox.env["CSP_REFRESH_TOKEN"], "wrong-secret",
                   "in-the-query", "eyJ"):
        assert secret not in text
    assert [e["grant_type"] for e in entries[:2]] == ["refresh_token", "refresh_token"]
    assert entries[-1]["query"] == "client_secret=REDACTED"
