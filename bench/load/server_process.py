"""server_process.py — starting and stopping a CoAP server for a benchmark.

Shared by serve_under_load.py and ../wire_compare.py: a free loopback UDP
port, a CoAP ping (an empty CON, answered by an RST) to tell when a server is
up, and start/stop of the server process (optionally pinned to one CPU).
"""
import os
import socket
import struct
import subprocess
import time


def _family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host="127.0.0.1"):
    with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def answers_ping(port, host="127.0.0.1"):
    with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        s.sendto(struct.pack("!BBH", 0x40, 0, 0x1234), (host, port))
        try:
            data, _ = s.recvfrom(16)
        except (socket.timeout, ConnectionRefusedError):
            return False
    return len(data) >= 4 and (data[0] >> 4) & 3 == 3


def start(argv, port, host="127.0.0.1", cpu=None):
    """Starts argv and waits (up to 10 s) until it answers a ping on host:port.

    cpu: pin the process to this CPU (its children too) before it runs."""
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=pin)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{argv[0]} exited at start: {process.stderr.read().decode()}")
        if answers_ping(port, host):
            return process
    process.kill()
    process.wait()
    raise SystemExit(f"{argv[0]} never answered a ping")


def stop(process):
    """SIGTERM, then SIGKILL after 5 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
