# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base URLs and token resources per Microsoft cloud, and the ``endpoints`` override.

The token *resource* (``aud``, and so the ``/.default`` scope) is fixed by the cloud even when
``endpoints`` sends the traffic elsewhere (a proxy, the sandbox): tokens are minted for the real service.
"""

SERVICES = ("login", "graph", "exchange", "partner_center")

# DoD and China Exchange hosts are disputed between Microsoft sources; overridable via ``endpoints.exchange``.
CLOUDS = {
    "global": {
        "login": "https://login.microsoftonline.com",
        "graph": "https://graph.microsoft.com",
        "exchange": "https://outlook.office365.com",
        "partner_center": "https://api.partnercenter.microsoft.com",
        "initial_domain_suffix": ".onmicrosoft.com",
    },
    "usgov_high": {
        "login": "https://login.microsoftonline.us",
        "graph": "https://graph.microsoft.us",
        "exchange": "https://outlook.office365.us",
        "partner_center": "https://api.partnercenter.microsoft.com",
        "initial_domain_suffix": ".onmicrosoft.us",
    },
    "usgov_dod": {
        "login": "https://login.microsoftonline.us",
        "graph": "https://dod-graph.microsoft.us",
        "exchange": "https://outlook-dod.office365.us",
        "partner_center": "https://api.partnercenter.microsoft.com",
        "initial_domain_suffix": ".onmicrosoft.us",
    },
    "china": {
        "login": "https://login.chinacloudapi.cn",
        "graph": "https://microsoftgraph.chinacloudapi.cn",
        "exchange": "https://partner.outlook.cn",
        "partner_center": "https://partner.partnercenterapi.microsoftonline.cn",
        "initial_domain_suffix": ".partner.onmschina.cn",
    },
}


class Endpoints:
    """Where to send requests (``base``) and which resource to ask tokens for (``resource``)."""

    def __init__(self, cloud="global", overrides=None):
        if cloud not in CLOUDS:
            raise ValueError("cloud must be one of %s, got %r" % (", ".join(sorted(CLOUDS)), cloud))
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(SERVICES))
        if unknown:
            raise ValueError("endpoints has unknown keys %s; allowed: %s" % (", ".join(unknown), ", ".join(SERVICES)))
        self.cloud = cloud
        self.resource = dict((name, CLOUDS[cloud][name]) for name in SERVICES if name != "login")
        self.base = {}
        for name in SERVICES:
            url = overrides.get(name) or CLOUDS[cloud][name]
            if not str(url).startswith("https://"):
                raise ValueError("endpoints.%s must be an https:// URL, got %r" % (name, url))
            self.base[name] = str(url).rstrip("/")

    def authority(self, tenant):
        return "%s/%s" % (self.base["login"], tenant)

    def scope(self, service):
        """The ``.default`` scope of a service's resource: all permissions consented for the app."""
        return "%s/.default" % self.resource[service]

    def graph_url(self, path):
        return "%s/v1.0/%s" % (self.base["graph"], path.lstrip("/"))

    def partner_center_url(self, path):
        return "%s/v1/%s" % (self.base["partner_center"], path.lstrip("/"))

    def exchange_url(self, tenant_segment, action):
        return "%s/adminapi/beta/%s/%s" % (self.base["exchange"], tenant_segment, action)

    def cloud_hint(self, service):
        """A 401's other cause: a token of the wrong cloud (its audience is fixed by ``cloud``, not ``endpoints``)."""
        others = ", ".join("%s" % name for name in sorted(CLOUDS) if name != self.cloud)
        return ("The token was requested for the %s cloud (audience %s); a tenant in another cloud accepts only its "
                "own cloud's tokens, so set cloud to the tenant's (%s)." % (self.cloud, self.resource[service], others))

    @property
    def is_overridden(self):
        return any(self.base[name] != CLOUDS[self.cloud][name] for name in SERVICES)
