"""Another machine on this one: a Linux network namespace joined to the host by a veth pair.

A process started in the namespace has its own loopback and one interface, so it reaches the master and Redis only
over that link, at the host end's address, as a worker on a LAN would; taking the link down is a network cut. It
needs root and iproute2; tests skip without them, and fail instead under CI (the CI machine has both).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.conftest import in_ci


@dataclass(frozen=True)
class Host:
    namespace: str
    host_link: str  # the veth end in the root namespace
    host_ip: str  # where processes in the namespace reach the master and Redis
    guest_ip: str

    def cut(self) -> None:
        """Take the link down: packets stop both ways, and no process learns it (no RST, no FIN)."""
        _ip("link", "set", self.host_link, "down")

    def restore(self) -> None:
        _ip("link", "set", self.host_link, "up")


def _ip(*args: str) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {result.stderr.strip()}")


def _require_netns() -> None:
    reason = None
    if shutil.which("ip") is None:
        reason = "iproute2 (`ip`) is not installed"
    elif os.geteuid() != 0:
        reason = "network namespaces need root"
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"{reason}; the cluster tests with separate hosts need it under CI")
    pytest.skip(reason)


@contextmanager
def other_host() -> Iterator[Host]:
    """A namespace with one veth link to the host on a random /24 of 10.213.0.0/16; removed at the end."""
    _require_netns()
    tag = secrets.token_hex(3)
    subnet = 10 + secrets.randbelow(240)  # so two runs side by side do not share addresses
    host = Host(f"flowml-{tag}", f"fmv{tag}a", f"10.213.{subnet}.1", f"10.213.{subnet}.2")
    guest_link = f"fmv{tag}b"
    _ip("netns", "add", host.namespace)
    try:
        _ip("link", "add", host.host_link, "type", "veth", "peer", "name", guest_link)
        _ip("link", "set", guest_link, "netns", host.namespace)
        _ip("addr", "add", f"{host.host_ip}/24", "dev", host.host_link)
        _ip("link", "set", host.host_link, "up")
        _ip("-n", host.namespace, "addr", "add", f"{host.guest_ip}/24", "dev", guest_link)
        _ip("-n", host.namespace, "link", "set", guest_link, "up")
        _ip("-n", host.namespace, "link", "set", "lo", "up")
        yield host
    finally:
        subprocess.run(["ip", "link", "del", host.host_link], capture_output=True, check=False)  # takes its peer
        subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True, check=False)
