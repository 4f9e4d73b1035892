#!/usr/bin/env python3
"""interop.py — cobalt against libcoap over loopback, both ways.

Each case starts one real peer process on a free port (libcoap's
coap-server-notls, or `cobalt serve`), drives it with the other side's client
(`cobalt ...`, or libcoap's coap-client-notls), checks every answer byte for
byte, and stops the peer. The cobalt-udp-* cases pair cobalt's client with
`cobalt serve` over real UDP (they need no libcoap). Every process is bounded
in time; traffic stays on 127.0.0.1 or ::1.
Usage: interop.py --cobalt PATH --case NAME (or --list).
"""
import argparse
import hashlib
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

LIBCOAP_SERVER = "coap-server-notls"
LIBCOAP_CLIENT = "coap-client-notls"
STEP_TIMEOUT = 60  # seconds any one client run may take
START_TIMEOUT = 10  # seconds a peer may take to answer its first ping

CASES = {}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- loopback helpers -------------------------------------------------------

class Family:
    def __init__(self, name, af, host):
        self.name, self.af, self.host = name, af, host

    def uri(self, port, path=""):
        host = f"[{self.host}]" if self.af == socket.AF_INET6 else self.host
        return f"coap://{host}:{port}{path}"


FAMILIES = {"v4": Family("v4", socket.AF_INET, "127.0.0.1"),
            "v6": Family("v6", socket.AF_INET6, "::1")}


_port_random = random.SystemRandom()  # never a seeded sequence shared by concurrent tests


def ephemeral_port_range():
    """The ports the kernel hands out to sockets bound to port 0 (Linux)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(v) for v in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_udp_port(family):
    """A UDP port free on loopback now, for a server about to be started on it.

    Chosen at random below the kernel's ephemeral range and checked by binding
    it. A port the kernel picked (bind to port 0) would be one that any
    concurrent client's socket can be given before the server binds it; that
    happened in CI: the server failed with "Address already in use" and the
    start-up ping was answered by the client holding the port."""
    low, _ = ephemeral_port_range()
    candidates = range(max(1024, low - 16384), low)
    for _ in range(200):
        port = _port_random.choice(candidates)
        with socket.socket(family.af, socket.SOCK_DGRAM) as s:
            try:
                s.bind((family.host, port))
            except OSError:
                continue
            return port
    raise Failure(f"no free UDP port below {low} on {family.host}")


def coap_ping(family, port, wait):
    """A CoAP ping (RFC 7252 §4.3: an Empty CON) answered by a RST."""
    mid = random.randrange(0x10000)
    with socket.socket(family.af, socket.SOCK_DGRAM) as s:
        s.settimeout(wait)
        s.sendto(struct.pack("!BBH", 0x40, 0, mid), (family.host, port))
        try:
            data, _ = s.recvfrom(64)
        except (socket.timeout, ConnectionRefusedError):
            return False
    return len(data) >= 4 and (data[0] >> 4) & 3 == 3 and struct.unpack("!H", data[2:4])[0] == mid


class Peer:
    """A server process, stopped when the case ends whatever happens."""

    def __init__(self, argv, family, port, log):
        self.argv, self.family, self.port, self.log = argv, family, port, log

    def __enter__(self):
        self.process = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"{self.argv[0]} exited with {self.process.returncode} at start")
            if coap_ping(self.family, self.port, 0.2):
                # Answered, but perhaps by another process on that port while
                # this one failed to bind it: only a live server counts.
                if self.process.poll() is not None:
                    raise Failure(f"{self.argv[0]} exited with {self.process.returncode} at start "
                                  f"(port {self.port} answered by another process)")
                return self
        raise Failure(f"{self.argv[0]} did not answer a ping within {START_TIMEOUT} s")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return False

    def alive(self):
        return self.process.poll() is None


def run(argv, timeout=STEP_TIMEOUT):
    try:
        result = subprocess.run(argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout} s: {' '.join(argv)}")
    print(f"$ {' '.join(argv)}  -> exit {result.returncode}, {len(result.stdout)} bytes out")
    if result.stderr:
        print("  stderr: " + result.stderr.decode(errors="replace").strip()[:400])
    return result


def random_file(directory, name, size, seed):
    path = os.path.join(directory, name)
    generator = random.Random(seed)
    with open(path, "wb") as f:
        f.write(bytes(generator.getrandbits(8) for _ in range(size)) if size < 4096
                else generator.randbytes(size))
    return path


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def same_bytes(expected, actual, what):
    check(expected == actual,
          f"{what}: {len(actual)} bytes (sha {digest(actual)}) instead of "
          f"{len(expected)} bytes (sha {digest(expected)})")


def documented_exit_codes():
    """The `cobalt` tool's exit codes as tools/exit_codes.hpp documents them."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                          "exit_codes.hpp")
    with open(header) as f:
        codes = dict((name, int(value)) for name, value in
                     re.findall(r"inline constexpr int (\w+) = (\d+);", f.read()))
    for name in ("ok", "client_error"):
        if name not in codes:
            raise SystemExit(f"{header} does not define exit_code::{name}")
    return codes


EXIT = documented_exit_codes()


def status_line(result):
    """The first line cobalt writes to stderr: the response's status ("2.05 Content")."""
    lines = result.stderr.decode(errors="replace").splitlines()
    return lines[0] if lines else ""


def check_client_error(result, status, what):
    """A 4.xx: cobalt exits with exit_code::client_error, prints the status line
    on stderr and nothing on stdout."""
    check(result.returncode == EXIT["client_error"],
          f"{what}: exit {result.returncode} instead of {EXIT['client_error']} (4.xx)")
    check(status_line(result) == status,
          f"{what}: status line {status_line(result)!r} instead of {status!r}")
    check(result.stdout == b"", f"{what}: {len(result.stdout)} bytes on stdout for a {status}")


class Message:
    """One message of a trace: sent or received, type, code, Message ID, token
    (hex, '' when empty), and the text that followed its header line."""

    def __init__(self, direction, kind, code, mid, token, rest):
        self.direction, self.kind, self.code = direction, kind, code
        self.mid, self.token, self.rest = mid, token, rest

    def __repr__(self):
        return f"{self.direction} {self.kind} {self.code} mid={self.mid:#06x} token={self.token!r}"


def cobalt_trace(stderr):
    """The messages `cobalt -v` printed on stderr, in order. It renders each as
    '-- sent to ADDR at T ms, N bytes' (or 'received from'), then
    'CON 0.01 GET mid=0x1234 (4660) token=0a1b' (token=(none) when empty), then
    indented options and payload."""
    messages, lines = [], stderr.decode(errors="replace").splitlines()
    for index, line in enumerate(lines):
        arrow = re.match(r"-- (sent to|received from) \S+ at \d+ ms, \d+ bytes$", line)
        if not arrow or index + 1 >= len(lines):
            continue
        head = re.match(r"(CON|NON|ACK|RST) (\d\.\d\d) .*mid=0x([0-9a-f]{4}) \(\d+\) "
                        r"token=([0-9a-f]*|\(none\))$", lines[index + 1])
        check(head, f"unexpected -v rendering: {lines[index + 1]!r}")
        rest = []
        for following in lines[index + 2:]:
            if not following.startswith("  "):
                break
            rest.append(following.strip())
        token = "" if head.group(4) == "(none)" else head.group(4)
        messages.append(Message("sent" if arrow.group(1) == "sent to" else "received",
                                head.group(1), head.group(2), int(head.group(3), 16), token,
                                "\n".join(rest)))
    return messages


def libcoap_trace(stdout):
    """The messages libcoap's -v 7 log shows, in order: a line ending in
    ': sent N bytes' (or 'received') and the next,
    'v:1 t:CON c:GET i:2a57 {01} [ Uri-Path:x ] :: 'payload''."""
    messages, lines = [], stdout.decode(errors="replace").splitlines()
    for index, line in enumerate(lines):
        arrow = re.search(r": (sent|received) \d+ bytes$", line)
        if not arrow or index + 1 >= len(lines):
            continue
        head = re.match(r"v:1 t:(CON|NON|ACK|RST) c:(\S+) i:([0-9a-f]+) \{([0-9a-f]*)\} "
                        r"\[(.*?)\](?: :: (.*))?$", lines[index + 1])
        check(head, f"unexpected libcoap -v 7 rendering: {lines[index + 1]!r}")
        messages.append(Message(arrow.group(1), head.group(1), head.group(2),
                                int(head.group(3), 16), head.group(4), lines[index + 1]))
    return messages


def check_separate_response(messages, what):
    """RFC 7252 §5.2.2: the CON request is acknowledged by an empty ACK, and the
    response comes later in its own CON (same token), which the client ACKs."""
    check(messages and messages[0].direction == "sent" and messages[0].kind == "CON",
          f"{what}: the first message is not the CON request: {messages[:1]}")
    request = messages[0]
    acks = [i for i, m in enumerate(messages) if m.direction == "received"
            and m.kind == "ACK" and m.mid == request.mid]
    check(len(acks) == 1, f"{what}: {len(acks)} ACKs for the request instead of 1: {messages}")
    ack = messages[acks[0]]
    check(ack.code in ("0.00", "0.0") and ack.token == "",
          f"{what}: the request's ACK is not empty ({ack}); the response was piggybacked")
    responses = [i for i, m in enumerate(messages) if m.direction == "received"
                 and m.kind == "CON" and m.token == request.token]
    check(len(responses) == 1, f"{what}: {len(responses)} CON responses instead of 1: {messages}")
    check(acks[0] < responses[0], f"{what}: the CON response came before the empty ACK")
    response = messages[responses[0]]
    check(response.code == "2.05", f"{what}: the separate response is {response.code}")
    check(response.mid != request.mid, f"{what}: the separate response reuses the request's MID")
    acked = [m for m in messages[responses[0] + 1:] if m.direction == "sent"
             and m.kind == "ACK" and m.mid == response.mid]
    check(len(acked) == 1, f"{what}: the client did not ACK the CON response once: {messages}")
    return response


# ---- cobalt's client against libcoap's server --------------------------------

class LibcoapServer(Peer):
    def __init__(self, family, work, log):
        port = free_udp_port(family)
        # -d: PUT may create up to 16 resources; -v 0: quiet.
        super().__init__([LIBCOAP_SERVER, "-A", family.host, "-p", str(port), "-d", "16",
                          "-v", "0"], family, port, log)


def cobalt(ctx, *args):
    return run([ctx.cobalt, *args])


def libcoap_server_basics(ctx, family):
    with LibcoapServer(family, ctx.work, ctx.log) as server:
        uri = lambda path: family.uri(server.port, path)
        check(cobalt(ctx, "ping", uri("")).returncode == 0, "ping failed")
        got = cobalt(ctx, "get", uri("/"))
        check(got.returncode == 0 and b"libcoap" in got.stdout, "GET / is not libcoap's banner")
        found = cobalt(ctx, "discover", uri("/.well-known/core"))
        check(found.returncode == 0 and b"/time" in found.stdout, "discovery does not list /time")
        created = cobalt(ctx, "put", uri("/made-by-cobalt"), "--payload", "hello libcoap")
        check(created.returncode == 0 and b"2.01" in created.stderr, "PUT did not create")
        read = cobalt(ctx, "get", uri("/made-by-cobalt"))
        same_bytes(b"hello libcoap", read.stdout, "GET of the created resource")
        deleted = cobalt(ctx, "delete", uri("/made-by-cobalt"))
        check(deleted.returncode == 0 and b"2.02" in deleted.stderr, "DELETE failed")
        gone = cobalt(ctx, "get", uri("/made-by-cobalt"))
        check_client_error(gone, "4.04 Not Found", "GET of a deleted resource")
        # /async?1 answers after 1 s: an empty ACK at once, then a CON 2.05 "done".
        late = cobalt(ctx, "get", "-v", uri("/async?1"))
        check(late.returncode == EXIT["ok"], f"GET /async?1: exit {late.returncode}")
        same_bytes(b"done", late.stdout, "separate response from /async?1")
        response = check_separate_response(cobalt_trace(late.stderr), "GET /async?1")
        check('payload (4 bytes, text): "done"' in response.rest,
              f"GET /async?1: the CON response does not carry \"done\": {response.rest!r}")
        nonconfirmable = cobalt(ctx, "get", "--non", uri("/"))
        check(nonconfirmable.returncode == 0 and b"libcoap" in nonconfirmable.stdout, "NON GET")
        check(server.alive(), "libcoap's server died")


def libcoap_server_post(ctx, family):
    """POST as libcoap's example server (4.3.1) handles it: / (GET only) answers
    4.05 with a diagnostic payload; an unknown path is created (2.01) like PUT;
    a resource created by PUT is replaced (2.04)."""
    with LibcoapServer(family, ctx.work, ctx.log) as server:
        uri = lambda path: family.uri(server.port, path)
        refused = cobalt(ctx, "post", uri("/"), "--payload", "not here")
        check_client_error(refused, "4.05 Method Not Allowed", "POST /")
        check("Method Not Allowed" in refused.stderr.decode(errors="replace").splitlines()[1:],
              "POST /: libcoap's diagnostic payload is not shown")
        banner = cobalt(ctx, "get", uri("/"))
        check(banner.returncode == 0 and b"libcoap" in banner.stdout, "GET / after the 4.05")
        created = cobalt(ctx, "post", uri("/posted-by-cobalt"), "--payload", "first")
        check(created.returncode == EXIT["ok"] and status_line(created) == "2.01 Created",
              f"POST to a new path: exit {created.returncode}, {status_line(created)!r}")
        same_bytes(b"first", cobalt(ctx, "get", uri("/posted-by-cobalt")).stdout,
                   "GET of the resource POST created")
        changed = cobalt(ctx, "post", uri("/posted-by-cobalt"), "--payload", "second")
        check(changed.returncode == EXIT["ok"] and status_line(changed) == "2.04 Changed",
              f"POST to an existing resource: exit {changed.returncode}, "
              f"{status_line(changed)!r}")
        same_bytes(b"second", cobalt(ctx, "get", uri("/posted-by-cobalt")).stdout,
                   "GET of the resource POST replaced")
        check(server.alive(), "libcoap's server died")


def libcoap_server_blockwise(ctx, family):
    with LibcoapServer(family, ctx.work, ctx.log) as server:
        target = family.uri(server.port, "/example_data")
        for size, block in [(1024, 16), (3000, 64), (100 * 1024, 256), (1024 * 1024, 1024),
                            (1024 * 1024, 64)]:
            path = random_file(ctx.work, f"up-{size}-{block}", size, size * 7 + block)
            with open(path, "rb") as f:
                expected = f.read()
            put = cobalt(ctx, "put", target, "--payload", "@" + path, "--block-size", str(block))
            check(put.returncode == 0, f"PUT of {size} bytes in {block}-byte blocks failed")
            got = cobalt(ctx, "get", target, "--block-size", str(block))
            check(got.returncode == 0, f"GET of {size} bytes in {block}-byte blocks failed")
            same_bytes(expected, got.stdout, f"{size} bytes round trip, blocks of {block}")
        check(server.alive(), "libcoap's server died")


def libcoap_server_observe(ctx, family):
    with LibcoapServer(family, ctx.work, ctx.log) as server:
        watched = cobalt(ctx, "observe", family.uri(server.port, "/time"), "--count", "3",
                         "--duration", "20")
        check(watched.returncode == 0, "observe failed")
        lines = [line for line in watched.stdout.splitlines() if line.strip()]
        check(len(lines) >= 3, f"{len(lines)} notifications instead of 3")
        check(len(set(lines)) >= 2, "the notifications never changed")
        check(server.alive(), "libcoap's server died")


# ---- libcoap's client against `cobalt serve` ----------------------------------

class CobaltServer(Peer):
    def __init__(self, ctx, family, directory):
        port = free_udp_port(family)
        super().__init__([ctx.cobalt, "serve", directory, "--bind", family.host, "--port",
                          str(port)], family, port, ctx.log)


def coap_client(*args):
    return run([LIBCOAP_CLIENT, "-B", "20", *args])


def coap_client_body(ctx, *args):
    """The payload exactly (-o to a file: on stdout libcoap adds a newline)."""
    out = os.path.join(ctx.work, "libcoap-output")
    if os.path.exists(out):
        os.remove(out)
    result = coap_client("-o", out, *args)
    if not os.path.exists(out):
        return b"", result
    with open(out, "rb") as f:
        return f.read(), result


def libcoap_client_basics(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    with open(os.path.join(served, "hello.txt"), "wb") as f:
        f.write(b"hello from cobalt\n")
    with CobaltServer(ctx, family, served) as server:
        uri = lambda path: family.uri(server.port, path)
        got, _ = coap_client_body(ctx, uri("/hello.txt"))
        same_bytes(b"hello from cobalt\n", got, "GET /hello.txt")
        found = coap_client(uri("/.well-known/core"))
        check(b"</time>" in found.stdout and b"</echo>" in found.stdout,
              "discovery does not list /time and /echo")
        coap_client("-m", "put", "-e", "written by libcoap", uri("/new.txt"))
        with open(os.path.join(served, "new.txt"), "rb") as f:
            same_bytes(b"written by libcoap", f.read(), "file written by PUT")
        echoed, _ = coap_client_body(ctx, "-m", "post", "-e", "echo me", uri("/echo"))
        same_bytes(b"echo me", echoed, "POST /echo")
        coap_client("-m", "delete", uri("/new.txt"))
        check(not os.path.exists(os.path.join(served, "new.txt")), "DELETE left the file")
        missing = coap_client(uri("/new.txt"))
        check(b"4.04" in missing.stdout + missing.stderr, "no 4.04 for a deleted file")
        # /separate answers after 2 s: libcoap's -v 7 log shows every message.
        late, result = coap_client_body(ctx, "-v", "7", uri("/separate"))
        same_bytes(b"separate response after 2000 ms", late, "GET /separate")
        response = check_separate_response(libcoap_trace(result.stdout), "GET /separate")
        check(response.rest.endswith(":: 'separate response after 2000 ms'"),
              f"GET /separate: the CON response does not carry the payload: {response.rest!r}")
        # libcoap's client has no ping command, but -K N pings (an Empty CON)
        # after N s of silence while it waits: observe a file that does not
        # change for 3 s (cobalt serve makes files observable).
        # The client may send a last ping just as its -s time runs out and exit
        # before the RST arrives: every ping but the last must be answered by
        # exactly one RST, and at least one must be (a second run if not: the
        # timing of -K under load is libcoap's).
        for attempt in (1, 2):
            waited = coap_client("-v", "7", "-K", "1", "-s", "4", uri("/hello.txt"))
            messages = libcoap_trace(waited.stdout)
            pings = [m for m in messages if m.direction == "sent" and m.kind == "CON"
                     and m.code == "0.00"]
            check(pings, "libcoap's client sent no ping (is /hello.txt still observable?)")
            answered = 0
            for index, ping in enumerate(pings):
                answers = [m for m in messages
                           if m.direction == "received" and m.mid == ping.mid]
                if not answers and index == len(pings) - 1:
                    continue
                check(len(answers) == 1 and answers[0].kind == "RST"
                      and answers[0].code == "0.00" and answers[0].token == "",
                      f"ping {ping} answered by {answers}, not one RST")
                answered += 1
            if answered >= 1:
                break
            check(attempt == 1, "no ping was answered in two runs")
        nonconfirmable, _ = coap_client_body(ctx, "-N", uri("/hello.txt"))
        same_bytes(b"hello from cobalt\n", nonconfirmable, "NON GET /hello.txt")
        check(server.alive(), "cobalt serve died")


def libcoap_client_blockwise(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    sizes = [1024, 3000, 100 * 1024, 1024 * 1024]
    for size in sizes:
        random_file(served, f"file-{size}", size, size)
    with CobaltServer(ctx, family, served) as server:
        for size in sizes:
            with open(os.path.join(served, f"file-{size}"), "rb") as f:
                expected = f.read()
            for block in ([16, 64, 1024] if size <= 3000 else [64, 1024]):
                out = os.path.join(ctx.work, f"down-{size}-{block}")
                coap_client("-b", str(block), "-o", out, family.uri(server.port, f"/file-{size}"))
                with open(out, "rb") as f:
                    same_bytes(expected, f.read(), f"GET of {size} bytes, blocks of {block}")
                upload = random_file(ctx.work, f"up-{size}-{block}", size, size + block)
                with open(upload, "rb") as f:
                    sent = f.read()
                name = f"uploaded-{size}-{block}"
                coap_client("-m", "put", "-b", str(block), "-f", upload,
                            family.uri(server.port, "/" + name))
                with open(os.path.join(served, name), "rb") as f:
                    same_bytes(sent, f.read(), f"PUT of {size} bytes, blocks of {block}")
        check(server.alive(), "cobalt serve died")


def libcoap_client_observe(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    with CobaltServer(ctx, family, served) as server:
        watched = coap_client("-s", "4", family.uri(server.port, "/time"))
        # libcoap prints the payloads back to back: count the timestamps.
        stamps = re.findall(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", watched.stdout)
        check(len(stamps) >= 3, f"{len(stamps)} notifications in 4 s instead of at least 3")
        check(len(set(stamps)) >= 2, "the notifications never changed")
        check(server.alive(), "cobalt serve died")


def libcoap_client_echo(ctx, family):
    """RFC 9175 amplification limit: `cobalt serve` answers a large response to a
    new client address with 4.01 and an Echo value; libcoap's client repeats the
    request with it and gets the body. With --amplification-factor 0, no 4.01."""
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    body = random_file(served, "body", 600, 9175)
    with open(body, "rb") as f:
        expected = f.read()
    with CobaltServer(ctx, family, served) as server:
        got, result = coap_client_body(ctx, "-v", "7", family.uri(server.port, "/body"))
        same_bytes(expected, got, "GET /body through an Echo challenge")
        messages = libcoap_trace(result.stdout)
        challenges = [m for m in messages if m.direction == "received" and m.code == "4.01"]
        check(len(challenges) == 1 and "Echo:" in challenges[0].rest,
              f"expected one 4.01 with Echo, got {messages}")
        requests = [m for m in messages if m.direction == "sent" and m.code == "GET"]
        check(len(requests) == 2 and "Echo:" not in requests[0].rest
              and "Echo:" in requests[1].rest,
              f"the request was not repeated with the Echo value: {requests}")
        echoed = re.search(r"Echo:(0x[0-9a-f]+)", requests[1].rest).group(1)
        check(f"Echo:{echoed}" in challenges[0].rest, "libcoap echoed another value")
        check(server.alive(), "cobalt serve died")
    server = CobaltServer(ctx, family, served)
    server.argv += ["--amplification-factor", "0"]
    with server:
        got, result = coap_client_body(ctx, "-v", "7", family.uri(server.port, "/body"))
        same_bytes(expected, got, "GET /body without the limit")
        check(not [m for m in libcoap_trace(result.stdout) if m.code == "4.01"],
              "a 4.01 with the limit off")


# ---- cobalt's client against `cobalt serve`, over real UDP --------------------
# (every other cobalt-to-cobalt test runs on the simulated network)

def cobalt_udp_basics(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    with open(os.path.join(served, "hello.txt"), "wb") as f:
        f.write(b"hello from cobalt\n")
    with CobaltServer(ctx, family, served) as server:
        uri = lambda path: family.uri(server.port, path)
        pinged = cobalt(ctx, "ping", uri(""))
        check(pinged.returncode == EXIT["ok"], f"ping: exit {pinged.returncode}")
        host = f"[{family.host}]" if family.af == socket.AF_INET6 else family.host
        check(re.fullmatch(rf"pong from {re.escape(host)}:{server.port} in \d+ ms\n".encode(),
                           pinged.stdout), f"ping printed {pinged.stdout!r}")
        got = cobalt(ctx, "get", uri("/hello.txt"))
        check(got.returncode == EXIT["ok"] and status_line(got) == "2.05 Content",
              f"GET /hello.txt: exit {got.returncode}, {status_line(got)!r}")
        same_bytes(b"hello from cobalt\n", got.stdout, "GET /hello.txt")
        found = cobalt(ctx, "discover", uri(""))
        check(found.returncode == EXIT["ok"], f"discover: exit {found.returncode}")
        links = re.findall(rb"^<([^>]*)>$", found.stdout, re.MULTILINE)
        for path in (b"/time", b"/large", b"/echo", b"/separate"):
            check(path in links, f"discovery does not list {path.decode()}: {links}")
        time_link = found.stdout.split(b"</time>\n", 1)[1].split(b"\n<", 1)[0]
        check(b"    obs" in time_link.splitlines(), "discovery does not mark /time obs")
        missing = cobalt(ctx, "get", uri("/no-such-file"))
        check_client_error(missing, "4.04 Not Found", "GET of a missing file")
        late = cobalt(ctx, "get", "-v", uri("/separate"))
        same_bytes(b"separate response after 2000 ms", late.stdout, "GET /separate")
        check_separate_response(cobalt_trace(late.stderr), "GET /separate")
        check(server.alive(), "cobalt serve died")


def cobalt_udp_blockwise(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    size = 100 * 1024
    with CobaltServer(ctx, family, served) as server:
        target = family.uri(server.port, "/uploaded.bin")
        for number, block in enumerate([1024, 64]):
            path = random_file(ctx.work, f"up-{block}", size, size + block)
            with open(path, "rb") as f:
                expected = f.read()
            put = cobalt(ctx, "put", target, "--payload", "@" + path, "--block-size", str(block))
            status = "2.01 Created" if number == 0 else "2.04 Changed"
            check(put.returncode == EXIT["ok"] and status_line(put) == status,
                  f"PUT of {size} bytes in {block}-byte blocks: exit {put.returncode}, "
                  f"{status_line(put)!r} instead of {status!r}")
            with open(os.path.join(served, "uploaded.bin"), "rb") as f:
                same_bytes(expected, f.read(), f"file written by PUT in {block}-byte blocks")
            for get_block in ([str(block)], []):
                got = cobalt(ctx, "get", target, *(["--block-size"] + get_block if get_block
                                                    else []))
                check(got.returncode == EXIT["ok"], f"GET of {size} bytes: exit {got.returncode}")
                same_bytes(expected, got.stdout,
                           f"GET back of {size} bytes, blocks of {get_block or 'default'}")
        check(server.alive(), "cobalt serve died")


def cobalt_udp_observe(ctx, family):
    served = os.path.join(ctx.work, "served")
    os.makedirs(served)
    with CobaltServer(ctx, family, served) as server:
        watched = cobalt(ctx, "observe", family.uri(server.port, "/time"), "--count", "2")
        check(watched.returncode == EXIT["ok"], f"observe: exit {watched.returncode}")
        stamps = re.fullmatch(rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\n" * 2, watched.stdout)
        check(stamps, f"observe printed {watched.stdout!r}, not 2 timestamps")
        check(stamps.group(1) <= stamps.group(2), "the notifications go back in time")
        sequence = [int(n) for n in re.findall(r"^2\.05 Content \(observe (\d+)\)$",
                                                watched.stderr.decode(errors="replace"),
                                                re.MULTILINE)]
        check(len(sequence) == 2 and sequence[0] < sequence[1],
              f"observe status lines give the sequence {sequence}, not 2 increasing numbers")
        check(server.alive(), "cobalt serve died")


LIBCOAP_FREE = {"cobalt-udp-basics", "cobalt-udp-blockwise", "cobalt-udp-observe"}

for family_name in FAMILIES:
    for name, function in [("libcoap-server-basics", libcoap_server_basics),
                           ("libcoap-server-post", libcoap_server_post),
                           ("libcoap-server-blockwise", libcoap_server_blockwise),
                           ("libcoap-server-observe", libcoap_server_observe),
                           ("libcoap-client-basics", libcoap_client_basics),
                           ("libcoap-client-blockwise", libcoap_client_blockwise),
                           ("libcoap-client-observe", libcoap_client_observe),
                           ("libcoap-client-echo", libcoap_client_echo),
                           ("cobalt-udp-basics", cobalt_udp_basics),
                           ("cobalt-udp-blockwise", cobalt_udp_blockwise),
                           ("cobalt-udp-observe", cobalt_udp_observe)]:
        CASES[f"{name}-{family_name}"] = (lambda f, fam: lambda ctx: f(ctx, fam))(
            function, FAMILIES[family_name])


class Context:
    pass


def run_case_main(description, cases, tools_for, prepare=None, prefix="cobalt-interop-"):
    """The command line of a case runner: --cobalt PATH --case NAME (or --list).
    `tools_for(case)` names the programs the case needs; `prepare(ctx)` runs in
    the case's scratch directory before it. Prints "ok NAME" or "FAIL NAME: why"
    with the end of the peers' log."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cobalt", help="the cobalt binary")
    parser.add_argument("--case", help="the case to run")
    parser.add_argument("--list", action="store_true", help="list the cases")
    options = parser.parse_args()
    if options.list:
        print("\n".join(cases))
        return 0
    if options.case not in cases:
        print(f"unknown case {options.case!r}; --list shows them")
        return 2
    for tool in tools_for(options.case):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (Debian packages libcoap3-bin, openssl)")
            return 1
    ctx = Context()
    ctx.cobalt = os.path.abspath(options.cobalt)
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        ctx.work = work
        if prepare is not None:
            prepare(ctx)
        log_path = os.path.join(work, "peer.log")
        with open(log_path, "w") as ctx.log:
            try:
                cases[options.case](ctx)
            except Failure as failure:
                print(f"FAIL {options.case}: {failure}")
                with open(log_path) as log:
                    print("peer log (end):\n" + log.read()[-2000:])
                return 1
    print(f"ok {options.case}")
    return 0


def main():
    def tools_for(case):
        needs_libcoap = case.rsplit("-", 1)[0] not in LIBCOAP_FREE
        return (LIBCOAP_SERVER, LIBCOAP_CLIENT) if needs_libcoap else ()
    return run_case_main(__doc__.splitlines()[0], CASES, tools_for)


if __name__ == "__main__":
    sys.exit(main())
