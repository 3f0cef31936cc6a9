"""The M365 partner sandbox: a local HTTPS emulator of the identity platform, Microsoft Graph,
Partner Center and the Exchange Online admin API (see ../shared/api-contract.md and docs/sandbox.md).

Organised per service over one state store: ``store`` holds typed state, ``services/*`` speak the
wire formats, ``server`` owns sockets and TLS, ``faults`` and ``requestlog`` sit in the dispatcher.
"""
