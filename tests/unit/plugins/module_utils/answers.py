"""Helpers for tests that script HTTP answers instead of a network."""
from email.message import Message


def header_map(headers):
    """Case-insensitive headers, as http.client hands them over."""
    message = Message()
    for name, value in (headers or {}).items():
        message[name] = value
    return message
