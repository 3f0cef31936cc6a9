import os
import stat
import time

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.identity.tokens import AccessToken, TokenProvider
from ansible_collections.csp.exchange.plugins.module_utils.endpoints import Endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.identity.token_cache import TokenCache


class CountingProvider(TokenProvider):
    def __init__(self, cache, refresh_token="rt-one"):
        super().__init__(Endpoints(), None, client_id="app", client_secret="secret-value", refresh_token=refresh_token,
                         cache=cache)
        self.acquired = 0

    def _acquire(self, service, tenant, force_refresh=False, claims=None):
        self.acquired += 1
        return AccessToken("token-%d-%s" % (self.acquired, tenant), time.time() + 3600, "tid", ["Exchange.Manage"])


def test_tasks_share_a_token_through_the_file_and_it_is_private(tmp_path):
    path = str(tmp_path / "cache" / "tokens.json")
    first = CountingProvider(TokenCache(path))
    token = first.get("exchange", "Contoso.com").token
    second = CountingProvider(TokenCache(path))          # a later task: a new process, a new provider
    assert second.get("exchange", "contoso.com").token == token and second.acquired == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = open(path).read()
    assert "secret-value" not in content and "rt-one" not in content and "contoso" not in content


def test_other_credentials_services_and_forced_refresh_do_not_reuse(tmp_path):
    path = str(tmp_path / "tokens.json")
    CountingProvider(TokenCache(path)).get("exchange", "t")
    other_rt = CountingProvider(TokenCache(path), refresh_token="rt-two")
    other_rt.get("exchange", "t")
    assert other_rt.acquired == 1
    same = CountingProvider(TokenCache(path))
    same.get("graph", "t")
    assert same.acquired == 1
    refreshed = CountingProvider(TokenCache(path))
    assert refreshed.get("exchange", "t", force_refresh=True).token.startswith("token-1") and refreshed.acquired == 1


def test_expired_entries_are_not_used(tmp_path):
    cache = TokenCache(str(tmp_path / "tokens.json"))
    cache.put("k", {"token": "x", "expires_on": time.time() + 100})
    assert cache.get("k", margin=330) is None
    cache.put("k", {"token": "y", "expires_on": time.time() + 1000})
    assert cache.get("k", margin=330)["token"] == "y"


def test_a_world_readable_cache_is_refused(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text("{}")
    os.chmod(str(path), 0o644)
    with pytest.raises(InvalidInputError, match="readable by other users"):
        TokenCache(str(path))
