# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Objects read as desired-state input: the listed properties of each object in the form exo_settings and exo_object
take, so that feeding them back (to the same tenant or another) changes nothing."""

from . import nouns as rules
from ..errors import CspError, InvalidInputError
from .values import to_input_value
from .settings import is_singleton


def properties_for(noun, properties):
    if properties:
        return list(properties)
    curated = rules.DEFAULT_PROPERTIES.get(noun.lower())
    if not curated:
        raise InvalidInputError("properties is required for %s (curated lists exist for %s)."
                                % (noun, ", ".join(sorted(rules.DEFAULT_PROPERTIES))))
    return list(curated)


def _lookup(row, name):
    lowered = name.lower()
    return next((v for k, v in row.items() if k.lower() == lowered), None)


def as_desired(noun, row, properties):
    """One object read by Get- as ``{identity, settings, create_parameters}``."""
    create_only = set(p.lower() for p in rules.create_only(noun))
    settings, create = {}, {}
    for name in properties:
        value = to_input_value(name, _lookup(row, name))
        (create if name.lower() in create_only else settings)[name] = value
    identity = None if is_singleton(noun) else str(_lookup(row, "Name") or _lookup(row, "Identity") or "")
    return dict(identity=identity, settings=settings, create_parameters=create)


def read_objects(client, noun, properties, identities=None, opath_filter=None):
    select = ["Identity", "Name"] + [p for p in properties if p.lower() not in ("identity", "name")]
    if identities:
        rows = []
        for identity, outcome in zip(identities, client.batch([("Get-%s" % noun, {"Identity": i})
                                                               for i in identities], select=select)):
            if isinstance(outcome, CspError):
                raise InvalidInputError("%s '%s' could not be read in tenant %s: %s"
                                        % (noun, identity, client.token_tenant, outcome.message))
            rows.extend(outcome.rows)
    else:
        parameters = {"Filter": opath_filter} if opath_filter else {}
        rows = client.invoke("Get-%s" % noun, parameters, select=select).rows
    return [as_desired(noun, row, properties) for row in rows]
