# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opt-in on-disk cache of access tokens, so the tasks of one play reuse a tenant's token.

Every Ansible task is a new process; without this each one redeems the refresh token again. The file holds
live access tokens, so it is only used when the user names it (``token_cache`` / ``CSP_TOKEN_CACHE``), is
created mode 0600, refused when others can read it, and never holds refresh tokens or secrets. Keys are
hashes, so the file does not reveal which app or credential a token belongs to.
"""

import hashlib
import json
import os
import stat
import tempfile
import time

from ..errors import InvalidInputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows controllers are not supported by Ansible
    fcntl = None


def cache_key(*parts):
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


class TokenCache:
    def __init__(self, path):
        self.path = os.path.abspath(os.path.expanduser(path))
        if os.path.exists(self.path):
            mode = os.stat(self.path).st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise InvalidInputError("token_cache %s is readable by other users (mode %o); it holds access "
                                        "tokens: chmod 600 it or remove it." % (self.path, stat.S_IMODE(mode)))

    def _load(self):
        try:
            with open(self.path) as handle:
                data = json.load(handle)
            return data if isinstance(data, dict) else {}
        except (IOError, OSError, ValueError):
            return {}

    def get(self, key, margin):
        entry = self._load().get(key)
        if entry and entry.get("expires_on", 0) - time.time() > margin:
            return entry
        return None

    def put(self, key, entry):
        """Merge one entry under an exclusive lock (parallel forks share the file) and drop expired ones."""
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o700)
        lock_path = self.path + ".lock"
        lock = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            if fcntl:
                fcntl.flock(lock, fcntl.LOCK_EX)
            now = time.time()
            data = dict((k, v) for k, v in self._load().items() if v.get("expires_on", 0) > now)
            data[key] = entry
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".token-cache-")
            with os.fdopen(fd, "w") as handle:       # mkstemp creates the file 0600
                json.dump(data, handle)
            os.rename(tmp, self.path)
        finally:
            os.close(lock)
