"""msal for Python, unmodified, against the sandbox (contract §2.5): instance_discovery=False and a
requests Session with trust_env=False and verify=ca.pem passed as http_client."""
import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tests.sandbox.fixtures import decode_claims

from .helpers import CONTOSO, PARTNER, TAILSPIN


def _app(handle, tenant, credential=None):
    return msal.ConfidentialClientApplication(
        handle.env["CSP_CLIENT_ID"], client_credential=credential or handle.env["CSP_CLIENT_SECRET"],
        authority=f"{handle.url}/{tenant}", instance_discovery=False, http_client=handle.session())


def _certificate_pem(handle):
    with open(handle.env["CSP_CLIENT_CERTIFICATE_PATH"], encoding="utf-8") as f:
        return f.read()


def test_refresh_token_with_secret(fresh_sandbox):
    app = _app(fresh_sandbox, "contoso.onmicrosoft.com")
    result = app.acquire_token_by_refresh_token(fresh_sandbox.env["CSP_REFRESH_TOKEN"],
                                                ["https://outlook.office365.com/.default"])
    assert "access_token" in result, result
    assert decode_claims(result["access_token"])["tid"] == CONTOSO
    assert result["refresh_token"] != fresh_sandbox.env["CSP_REFRESH_TOKEN"]
    accounts = app.get_accounts()
    assert [a["home_account_id"] for a in accounts] == [f"77777777-7777-7777-7777-777777777777.{PARTNER}"]
    silent = app.acquire_token_silent(["https://outlook.office365.com/.default"], account=accounts[0])
    assert silent and silent["access_token"] == result["access_token"]


def test_client_credentials_with_secret(fresh_sandbox):
    result = _app(fresh_sandbox, CONTOSO).acquire_token_for_client(["https://outlook.office365.com/.default"])
    assert "access_token" in result, result
    assert decode_claims(result["access_token"])["roles"] == ["Exchange.ManageAsApp"]


def test_certificate_with_public_certificate(fresh_sandbox):
    pem = _certificate_pem(fresh_sandbox)
    app = _app(fresh_sandbox, CONTOSO, {"private_key": pem, "public_certificate": pem})
    assert "access_token" in app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    result = app.acquire_token_by_refresh_token(fresh_sandbox.env["CSP_REFRESH_TOKEN"],
                                                ["https://graph.microsoft.com/.default"])
    assert "access_token" in result, result


def test_certificate_with_sha1_thumbprint(fresh_sandbox):
    pem = _certificate_pem(fresh_sandbox)
    cert = x509.load_pem_x509_certificate(pem[pem.index("-----BEGIN CERTIFICATE"):].encode())
    app = _app(fresh_sandbox, "contoso.com", {"private_key": pem, "thumbprint": cert.fingerprint(hashes.SHA1()).hex()})
    result = app.acquire_token_for_client(["https://outlook.office365.com/.default"])
    assert "access_token" in result, result
    result = app.acquire_token_by_refresh_token(fresh_sandbox.env["CSP_REFRESH_TOKEN"],
                                                ["https://outlook.office365.com/.default"])
    assert "access_token" in result, result


def test_msal_returns_consent_errors_as_a_dict(fresh_sandbox):
    result = _app(fresh_sandbox, TAILSPIN).acquire_token_by_refresh_token(
        fresh_sandbox.env["CSP_REFRESH_TOKEN"], ["https://outlook.office365.com/.default"])
    assert result["error"] == "invalid_grant" and result["error_codes"] == [65001]
    assert result["suberror"] == "consent_required"


def test_msal_wrong_secret(fresh_sandbox):
    result = _app(fresh_sandbox, CONTOSO, "wrong").acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert result["error"] == "invalid_client" and result["error_codes"] == [7000215]


def test_msal_unknown_authority_fails_discovery(fresh_sandbox):
    with pytest.raises(ValueError, match="Unable to get authority configuration"):
        _app(fresh_sandbox, "nowhere.example").acquire_token_for_client(["https://graph.microsoft.com/.default"])


def test_msal_surfaces_identity_5xx_as_service_error(fresh_sandbox):
    app = _app(fresh_sandbox, CONTOSO)
    app.acquire_token_for_client(["https://graph.microsoft.com/.default"])     # discovery done before the outage
    fresh_sandbox.admin.set_faults(service="identity", failure_rate=1.0)
    with pytest.raises(msal.exceptions.MsalServiceError):
        app.acquire_token_for_client(["https://outlook.office365.com/.default"])


def _get_org(handle, token):
    return handle.session().post(f"{handle.url}/adminapi/beta/{CONTOSO}/InvokeCommand",
                                 headers={"Authorization": f"Bearer {token}"},
                                 json={"CmdletInput": {"CmdletName": "Get-OrganizationConfig", "Parameters": {}}})


def test_claims_challenge_only_for_capable_clients_and_met_by_a_claims_request(fresh_sandbox):
    """learn.microsoft.com/entra/identity-platform/claims-challenge: the challenge goes to clients that declared
    CP1; a token asked for with the challenged claims passes, a plain refresh does not."""
    import base64
    import json
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, claims_challenge="c1")
    scopes = ["https://outlook.office365.com/.default"]
    plain = _app(fresh_sandbox, CONTOSO).acquire_token_for_client(scopes)["access_token"]
    refused = _get_org(fresh_sandbox, plain)
    assert refused.status_code == 401 and "insufficient_claims" not in refused.headers["WWW-Authenticate"]
    capable = msal.ConfidentialClientApplication(
        fresh_sandbox.env["CSP_CLIENT_ID"], client_credential=fresh_sandbox.env["CSP_CLIENT_SECRET"],
        authority=f"{fresh_sandbox.url}/{CONTOSO}", instance_discovery=False, http_client=fresh_sandbox.session(),
        client_capabilities=["CP1"])
    challenged = _get_org(fresh_sandbox, capable.acquire_token_for_client(scopes)["access_token"])
    header = challenged.headers["WWW-Authenticate"]
    assert challenged.status_code == 401 and 'error="insufficient_claims"' in header
    claims = base64.b64decode(header.split('claims="')[1].split('"')[0]).decode()
    assert json.loads(claims) == {"access_token": {"acrs": {"essential": True, "value": "c1"}}}
    answered = capable.acquire_token_for_client(scopes, claims_challenge=claims)["access_token"]
    assert decode_claims(answered)["acrs"] == ["c1"]
    assert _get_org(fresh_sandbox, answered).status_code == 200
