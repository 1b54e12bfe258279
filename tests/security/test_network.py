"""No route out: loopback services, path-based and abstract unix sockets are all unreachable."""

import socket
import time

import pytest

pytestmark = pytest.mark.security


def test_listeners_answer_on_the_host(canaries):
    """The canaries work: the same contacts made from the host are recorded."""
    recorder = canaries.recorder
    expected = 0
    for name, port in recorder.ports.items():
        if name != "udp":
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            expected += 1
    for path in recorder.paths:
        socket.socket(socket.AF_UNIX).connect(str(path))
        expected += 1
    deadline = time.monotonic() + 5
    while len(recorder.contacts) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(recorder.contacts) == expected
    recorder.contacts.clear()


@pytest.mark.parametrize("service", ["random", "redis", "postgres", "web"])
def test_submission_cannot_reach_tcp_services_on_loopback(hostile, canaries, service):
    port = canaries.recorder.ports.get(
        service, {"redis": 6379, "postgres": 5432, "web": 8000}.get(service)
    )
    program = f"""
import socket
for host in ("127.0.0.1", "localhost", "::1", "0.0.0.0"):
    try:
        socket.create_connection((host, {port}), timeout=1).close()
        print("CONNECTED", host)
    except OSError as exc:
        print("blocked", host, type(exc).__name__)
"""
    result = hostile(program)
    assert "CONNECTED" not in result.stdout
    assert result.stdout.count("blocked") == 4


def test_submission_cannot_send_udp_to_loopback(hostile, canaries):
    port = canaries.recorder.ports["udp"]
    program = f"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for target in (("127.0.0.1", {port}), ("127.0.0.1", 53), ("8.8.8.8", 53)):
    try:
        s.sendto(b"exfiltrate", target)
        print("sent", target)
    except OSError as exc:
        print("blocked", target, type(exc).__name__)
"""
    hostile(program)  # whatever it sent stayed in its own network namespace: nothing was recorded


def test_network_namespace_has_no_interface_but_loopback(hostile):
    program = """
import socket
print("IFACES", sorted(name for _, name in socket.if_nameindex()))
try:
    socket.getaddrinfo("example.com", 80)
    print("RESOLVED")
except OSError as exc:
    print("no dns", type(exc).__name__)
"""
    result = hostile(program)
    assert "IFACES ['lo']" in result.stdout
    assert "RESOLVED" not in result.stdout


@pytest.mark.parametrize(
    "path",
    [
        "/tmp/.s.PGSQL.5432",
        "/run/postgresql/.s.PGSQL.5432",
        "/var/run/postgresql/.s.PGSQL.5432",
        "/run/redis/redis.sock",
        "/var/run/docker.sock",
        "/run/systemd/private",
    ],
)
def test_submission_cannot_reach_path_unix_sockets(hostile, path):
    program = f"""
import socket
try:
    socket.socket(socket.AF_UNIX).connect({path!r})
    print("CONNECTED")
except OSError as exc:
    print("blocked", type(exc).__name__)
"""
    result = hostile(program)
    assert "CONNECTED" not in result.stdout and "blocked" in result.stdout


def test_submission_cannot_reach_abstract_unix_sockets(hostile, canaries):
    name = f"\\0tracelab-canary-{canaries.token[-8:]}"
    program = f"""
import socket
for name in ({name!r}, "\\0/tmp/.X11-unix/X0", "\\0/org/freedesktop/systemd1/notify"):
    try:
        socket.socket(socket.AF_UNIX).connect(name)
        print("CONNECTED", name)
    except OSError as exc:
        print("blocked", type(exc).__name__)
"""
    result = hostile(program)
    assert "CONNECTED" not in result.stdout and result.stdout.count("blocked") == 3


def test_raw_and_packet_sockets_are_refused(hostile):
    program = """
import socket
for family, kind in ((socket.AF_INET, socket.SOCK_RAW), (socket.AF_PACKET, socket.SOCK_RAW),
                     (socket.AF_NETLINK, socket.SOCK_RAW)):
    try:
        s = socket.socket(family, kind, 0 if family != socket.AF_INET else socket.IPPROTO_ICMP)
        print("OPENED", family)
    except OSError as exc:
        print("refused", type(exc).__name__)
"""
    result = hostile(program)
    assert "OPENED AddressFamily.AF_INET" not in result.stdout
    assert "OPENED AddressFamily.AF_PACKET" not in result.stdout
