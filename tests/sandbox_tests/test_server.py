"""The HTTPS server: TLS with the generated CA for 127.0.0.1 and localhost, plain HTTP refused, keep-alive,
unknown routes in each service's shape."""
import http.client
import socket
import ssl

from .helpers import CONTOSO


def _tls_context(handle):
    return ssl.create_default_context(cafile=handle.env["CSP_CA_PATH"])


def test_certificate_is_valid_for_127_0_0_1_and_localhost(sandbox):
    port = sandbox.sandbox.base_url.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "localhost"):
        response = sandbox.session().get(f"https://{host}:{port}/_sandbox/health")
        assert response.status_code == 200


def test_plain_http_is_refused(sandbox):
    port = int(sandbox.sandbox.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /_sandbox/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"only speaks HTTPS" in answer


def test_keep_alive_serves_many_requests_on_one_connection(sandbox):
    port = int(sandbox.sandbox.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=_tls_context(sandbox), timeout=5)
    connection.request("GET", "/_sandbox/health")
    connection.getresponse().read()
    sock = connection.sock
    for dummy in range(5):
        connection.request("GET", f"/{CONTOSO}/v2.0/.well-known/openid-configuration")
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("connection") is None
        response.read()
        assert connection.sock is sock
    connection.close()


def test_unknown_routes_answer_in_the_services_shape(sandbox):
    session = sandbox.session()
    graph = session.get(f"{sandbox.url}/v1.0/users")
    assert graph.status_code == 400 and graph.json()["error"]["code"] == "BadRequest"
    pc = session.get(f"{sandbox.url}/v1/invoices")
    assert pc.status_code == 404 and pc.json()["source"] == "PartnerFD"
    identity = session.get(f"{sandbox.url}/{CONTOSO}/oauth2/v2.0/devicecode")
    assert identity.status_code == 404 and identity.json()["error_codes"] == [900144]
