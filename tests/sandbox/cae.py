"""Claims challenges (Continuous Access Evaluation, Conditional Access authentication context).

Source: Microsoft Learn, "Claims challenges, claims requests and client capabilities"
(learn.microsoft.com/entra/identity-platform/claims-challenge): a resource answers 401 with
``WWW-Authenticate: Bearer realm="", authorization_uri="…/common/oauth2/authorize", error="insufficient_claims",
claims="<base64 of {"access_token":{"acrs":{"essential":true,"value":"c1"}}}>"``, only to clients that declared the
capability ``CP1`` (claims request ``{"access_token":{"xms_cc":{"values":["CP1"]}}}``). The client asks the token
endpoint again with that claims request; the new token carries ``acrs``. A plain refresh does not.
"""
import base64
import json
from typing import Optional


def token_claims(claims_request: Optional[str]) -> dict:
    """Claims a token gets from the ``claims`` parameter of its token request (capabilities, auth contexts)."""
    try:
        wanted = (json.loads(claims_request) if claims_request else {}).get("access_token") or {}
    except (ValueError, AttributeError):
        return {}
    extra = {}
    capabilities = (wanted.get("xms_cc") or {}).get("values") or []
    if capabilities:
        extra["xms_cc"] = [str(c) for c in capabilities]
    acrs = wanted.get("acrs") or {}
    values = acrs.get("values") or ([acrs["value"]] if acrs.get("value") else [])
    if values:
        extra["acrs"] = [str(v) for v in values]
    return extra


def challenge_header(auth_context: str) -> str:
    claims = json.dumps({"access_token": {"acrs": {"essential": True, "value": auth_context}}}, separators=(",", ":"))
    return ('Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
            'error="insufficient_claims", claims="%s"' % base64.b64encode(claims.encode()).decode())


def capable(token_claims_: dict) -> bool:
    return "CP1" in (token_claims_.get("xms_cc") or [])


def satisfied(token_claims_: dict, auth_context: str) -> bool:
    return auth_context in (token_claims_.get("acrs") or [])
