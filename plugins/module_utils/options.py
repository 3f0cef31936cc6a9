# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the shared connection options, made before any request by modules and plugins alike."""
from __future__ import absolute_import, division, print_function

from .endpoints import Endpoints
from .errors import InvalidInputError

__metaclass__ = type

INSECURE_WARNING = ("validate_certs is false: TLS certificates are NOT verified, so anyone on the network path can "
                    "read the partner's tokens. Use ca_path instead outside throw-away tests.")


def check_connection_options(params, endpoint_overrides):
    """Validate timeout, retries and credentials; return the Endpoints for ``cloud`` and the overrides."""
    if params["timeout"] <= 0:
        raise InvalidInputError("timeout must be a positive number of seconds, got %s." % params["timeout"])
    if params["max_retries"] < 0:
        raise InvalidInputError("max_retries must be 0 or more, got %s." % params["max_retries"])
    if params["client_secret"] and params["client_certificate_path"]:
        raise InvalidInputError("Set client_secret or client_certificate_path, not both.")
    try:
        return Endpoints(params["cloud"], endpoint_overrides)
    except ValueError as exc:
        raise InvalidInputError(str(exc) + ".")
