"""The suite runs offline: opening a network connection fails, whatever the test does."""

from __future__ import annotations

import socket
import urllib.request

import pytest
from pytest_socket import SocketBlockedError

# pytest-socket warns before it raises; the suite turns warnings into errors, which would also fail the test.
pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket")


def test_socket_connection_is_refused() -> None:
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("127.0.0.1", 9))


def test_urllib_download_is_refused() -> None:
    # What argostranslate's package index update would do.
    with pytest.raises(SocketBlockedError):
        urllib.request.urlopen("https://example.org/index.json", timeout=1)  # noqa: S310
