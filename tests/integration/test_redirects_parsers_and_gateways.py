"""Redirects, next-page links and gateways that would carry the token and the body to another host, or make a call
that never ran look answered.

A backslash in the authority is read differently by URL parsers: urllib.parse reads ``https://OTHER\\@REDIRECTOR/``
as host REDIRECTOR (userinfo "OTHER\\"), urllib3, which sends the request, as host OTHER.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration.conftest import CONTOSO, dump
from tests.integration.test_redirects import PASSWORD, Recorder, endpoints, trusted_tls


class HeaderRecorder(Recorder):
    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, body, dict(self.headers)))
        status, headers = self.server.answer(self.path)
        self.send_response(status)
        for name, value in dict(headers, **{"Content-Length": "0"}).items():
            self.send_header(name, value)
        self.end_headers()

    do_GET = do_POST = do_PATCH = _handle


def serve_tls(handler, context, answer=None):
    """A local TLS server of ``handler`` that records what it is sent (``seen``) and answers ``answer(path)``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.seen, httpd.answer = [], answer
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def world(sb, tmp_path):
    """A redirector and another host, plus ``start(handler, answer)`` for more, all trusted through one CA bundle."""
    context, bundle = trusted_tls(sb, tmp_path)
    servers, targets = [], {}

    def start(handler, answer=None):
        servers.append(serve_tls(handler, context, answer))
        return servers[-1]

    other = start(HeaderRecorder, lambda path: (200, {}))
    redirector = start(HeaderRecorder, lambda path: (307, {"Location": targets["location"] + path}))
    yield dict(bundle=str(bundle), other=other, redirector=redirector, targets=targets, start=start)
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def exchange_at(sb, world, server):
    """The environment that sends Exchange calls to ``server``."""
    return {"CSP_ENDPOINTS": endpoints(sb, exchange="https://127.0.0.1:%d" % server.server_address[1]),
            "CSP_CA_PATH": world["bundle"]}


def test_a_backslash_in_the_location_sends_nothing_to_another_host(sb, world):
    other_port = world["other"].server_address[1]
    red_port = world["redirector"].server_address[1]
    # urllib.parse: host 127.0.0.1, port red_port (the redirector's own origin), so a check built on it would follow.
    # urllib3: host 127.0.0.1, port other_port -> that is where the request goes.
    world["targets"]["location"] = "https://127.0.0.1:%d\\@127.0.0.1:%d" % (other_port, red_port)
    exchange = "https://127.0.0.1:%d" % red_port
    run = sb.play("""
        - name: password
          csp.exchange.exo_command:
            tenant: %s
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, Password: %s}
          ignore_errors: true
    """ % (CONTOSO, PASSWORD), env={"CSP_ENDPOINTS": endpoints(sb, exchange=exchange),
                                    "CSP_CA_PATH": world["bundle"]})
    leaked = [(m, p, b, h) for m, p, b, h in world["other"].seen
              if PASSWORD.encode() in b or "authorization" in {k.lower() for k in h}]
    assert leaked == [], "sent to another port: %r\n%s" % (leaked[:1], dump(run))


def status(run, task):
    return next(e["status"] for e in run.results if e["task"] == task)


class BodyRecorder(HeaderRecorder):
    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, body, dict(self.headers)))
        status, payload = self.server.answer(self.path)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _handle


def test_an_exchange_next_link_to_another_host_is_not_followed(sb, world, tmp_path):
    """Not a redirect but the same leak: @odata.nextLink without /adminapi/ is followed as-is (client._rebase)."""
    other = world["other"]
    page = {"value": [{"Name": "a"}], "@odata.nextLink": "https://127.0.0.1:%d/page2" % other.server_address[1]}
    fake = world["start"](BodyRecorder, lambda path: (200, page))
    run = sb.play("""
        - name: list
          csp.exchange.exo_command:
            tenant: %s
            cmdlet: Get-Mailbox
            parameters: {Filter: "Name -like 'x*'"}
          ignore_errors: true
    """ % CONTOSO, env=exchange_at(sb, world, fake))
    assert fake.seen, dump(run)
    leaked = [(m, p, h.get("Authorization", "")[:20]) for m, p, b, h in other.seen if "Authorization" in h]
    assert leaked == [], "%r\n%s" % (leaked, dump(run))


class LoginPage(BaseHTTPRequestHandler):
    """A gateway in front of the service: every POST is sent (302, same origin) to a sign-in page that answers 200
    HTML to the GET."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(("POST", self.path))
        self.send_response(302)
        self.send_header("Location", "/login")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.server.seen.append(("GET", self.path))
        data = b"<html><body>Sign in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_302_to_a_sign_in_page_fails_the_cmdlet_instead_of_reporting_ok(sb, world):
    gateway = world["start"](LoginPage)
    run = sb.play("""
        - name: set
          csp.exchange.exo_command:
            tenant: %s
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, RetainDeletedItemsFor: "30.00:00:00"}
          ignore_errors: true
    """ % CONTOSO, env=exchange_at(sb, world, gateway))
    assert gateway.seen == [("POST", "/adminapi/beta/%s/InvokeCommand" % CONTOSO)], gateway.seen   # no GET followed
    assert status(run, "set") == "failed", dump(run)
    assert "turn the request into a GET" in run.task("set")["msg"]


def test_a_drift_check_through_a_sign_in_page_fails_instead_of_reporting_no_drift(sb, world):
    gateway = world["start"](LoginPage)
    run = sb.play("""
        - name: settings
          csp.exchange.exo_settings:
            tenant: %s
            object: Mailbox
            settings: {RetainDeletedItemsFor: "30.00:00:00"}
          check_mode: true
          ignore_errors: true
    """ % CONTOSO, env=exchange_at(sb, world, gateway))
    assert status(run, "settings") == "failed", "nothing was read, yet: %s" % json.dumps(run.task("settings"))
