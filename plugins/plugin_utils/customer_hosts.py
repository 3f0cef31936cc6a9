# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which customers become hosts, and under which names."""

import fnmatch
import re
import unicodedata


HOSTNAME_SOURCES = ("default_domain", "name", "tenant_id")
_UNSAFE = re.compile(r"[^a-z0-9]+")


def matches(customer, patterns):
    """True when a glob in ``patterns`` matches the tenant id, name or default domain (case-insensitive)."""
    values = [str(customer.get(k)).lower() for k in ("tenant_id", "name", "default_domain") if customer.get(k)]
    return any(fnmatch.fnmatchcase(v, str(p).lower()) for p in patterns for v in values)


def select(customers, include=None, exclude=None):
    """Customers matching any ``include`` pattern (all when none is given) and no ``exclude`` pattern."""
    return [c for c in customers if (not include or matches(c, include)) and not (exclude and matches(c, exclude))]


def sanitise(name):
    """A company name as a host name: lower-case ASCII letters and digits joined by ``-`` (accents dropped)."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_name.lower()).strip("-")


def preferred_name(customer, source):
    """The name ``source`` asks for; the tenant id when the customer lacks it (GDAP gives no domain)."""
    if source == "default_domain" and customer.get("default_domain"):
        return customer["default_domain"]
    if source in ("default_domain", "name") and sanitise(customer.get("name")):
        return sanitise(customer.get("name"))
    return customer["tenant_id"]


def host_names(customers, source="default_domain"):
    """``{tenant_id: host name}``. Names two customers would share get ``_<tenant id>`` appended on both,
    so a name never depends on the order the service lists customers in."""
    wanted = dict((c["tenant_id"], preferred_name(c, source)) for c in customers)
    counts = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    return dict((tid, name if counts[name] == 1 or name == tid else "%s_%s" % (name, tid))
                for tid, name in wanted.items())
