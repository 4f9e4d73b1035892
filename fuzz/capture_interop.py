#!/usr/bin/env python3
"""capture_interop.py — fuzz corpora seeded from real interop traffic.

Runs short sessions between cobalt and libcoap over loopback (libcoap's client
against `cobalt serve`, cobalt's client against libcoap's servers, plain and
DTLS with a PSK identity hint) through a recording UDP relay, and turns what
crossed the relay into seeds:
  message_parse        each datagram of a distinct shape (type, code, option
                       numbers, token and payload length classes)
  engine, engine_faults the client's datagrams fed raw to endpoint 0 and the
                       server's to endpoint 1, in order (EngineSeed)
  driver               the same to driver 0 and driver 1 (DriverSeed)
  dtls_receive         each DTLS session's records, libcoap's (OpenSSL, GnuTLS)
                       and cobalt's, injected raw into the harness's server and
                       client
  dtls_server_flight   each datagram a libcoap DTLS server sent, and the whole
                       flight, as the scan reads them
Seeds are named interop-<session>-...; make_seeds.py leaves them alone. Every
process is bounded in time; traffic stays on 127.0.0.1.

Usage: capture_interop.py --cobalt build/tools/cobalt [--out fuzz/corpus]
"""
import argparse
import hashlib
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_seeds import FOREIGN, EngineInput, EngineSeed  # noqa: E402

HOST = "127.0.0.1"
PSK, IDENTITY, HINT = "secretPSK", "cobalt-capture", "capture-hint"
STEP_TIMEOUT = 30
MAX_RAW = 300  # the largest raw datagram the engine and driver harnesses draw


def load_driver_seed_module():
    """fuzz/driver/make_seeds.py has the same module name as fuzz/make_seeds.py."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("driver_make_seeds",
                                                  HERE / "driver" / "make_seeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Relay(threading.Thread):
    """Forwards datagrams between the latest client and a server, recording each
    as ("c2s" | "s2c", bytes)."""

    def __init__(self, upstream_port):
        super().__init__(daemon=True)
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind((HOST, 0))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind((HOST, 0))
        self.port = self.front.getsockname()[1]
        self.upstream = (HOST, upstream_port)
        self.client = None
        self.records = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.front, self.back], [], [], 0.05)
            for sock in ready:
                try:
                    data, sender = sock.recvfrom(65536)
                except OSError:
                    continue
                if sock is self.front:
                    self.client = sender
                    self.records.append(("c2s", data))
                    self.back.sendto(data, self.upstream)
                elif self.client is not None:
                    self.records.append(("s2c", data))
                    self.front.sendto(data, self.client)

    def stop(self):
        self.stopping.set()
        self.join(2)
        self.front.close()
        self.back.close()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(argv):
    try:
        subprocess.run(argv, capture_output=True, timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"  timed out: {' '.join(argv)}", file=sys.stderr)


class Server:
    """A server process on a free port, with a relay in front of it."""

    def __init__(self, argv_for_port, settle=0.5):
        self.port = free_port()
        self.argv = argv_for_port(self.port)
        self.settle = settle

    def __enter__(self):
        self.process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        time.sleep(self.settle)  # a capture tool, not a test: no readiness protocol needed
        self.relay = Relay(self.port)
        self.relay.start()
        return self

    def uri(self, path, scheme="coap"):
        return f"{scheme}://{HOST}:{self.relay.port}{path}"

    def __exit__(self, *exc):
        self.relay.stop()
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return False


def sessions(cobalt, work):
    """Yields (name, records) for each session."""
    served = work / "served"
    served.mkdir()
    (served / "hello.txt").write_bytes(b"hello from cobalt\n")
    (served / "big.bin").write_bytes(bytes(range(256)) * 12)
    upload = work / "upload.bin"
    upload.write_bytes(bytes(reversed(range(256))) * 4)
    client = ["coap-client-notls", "-B", "5"]

    with Server(lambda p: [cobalt, "serve", str(served), "--bind", HOST, "--port", str(p)]) as s:
        run(client + [s.uri("/hello.txt")])
        run(client + [s.uri("/.well-known/core")])
        run(client + ["-N", s.uri("/hello.txt")])
        run(client + ["-m", "put", "-e", "written by libcoap", s.uri("/new.txt")])
        run(client + ["-m", "post", "-e", "echo me", s.uri("/echo")])
        run(client + ["-m", "delete", s.uri("/new.txt")])
        run(client + [s.uri("/missing?a=1&b=two")])
        run(client + ["-b", "64", s.uri("/big.bin")])
        run(client + ["-m", "put", "-b", "64", "-f", str(upload), s.uri("/up.bin")])
        run(client + ["-A", "0", "-O", "2049,x", s.uri("/hello.txt")])
        run(["coap-client-notls", "-B", "3", "-s", "2", s.uri("/time")])
        yield "libcoap-client", s.relay.records

    with Server(lambda p: ["coap-server-notls", "-A", HOST, "-p", str(p)]) as s:
        for args in (["get", s.uri("/")], ["get", s.uri("/time")],
                     ["discover", s.uri("")],
                     ["put", s.uri("/example_data"), "--payload", "@" + str(upload),
                      "--block-size", "64"],
                     ["get", s.uri("/example_data"), "--block-size", "64"],
                     ["post", s.uri("/posted"), "--payload", "first"],
                     ["delete", s.uri("/posted")],
                     ["ping", s.uri("")],
                     ["observe", s.uri("/time"), "--count", "2", "--duration", "4"]):
            run([cobalt] + args)
        yield "libcoap-server", s.relay.records

    with DtlsServer() as s:
        run([cobalt, "get", "--psk", PSK, "--identity", IDENTITY, s.uri("/", "coaps")])
        yield "libcoap-dtls-server", s.relay.records

    for flavour in ("openssl", "gnutls"):
        with Server(lambda p: [cobalt, "serve", str(served), "--bind", HOST, "--port", str(p),
                               "--psk", PSK, "--identity", IDENTITY]) as s:
            run([f"coap-client-{flavour}", "-B", "5", "-k", PSK, "-u", IDENTITY,
                 s.uri("/hello.txt", "coaps")])
            yield f"libcoap-dtls-client-{flavour}", s.relay.records


class DtlsServer(Server):
    """libcoap's OpenSSL server: coap on PORT, coaps on PORT+1; the relay fronts coaps."""

    def __init__(self):
        while True:
            port = free_port()
            if port < 65535:
                break
        self.coap_port = port
        self.port = port + 1
        self.argv = ["coap-server-openssl", "-A", HOST, "-p", str(port), "-k", PSK, "-h", HINT]
        self.settle = 0.8


def shape(data):
    """A datagram's class: messages of one shape add little to each other."""
    if len(data) < 4:
        return ("short", len(data))
    first = data[0]
    token_length = first & 0x0F
    numbers, position, number = [], 4 + token_length, 0
    while position < len(data) and data[position] != 0xFF:
        delta, length = data[position] >> 4, data[position] & 0x0F
        position += 1
        extended = []
        for nibble in (delta, length):
            if nibble == 13:
                extended.append(data[position] + 13 if position < len(data) else 0)
                position += 1
            elif nibble == 14:
                extended.append((int.from_bytes(data[position:position + 2], "big") + 269)
                                if position + 1 < len(data) else 0)
                position += 2
            else:
                extended.append(nibble)
        number += extended[0]
        numbers.append(number)
        position += extended[1]
    payload = max(0, len(data) - position - 1)
    return (first & 0xF0, token_length, data[1], tuple(numbers), min(payload, 1) + (payload > 64))


def dtls_receive_seed(records):
    """fuzz/dtls_receive.cpp's input: each record as its raw-datagram operation, the
    client's to the server from the client's address, the server's to the client."""
    inp = EngineInput()
    for direction, data in records:
        if len(data) > MAX_RAW:
            continue
        inp.int(5, 0, 9)
        inp.int(len(data), 0, 300)
        for byte in data:
            inp.int(byte, 0, 255)
        inp.flag(False)  # keep the first byte
        inp.flag(False)  # keep the second byte
        inp.int(0, 0, 5)  # from the client's address
        inp.flag(direction == "c2s")  # to the server
    return inp.build()


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", required=True)
    parser.add_argument("--out", default=str(HERE / "corpus"))
    args = parser.parse_args()
    out = Path(args.out)
    drivers = load_driver_seed_module()
    for target in ("message_parse", "engine", "engine_faults", "driver", "dtls_receive",
                   "dtls_server_flight"):
        for stale in (out / target).glob("interop-*"):
            stale.unlink()
    with tempfile.TemporaryDirectory() as work:
        seen = set()
        for name, records in sessions(os.path.abspath(args.cobalt), Path(work)):
            dtls = "dtls" in name
            print(f"{name}: {len(records)} datagrams")
            if dtls:
                write(out / "dtls_receive", f"interop-{name}", dtls_receive_seed(records))
                if "server" in name:
                    flight = [data for direction, data in records if direction == "s2c"]
                    for i, data in enumerate(flight[:8]):
                        write(out / "dtls_server_flight", f"interop-{name}-{i:02}",
                              b"\xff" + data)
                    write(out / "dtls_server_flight", f"interop-{name}-flight",
                          b"\x00" + b"".join(flight[:4]))
                continue
            for direction, data in records:
                key = shape(data)
                if key in seen:
                    continue
                seen.add(key)
                digest = hashlib.sha1(data).hexdigest()[:12]
                write(out / "message_parse", f"interop-{name}-{digest}", data)
            usable = [(d, data) for d, data in records if len(data) <= MAX_RAW]
            for part in range(0, len(usable), 40):
                chunk = usable[part:part + 40]
                engine = EngineSeed()
                driver = drivers.DriverSeed()
                for direction, data in chunk:
                    to = 0 if direction == "c2s" else 1
                    engine.raw(data, to=to, source=FOREIGN)
                    driver.raw(data, frm=drivers.ROGUE, to=to)
                seed_name = f"interop-{name}-{part // 40:02}"
                write(out / "engine", seed_name, engine.build())
                write(out / "engine_faults", seed_name, engine.build())
                write(out / "driver", seed_name, driver.build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
