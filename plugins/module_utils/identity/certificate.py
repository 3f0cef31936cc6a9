# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The partner app's certificate credential, checked before any request and handed to msal.

msal signs the client assertion; what it cannot know is which certificate of a PEM file belongs to the key (it
takes the first, so a chain-first file would give a wrong ``x5t#S256``) and whether the key opens at all. Both are
checked here with ``cryptography`` (which msal needs for certificates too), imported only for a certificate run.
"""

import re

from ..errors import InvalidInputError


_KEY = re.compile(r"-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----",
                  re.S)
_CERT = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def certificate_credential(path, passphrase=None):
    """msal's ``client_credential`` for the PEM at ``path``: the private key and the certificate that matches it.

    Raises InvalidInputError naming the problem (never the key or the passphrase)."""
    try:
        with open(path, "r") as handle:
            pem = handle.read()
    except (IOError, OSError) as exc:
        raise InvalidInputError("client_certificate_path %s cannot be read: %s" % (path, exc.strerror or exc))
    except UnicodeDecodeError:
        raise InvalidInputError("client_certificate_path %s is not a PEM text file (a .pfx must be converted to PEM "
                                "first)" % path)
    keys, certs = _KEY.findall(pem), _CERT.findall(pem)
    if len(keys) != 1 or not certs:
        raise InvalidInputError("client_certificate_path %s must hold one PEM private key and its PEM certificate "
                                "(found %d key(s), %d certificate(s))" % (path, len(keys), len(certs)))
    try:
        from cryptography import x509  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise InvalidInputError("client_certificate_path needs the Python library cryptography on the host that "
                                "runs the module (pip install cryptography); or use client_secret.")
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        key = serialization.load_pem_private_key(keys[0].encode("ascii"), password=secret)
    except TypeError:
        if secret:
            raise InvalidInputError("client_certificate_path %s: the private key is not encrypted, but "
                                    "client_certificate_passphrase is set; remove the passphrase." % path)
        raise InvalidInputError("client_certificate_path %s holds an encrypted private key; set "
                                "client_certificate_passphrase (or CSP_CLIENT_CERTIFICATE_PASSPHRASE)." % path)
    except ValueError:
        raise InvalidInputError("client_certificate_path %s: the private key cannot be read%s." % (
            path, " (wrong client_certificate_passphrase?)" if secret else ""))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidInputError("client_certificate_path %s: the identity platform needs an RSA key, not %s."
                                % (path, type(key).__name__.lstrip("_")))
    public = key.public_key().public_numbers()
    for block in certs:
        try:
            cert = x509.load_pem_x509_certificate(block.encode("ascii"))
        except ValueError:
            raise InvalidInputError("client_certificate_path %s: a PEM certificate in it cannot be read" % path)
        cert_key = cert.public_key()
        if isinstance(cert_key, rsa.RSAPublicKey) and cert_key.public_numbers() == public:
            credential = {"private_key": keys[0], "public_certificate": block}
            if passphrase:
                credential["passphrase"] = passphrase
            return credential
    raise InvalidInputError("client_certificate_path %s: none of its %d certificate(s) belongs to its private key; "
                            "put the app's certificate and its own key in the file." % (path, len(certs)))
