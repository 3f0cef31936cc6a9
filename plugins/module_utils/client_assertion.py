# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client assertion that proves the partner app's certificate to the identity platform.

A PS256 JWT with the certificate's SHA-256 thumbprint (``x5t#S256``) and the certificate itself (``x5c``), signed
with its RSA key: the form msal for Python sends (api-contract §2.2). ``cryptography`` is imported only here, so
a secret-based run never loads it.
"""
from __future__ import absolute_import, division, print_function

import base64
import hashlib
import json
import re
import time
import uuid

from .errors import InvalidInputError

__metaclass__ = type

# msal regenerates its assertion after 540 s of the 600 it is valid for.
LIFETIME = 600
REUSE_FOR = 540

_KEY = re.compile(r"-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----",
                  re.S)
_CERT = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class ClientCertificate:
    """The PEM at ``client_certificate_path``: a private key and the certificate registered on the app."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "r") as handle:
                pem = handle.read()
        except (IOError, OSError) as exc:
            raise InvalidInputError("client_certificate_path %s cannot be read: %s" % (path, exc.strerror or exc))
        key, cert = _KEY.search(pem), _CERT.search(pem)
        if not key or not cert:
            raise InvalidInputError("client_certificate_path %s must hold both a PEM private key and a PEM "
                                    "certificate" % path)
        try:
            self.der = base64.b64decode("".join(cert.group(1).split()), validate=True)
        except (ValueError, TypeError):
            raise InvalidInputError("client_certificate_path %s: the PEM certificate is not valid base64" % path)
        self._key_pem = key.group(0).encode("ascii")
        self._key = None
        self._issued = {}       # audience -> (issued at, assertion)

    def _private_key(self):
        if self._key is None:
            try:
                from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
                from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
            except ImportError:
                raise InvalidInputError("client_certificate_path needs the Python library cryptography on the host "
                                        "that runs the module (pip install cryptography); or use client_secret.")
            try:
                key = serialization.load_pem_private_key(self._key_pem, password=None)
            except TypeError:
                raise InvalidInputError("client_certificate_path %s holds an encrypted private key; store it "
                                        "unencrypted with mode 0600 (or use client_secret)." % self.path)
            except ValueError:
                raise InvalidInputError("client_certificate_path %s: the private key cannot be read" % self.path)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise InvalidInputError("client_certificate_path %s: the identity platform needs an RSA key, not %s."
                                        % (self.path, type(key).__name__.lstrip("_")))
            self._key = key
        return self._key

    def assertion(self, client_id, audience, now=None):
        """A signed assertion for the token endpoint ``audience``, reused while it has over a minute left."""
        now = time.time() if now is None else now
        issued = self._issued.get(audience)
        if issued and now - issued[0] < REUSE_FOR:
            return issued[1]
        header = {"alg": "PS256", "typ": "JWT", "x5t#S256": _b64url(hashlib.sha256(self.der).digest()),
                  "x5c": [base64.b64encode(self.der).decode("ascii")]}
        claims = {"aud": audience, "iss": client_id, "sub": client_id, "jti": str(uuid.uuid4()),
                  "iat": now, "exp": now + LIFETIME}
        signing_input = ("%s.%s" % (_b64url(json.dumps(header, separators=(",", ":")).encode("utf-8")),
                                    _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8")))).encode("ascii")
        key = self._private_key()      # first: it explains a missing cryptography
        from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.asymmetric import padding  # pylint: disable=import-outside-toplevel
        # PS256 = RSASSA-PSS, SHA-256, MGF1 SHA-256, salt as long as the digest (RFC 7518 §3.5).
        signature = key.sign(signing_input, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                             hashes.SHA256())
        token = "%s.%s" % (signing_input.decode("ascii"), _b64url(signature))
        self._issued[audience] = (now, token)
        return token
