#!/usr/bin/env python3
"""serve_workers_test.py — `cobalt serve --workers N` over loopback: N worker
processes share one port (SO_REUSEPORT); requests from many client ports are
all answered and spread over the workers (each logs what it received when it
stops); a file PUT through one worker is read back through another; SIGTERM
or SIGINT to the parent stops every worker; a parent killed outright takes its
workers with it; a bad --workers is refused. Bounded: every wait has a limit.
Usage: serve_workers_test.py PATH_TO_COBALT
"""
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import interop  # noqa: E402  (free_udp_port: a port no concurrent client can take first)

COBALT = sys.argv[1]
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def free_port():
    return interop.free_udp_port(interop.FAMILIES["v4"])


def request(port, code, message_id, path, payload=b"", sock=None):
    """One CON request from its own socket (a new source port) unless given one;
    returns (code, payload) of the piggybacked answer or None."""
    own = sock is None
    sock = sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.settimeout(0.5)
        token = struct.pack("!H", message_id)
        message = struct.pack("!BBH", 0x40 | len(token), code, message_id) + token
        last = 0
        for segment in path.strip("/").split("/"):
            data = segment.encode()
            delta = 11 - last
            message += bytes([(delta << 4) | len(data)]) + data  # short segments only
            last = 11
        if payload:
            message += b"\xff" + payload
        for _ in range(4):
            sock.sendto(message, ("127.0.0.1", port))
            try:
                data, _ = sock.recvfrom(2048)
            except socket.timeout:
                continue
            if len(data) >= 4 and data[2:4] == message[2:4]:
                body = data.split(b"\xff", 1)[1] if b"\xff" in data else b""
                return data[1], body
        return None
    finally:
        if own:
            sock.close()


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def wait_gone(pids, seconds):
    """Blocks on each process's pidfd (readable once it has exited) until all
    are gone or `seconds` pass; no polling."""
    deadline = time.monotonic() + seconds
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            left = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return False
        finally:
            os.close(fd)
    # Exited; a worker may still be a zombie until its parent reaps it.
    return True


def start(directory, port, workers, log, own_group=False):
    """The server, once it has its workers and one of them answers."""
    server = subprocess.Popen([COBALT, "serve", directory, "--bind", "127.0.0.1", "--port",
                               str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=log, start_new_session=own_group)
    # Each attempt waits on the network (a request with its own timeout):
    # until every worker is forked and one of them answers.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (len(children(server.pid)) < workers
                                           or request(port, 1, 1, "/time") is None):
        pass
    return server


def main():
    with tempfile.TemporaryDirectory(prefix="cobalt-workers-") as work:
        served = os.path.join(work, "files")
        os.mkdir(served)
        log_path = os.path.join(work, "serve.log")
        port = free_port()
        with open(log_path, "wb") as log:
            server = start(served, port, 2, log)
            try:
                workers = children(server.pid)
                check(len(workers) == 2, f"two worker processes ({workers})")
                answers = [request(port, 1, 100 + i, "/time") for i in range(64)]
                check(all(a is not None and a[0] == 0x45 and re.match(rb"\d{4}-", a[1])
                          for a in answers), "64 GETs from 64 client ports all answered 2.05")
                put = request(port, 3, 300, "/shared.txt", b"written by one worker")
                check(put is not None and put[0] in (0x41, 0x44), f"PUT /shared.txt: {put}")
                readers = [request(port, 1, 400 + i, "/shared.txt") for i in range(16)]
                check(all(r is not None and r[1] == b"written by one worker" for r in readers),
                      "the file reads back the same from 16 client ports")
                server.send_signal(signal.SIGTERM)
                server.wait(10)
                check(server.returncode == 0, f"SIGTERM: the parent exits 0 ({server.returncode})")
                check(wait_gone(workers, 5), "SIGTERM: every worker stopped")
            finally:
                if server.poll() is None:
                    server.kill()
        with open(log_path) as f:
            received = [int(n) for n in re.findall(r"stopped after (\d+) datagrams", f.read())]
        check(len(received) == 2 and all(n > 0 for n in received),
              f"both workers received requests: {received}")
        if len(received) != 2:
            with open(log_path) as f:
                print(f.read())

        # SIGINT stops them too; a parent killed outright takes its workers along.
        with open(os.devnull, "wb") as log:
            server = start(served, free_port(), 3, log)
            workers = children(server.pid)
            check(len(workers) == 3, f"three worker processes ({workers})")
            server.send_signal(signal.SIGINT)
            server.wait(10)
            check(server.returncode == 0 and wait_gone(workers, 5), "SIGINT stops every worker")
            server = start(served, free_port(), 2, log)
            workers = children(server.pid)
            server.kill()
            server.wait(10)
            check(len(workers) == 2 and wait_gone(workers, 5),
                  "workers die with a parent killed by SIGKILL")

        # A service manager stops the whole group with SIGTERM: a clean stop.
        with open(log_path, "wb") as log:
            port = free_port()
            server = start(served, port, 2, log, own_group=True)
            workers = children(server.pid)
            # Both serving (so both have their handlers): requests from enough
            # client ports reach each of them.
            for i in range(32):
                request(port, 1, 600 + i, "/time")
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
            check(server.returncode == 0 and wait_gone(workers, 5),
                  f"SIGTERM to the process group: exit {server.returncode}, workers gone")
        with open(log_path) as f:
            check(f.read().count("stopped after") == 2, "both workers stopped cleanly")

        for bad in ("0", "65", "two"):
            refused = subprocess.run([COBALT, "serve", "--workers", bad], capture_output=True,
                                     timeout=10)
            check(refused.returncode == 2 and b"--workers" in refused.stderr,
                  f"--workers {bad} is refused (exit {refused.returncode})")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
