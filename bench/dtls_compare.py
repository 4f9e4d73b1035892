#!/usr/bin/env python3
"""dtls_compare.py — DTLS handshakes/s and secured requests/s of `cobalt serve
--psk` and libcoap's `coap-server-openssl -k`, side by side in one run.

Each measurement starts a fresh server pinned to core 0 and runs bench/dtls's
dtls_load (cobalt's DtlsEndpoint as the client, the same for both servers)
pinned to core 1 on loopback for --seconds; then it stops the server. Prints a
Markdown table and the ratios cobalt/libcoap. The client does as much crypto per
request as the server, so on two cores the figures are bounded by the client as
much as by the server: read the ratios, not the absolute numbers. Requests run
1 s at most (see measure()).
Usage: dtls_compare.py --cobalt build/tools/cobalt --load build/bench/dtls/dtls_load
       [--seconds 5] [--window 16] [--concurrency 8]
"""
import argparse
import re
import shutil
import socket
import subprocess
import sys
import time

KEY, IDENTITY = "dtls-bench-key", "bench"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(core, argv):
    return (["taskset", "-c", str(core)] if shutil.which("taskset") else []) + argv


def server_argv(kind, cobalt, port):
    if kind == "cobalt":
        return [cobalt, "serve", "--bind", "127.0.0.1", "--port", str(port), "--psk", KEY], port
    # libcoap's coaps port is its CoAP port + 1.
    return ["coap-server-openssl", "-A", "127.0.0.1", "-p", str(port - 1), "-k", KEY, "-v", "0"], port


def measure(kind, mode, options):
    port = free_port()
    while kind == "libcoap" and port < 1025:
        port = free_port()
    argv, coaps_port = server_argv(kind, options.cobalt, port)
    server = subprocess.Popen(pinned(0, argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        # Requests: 1 s at most. `cobalt serve` keeps 2^18 requests for
        # deduplication 60 s (server_config); past that it answers 5.03, which
        # would measure the table, not the server.
        seconds = options.seconds if mode == "handshakes" else min(options.seconds, 1)
        load = subprocess.run(pinned(1, [options.load, "--port", str(coaps_port), "--psk", KEY,
                                         "--identity", IDENTITY, "--mode", mode, "--seconds",
                                         str(seconds), "--window", str(options.window),
                                         "--concurrency", str(options.concurrency)]),
                              capture_output=True, text=True, timeout=options.seconds + 30)
        found = re.search(r"rate=(\d+) errors=(\d+)", load.stdout)
        if not found:
            raise SystemExit(f"{kind} {mode}: dtls_load printed {load.stdout!r} {load.stderr!r}")
        return int(found.group(1)), int(found.group(2))
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", required=True)
    parser.add_argument("--load", required=True)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()
    if shutil.which("coap-server-openssl") is None:
        print("coap-server-openssl is not installed (libcoap3-bin)")
        return 1
    rows = []
    for mode, unit in [("handshakes", "PSK handshakes/s"), ("requests", "secured GETs/s")]:
        cobalt_rate, cobalt_errors = measure("cobalt", mode, options)
        libcoap_rate, libcoap_errors = measure("libcoap", mode, options)
        ratio = cobalt_rate / libcoap_rate if libcoap_rate else float("inf")
        rows.append((unit, cobalt_rate, cobalt_errors, libcoap_rate, libcoap_errors, ratio))
    print("| measurement | cobalt serve | libcoap coap-server-openssl | cobalt/libcoap |")
    print("|---|--:|--:|--:|")
    for unit, c, ce, l, le, ratio in rows:
        print(f"| {unit} | {c:,} ({ce} errors) | {l:,} ({le} errors) | {ratio:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
