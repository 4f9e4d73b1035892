#!/usr/bin/env python3
"""interop.py — cobalt against libcoap over loopback, both ways.

Each case starts one real peer process on a free port (libcoap's
coap-server-notls, or `cobalt serve`), drives it with the other side's client
(`cobalt ...`, or libcoap's coap-client-notls), checks every answer byte for
byte, and stops the peer. Every process is bounded in time; traffic stays on
127.0.0.1 or ::1. Usage: interop.py --cobalt PATH --case NAME (or --list).
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


def free_udp_port(family):
    with socket.socket(family.af, socket.SOCK_DGRAM) as s:
        s.bind((family.host, 0))
        return s.getsockname()[1]


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
        check(gone.returncode != 0 and b"4.04" in gone.stderr, "a 4.04 must exit non-zero")
        late = cobalt(ctx, "get", uri("/async?1"))
        check(late.returncode == 0 and late.stdout, "separate response from /async?1 missing")
        nonconfirmable = cobalt(ctx, "get", "--non", uri("/"))
        check(nonconfirmable.returncode == 0 and b"libcoap" in nonconfirmable.stdout, "NON GET")
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
        late = coap_client(uri("/separate"))
        check(late.stdout.strip() != b"", "no separate response from /separate")
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


for family_name in FAMILIES:
    for name, function in [("libcoap-server-basics", libcoap_server_basics),
                           ("libcoap-server-blockwise", libcoap_server_blockwise),
                           ("libcoap-server-observe", libcoap_server_observe),
                           ("libcoap-client-basics", libcoap_client_basics),
                           ("libcoap-client-blockwise", libcoap_client_blockwise),
                           ("libcoap-client-observe", libcoap_client_observe)]:
        CASES[f"{name}-{family_name}"] = (lambda f, fam: lambda ctx: f(ctx, fam))(
            function, FAMILIES[family_name])


class Context:
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", help="the cobalt binary")
    parser.add_argument("--case", help="the case to run")
    parser.add_argument("--list", action="store_true", help="list the cases")
    options = parser.parse_args()
    if options.list:
        print("\n".join(CASES))
        return 0
    for tool in (LIBCOAP_SERVER, LIBCOAP_CLIENT):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (Debian package libcoap3-bin)")
            return 1
    ctx = Context()
    ctx.cobalt = os.path.abspath(options.cobalt)
    with tempfile.TemporaryDirectory(prefix="cobalt-interop-") as work:
        ctx.work = work
        log_path = os.path.join(work, "peer.log")
        with open(log_path, "w") as ctx.log:
            try:
                CASES[options.case](ctx)
            except Failure as failure:
                print(f"FAIL {options.case}: {failure}")
                with open(log_path) as log:
                    print("peer log (end):\n" + log.read()[-2000:])
                return 1
    print(f"ok {options.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
