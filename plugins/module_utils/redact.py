# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scrub secrets from anything that may reach a message, a log line or a return value."""

import re


MASK = "********"

# Secrets we may not know by value: JWTs, bearer headers, form fields of token requests.
_PATTERNS = [
    re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)((?:client_secret|refresh_token|access_token|client_assertion|password)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"),
]


class Redactor:
    """Knows the secret values of this run and masks them (and secret-shaped strings) in text and data."""

    def __init__(self, secrets=()):
        self._secrets = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        # Very short values would mask ordinary words; real secrets are long.
        if secret and len(str(secret)) >= 6:
            self._secrets.add(str(secret))

    def text(self, value):
        text = str(value)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text

    def data(self, value):
        """Recursively redact strings in dicts, lists and tuples."""
        if isinstance(value, dict):
            return dict((k, self.data(v)) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value
