"""Constants and small assertions shared by the sandbox tests."""
CONTOSO = "22222222-2222-2222-2222-222222222222"
FABRIKAM = "22222222-2222-2222-2222-222222222223"
TAILSPIN = "22222222-2222-2222-2222-222222222224"
PARTNER = "11111111-1111-1111-1111-111111111111"
APP_ID = "33333333-3333-3333-3333-333333333333"
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
GRAPH = "00000003-0000-0000-c000-000000000000"


def assert_aadsts(response, code, status=400, error=None):
    """The token endpoint's JSON error shape (contract §2.4)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert "Trace ID:" in body["error_description"] and "Correlation ID:" in body["error_description"]
    for key in ("timestamp", "trace_id", "correlation_id", "error_uri"):
        assert body[key]
    if error:
        assert body["error"] == error
    return body


def assert_graph_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}
    return error


def bearer(token):
    return {"Authorization": f"Bearer {token}"}
