"""The device-code flow (RFC 8628) as the identity platform runs it: ``POST /{tenant}/oauth2/v2.0/devicecode``
hands out a user code, the token endpoint answers ``authorization_pending`` (AADSTS70016) until the user has
signed in, then tokens (a partner refresh token among them), and ``expired_token`` (AADSTS70020) after
``expires_in``. The admin API stands in for the user: ``GET /_sandbox/device-codes`` lists pending sign-ins,
``POST /_sandbox/device-codes/{user_code}/approve`` completes one."""
import secrets

from .. import store as st
from ..wire import Request, Response

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
LIFETIME_S = 900
INTERVAL_S = 1          # Microsoft says 5; the sandbox keeps tests quick
VERIFICATION_URI = "https://microsoft.com/devicelogin"


def register(router) -> None:
    router.add("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/devicecode", "identity", start)
    router.add("GET", r"/_sandbox/device-codes", "admin", pending)
    router.add("POST", r"/_sandbox/device-codes/(?P<user_code>[^/]+)/approve", "admin", approve)


def start(sandbox, request: Request, tenant: str) -> Response:
    from .identity import aadsts_error     # identity imports this module
    form = request.form()
    store = sandbox.store
    directory = store.directory(tenant)
    if directory is None:
        return aadsts_error(90002, request, tenant=tenant)
    request.tenant = directory.id
    if form.get("client_id", "").lower() != store.partner.app.client_id:
        return aadsts_error(700016, request, client_id=form.get("client_id", ""), tenant=tenant)
    if not form.get("scope"):
        return aadsts_error(900144, request, parameter="scope")
    user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for dummy in range(9))
    code = st.DeviceCode(device_code="DAQABAAEAAAD-sbx-" + secrets.token_urlsafe(32), user_code=user_code,
                         tenant_id=directory.id, scope=form["scope"], expires_at=sandbox.clock.now() + LIFETIME_S)
    with store.lock:
        store.device_codes[code.device_code] = code
    message = (f"To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {user_code} "
               f"to authenticate.")
    return Response.json(200, {"user_code": user_code, "device_code": code.device_code,
                               "verification_uri": VERIFICATION_URI, "expires_in": LIFETIME_S,
                               "interval": INTERVAL_S, "message": message})


def redeem(sandbox, request: Request, form: dict, directory: st.Tenant, refresh_grant) -> Response:
    """The token endpoint's device-code grant. Once approved, the answer is the one a refresh-token grant for the
    same scope gives (tokens for the signed-in partner user plus a new refresh token); a code is redeemed once."""
    from .identity import aadsts_error
    store = sandbox.store
    with store.lock:
        code = store.device_codes.get(form.get("device_code", ""))
        if code is None or code.redeemed or code.tenant_id != directory.id or sandbox.clock.now() > code.expires_at:
            return aadsts_error(70020, request)
        if not code.approved:
            return aadsts_error(70016, request)
        code.redeemed = True
        signed_in = st.RefreshToken("0.AAAA-sbx-device." + secrets.token_urlsafe(48), store.partner.user_oid,
                                    last_used_at=sandbox.clock.now(), issued_at=sandbox.clock.now())
        store.refresh_tokens[signed_in.value] = signed_in
    return refresh_grant(sandbox, request, {**form, "refresh_token": signed_in.value,
                                            "scope": form.get("scope") or code.scope}, directory)


def pending(sandbox, request: Request) -> Response:
    with sandbox.store.lock:
        codes = [{"user_code": c.user_code, "tenant": c.tenant_id, "scope": c.scope, "approved": c.approved}
                 for c in sandbox.store.device_codes.values() if not c.redeemed]
    return Response.json(200, {"value": codes})


def approve(sandbox, request: Request, user_code: str) -> Response:
    with sandbox.store.lock:
        code = next((c for c in sandbox.store.device_codes.values() if c.user_code == user_code), None)
        if code is None:
            return Response.json(404, {"error": f"no device code {user_code}"})
        code.approved = True
    return Response.json(200, {"user_code": user_code, "approved": True})
