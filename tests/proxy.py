"""A forward proxy on loopback for tests: HTTP CONNECT tunnels with Basic proxy credentials, served over plain TCP
(an http:// proxy) or over TLS (an https:// proxy). It records each CONNECT target and relays bytes untouched, so
the client's TLS to the service runs end to end through it, as through a corporate proxy."""
import base64
import select
import socket
import ssl
import threading
from typing import List, Optional, Tuple


class TunnelProxy:
    def __init__(self, user: str, password: str, context: Optional[ssl.SSLContext] = None):
        self.expected = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        self.context = context
        self.tunnels: List[str] = []
        self.refused: List[str] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def scheme(self) -> str:
        return "https" if self.context else "http"

    def url(self, user: str, password: str) -> str:
        return "%s://%s:%s@127.0.0.1:%d" % (self.scheme, user, password, self.port)

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            if self.context:
                client = self.context.wrap_socket(client, server_side=True)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            headers = dict((k.strip().lower(), v.strip()) for k, _s, v in (line.partition(":") for line in lines[1:]))
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            if headers.get("proxy-authorization") != self.expected:
                self.refused.append(target)
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                               b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=10)
            self.tunnels.append(target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._relay(client, upstream)
        except (OSError, ValueError, ssl.SSLError):
            pass
        finally:
            client.close()

    @staticmethod
    def _relay(client: socket.socket, upstream: socket.socket) -> None:
        pairs: Tuple = ((client, upstream), (upstream, client))
        try:
            while True:
                # A TLS client socket may hold decrypted bytes that select() cannot see.
                ready = [s for s in (client,) if isinstance(s, ssl.SSLSocket) and s.pending()]
                if not ready:
                    ready, _w, _x = select.select([client, upstream], [], [], 30)
                    if not ready:
                        return
                for source, sink in pairs:
                    if source in ready:
                        data = source.recv(65536)
                        if not data:
                            return
                        sink.sendall(data)
        finally:
            upstream.close()
