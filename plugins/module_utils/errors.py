# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the shared layer. Each carries one readable sentence; the module base turns it into the failed result."""


class CspError(Exception):
    """Base class. ``details`` holds structured, secret-free facts returned alongside the message."""

    def __init__(self, message, **details):
        super(CspError, self).__init__(message)
        self.message = message
        self.details = dict((k, v) for k, v in details.items() if v is not None)


class InvalidInputError(CspError):
    """Bad option values, caught before any request is sent."""


class AuthError(CspError):
    """A token could not be acquired (AADSTS errors, missing credentials)."""


class TransportError(CspError):
    """The service could not be reached or kept failing after the allowed retries."""


class ServiceError(CspError):
    """The service answered with a definite error (not retried)."""

    def __init__(self, message, status=None, code=None, exception_type=None, **details):
        super(ServiceError, self).__init__(message, status=status, code=code, exception_type=exception_type, **details)
        self.status = status
        self.code = code
        self.exception_type = exception_type


class NotFoundError(ServiceError):
    """The addressed object does not exist."""


class OutcomeUnknownError(CspError):
    """A non-idempotent write may or may not have been applied; resending it blindly could duplicate it."""
