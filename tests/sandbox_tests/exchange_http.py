"""Calling the sandbox's Exchange admin API over TLS in tests: tokens, headers and one-call helpers."""
from .helpers import APP_ID, CONTOSO

AUDIENCE = "https://outlook.office365.com"
INITIAL = "contoso.onmicrosoft.com"
ANCHOR = f"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{INITIAL}"
CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
MORE = ("There are more results available than are currently displayed. To view them, increase the value for the "
        "ResultSize parameter.")


def url(handle, tenant=CONTOSO, version="beta", endpoint="InvokeCommand"):
    return f"{handle.url}/adminapi/{version}/{tenant}/{endpoint}"


def body(cmdlet, **parameters):
    return {"CmdletInput": {"CmdletName": cmdlet, "Parameters": parameters}}


def headers(token, anchor=ANCHOR, **extra):
    return {"Authorization": f"Bearer {token}", "X-AnchorMailbox": anchor, **extra}


def minted(handle, tenant=CONTOSO, scp=None, roles=None, audience=AUDIENCE):
    """A token made directly by the sandbox's signer, for claim combinations the token endpoint never issues."""
    return handle.sandbox.tokens.issue_access_token(audience=audience, tenant_id=tenant, app_id=APP_ID,
                                                    oid="77777777-7777-7777-7777-777777777777", lifetime_s=3600,
                                                    scp=scp, roles=roles)


def invoke(handle, cmdlet, token, tenant=CONTOSO, query="", hdrs=None, **parameters):
    return handle.session().post(url(handle, tenant) + query, json=body(cmdlet, **parameters),
                                 headers=hdrs or headers(token), timeout=30)


def detail_type(response):
    return response.json()["error"]["details"][0]["message"].split("|")[1]
