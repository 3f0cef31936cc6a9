"""The device-code flow with msal against the sandbox: pending until the (admin-API) user signs in, then tokens
and a partner refresh token that works like any other; a code is redeemed once and expires."""
import threading
import time

import msal
import pytest

from tests.sandbox.client import https_session

from .helpers import CONTOSO, PARTNER, assert_aadsts

SCOPES = ["https://api.partnercenter.microsoft.com/user_impersonation"]


def public_app(handle):
    return msal.PublicClientApplication(handle.env["CSP_CLIENT_ID"], authority=f"{handle.url}/{PARTNER}",
                                        http_client=https_session(handle.ca_path), instance_discovery=False)


def approve_when_pending(handle, seen):
    for dummy in range(100):
        codes = handle.session().get(f"{handle.url}/_sandbox/device-codes").json()["value"]
        if codes:
            seen.append(codes[0]["user_code"])
            handle.session().post(f"{handle.url}/_sandbox/device-codes/{codes[0]['user_code']}/approve")
            return
        time.sleep(0.1)


def test_device_flow_with_msal_yields_a_working_refresh_token(fresh_sandbox):
    app = public_app(fresh_sandbox)
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert flow["user_code"] in flow["message"] and flow["interval"] == 1
    seen = []
    approver = threading.Thread(target=approve_when_pending, args=(fresh_sandbox, seen))
    approver.start()
    result = app.acquire_token_by_device_flow(flow)
    approver.join()
    assert seen == [flow["user_code"]]
    assert "access_token" in result and result["refresh_token"], result
    # The new refresh token is a partner refresh token: redeemed at a customer with the app's secret.
    response = fresh_sandbox.token_response(CONTOSO, "exchange", refresh_token=result["refresh_token"])
    assert response.status_code == 200, response.text
    # Each device code is redeemed once.
    again = fresh_sandbox.session().post(f"{fresh_sandbox.url}/{PARTNER}/oauth2/v2.0/token", data={
        "client_id": fresh_sandbox.env["CSP_CLIENT_ID"], "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": flow["device_code"]})
    assert_aadsts(again, 70020, error="expired_token")


def test_pending_then_expired(fresh_sandbox):
    flow = public_app(fresh_sandbox).initiate_device_flow(scopes=SCOPES)
    form = {"client_id": fresh_sandbox.env["CSP_CLIENT_ID"], "device_code": flow["device_code"],
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
    url = f"{fresh_sandbox.url}/{PARTNER}/oauth2/v2.0/token"
    assert_aadsts(fresh_sandbox.session().post(url, data=form), 70016, error="authorization_pending")
    fresh_sandbox.admin.advance_clock(901)
    assert_aadsts(fresh_sandbox.session().post(url, data=form), 70020, error="expired_token")


@pytest.mark.parametrize("client_id", ["99999999-9999-9999-9999-999999999999"])
def test_unknown_app_cannot_start_a_device_flow(fresh_sandbox, client_id):
    response = fresh_sandbox.session().post(f"{fresh_sandbox.url}/{PARTNER}/oauth2/v2.0/devicecode",
                                            data={"client_id": client_id, "scope": SCOPES[0]})
    assert_aadsts(response, 700016)
