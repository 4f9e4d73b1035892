#!/usr/bin/env python3
"""block_udp_compare.py — block-wise transfer speed over UDP loopback, cobalt
next to libcoap 4.3 on the same file in one run: `cobalt get`/`cobalt put`
against `cobalt serve`, and libcoap's `coap-client-notls` against
`coap-server-notls -d` (a resource created by PUT, then read back). Each
transfer is timed from process start to exit (start-up included, the same for
both), best of --runs, every download compared byte for byte. Reports MiB/s and
the ratio libcoap time / cobalt time (above 1: cobalt is faster). Loopback
only; every process is bounded by --timeout seconds.

    python3 bench/block_udp_compare.py --cobalt build-h/tools/cobalt --mib 4 --block 1024
"""
import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def timed(args, timeout, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    done = subprocess.run(args, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-300:]!r}")
    return elapsed


def wait_until_answering(probe, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=timeout).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"server not answering: {' '.join(probe)}")


def best(runs, measure):
    return min(measure(i) for i in range(runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cobalt", required=True, help="the cobalt CLI binary")
    parser.add_argument("--mib", type=float, default=4.0, help="file size in MiB")
    parser.add_argument("--block", type=int, default=1024, help="block size (16..1024)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    for tool in ("coap-server-notls", "coap-client-notls"):
        if shutil.which(tool) is None:
            print(f"{tool} not found (libcoap3-bin)")
            return 2

    size = int(args.mib * 1024 * 1024)
    work = tempfile.mkdtemp(prefix="block-udp-")
    served = os.path.join(work, "served")
    os.makedirs(served)
    source = os.path.join(work, "body")
    body = random.Random(7).randbytes(size)
    with open(source, "wb") as f:
        f.write(body)
    shutil.copy(source, os.path.join(served, "file"))
    out = os.path.join(work, "out")
    results = {}
    servers = []
    try:
        # cobalt: `cobalt serve` with the file on disk, `cobalt get` / `cobalt put`.
        port = free_port()
        servers.append(subprocess.Popen([args.cobalt, "serve", served, "--bind", HOST, "--port",
                                         str(port)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
        uri = f"coap://{HOST}:{port}"
        wait_until_answering([args.cobalt, "ping", uri], 10)
        block = str(args.block)

        def cobalt_get(_):
            with open(out, "wb") as sink:
                t = timed([args.cobalt, "get", "--block-size", block, uri + "/file"],
                          args.timeout, sink)
            with open(out, "rb") as f:
                if f.read() != body:
                    raise RuntimeError("cobalt GET: the bytes differ")
            return t

        def cobalt_put(i):
            return timed([args.cobalt, "put", "--payload", "@" + source, "--block-size", block,
                          f"{uri}/up-{i}"], args.timeout)

        results["GET cobalt"] = best(args.runs, cobalt_get)
        results["PUT cobalt"] = best(args.runs, cobalt_put)

        # libcoap: a resource created by PUT on coap-server-notls -d, then read back.
        port = free_port()
        servers.append(subprocess.Popen(["coap-server-notls", "-A", HOST, "-p", str(port), "-d",
                                         "64", "-v", "0"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
        uri = f"coap://{HOST}:{port}"
        wait_until_answering(["coap-client-notls", "-B", "2", uri + "/"], 10)

        def libcoap_put(i):
            return timed(["coap-client-notls", "-m", "put", "-b", block, "-B",
                          str(int(args.timeout)), "-f", source, f"{uri}/file-{i}"], args.timeout)

        def libcoap_get(_):
            if os.path.exists(out):
                os.remove(out)
            t = timed(["coap-client-notls", "-b", block, "-B", str(int(args.timeout)), "-o", out,
                       uri + "/file-0"], args.timeout)
            with open(out, "rb") as f:
                if f.read() != body:
                    raise RuntimeError("libcoap GET: the bytes differ")
            return t

        results["PUT libcoap"] = best(args.runs, libcoap_put)
        results["GET libcoap"] = best(args.runs, libcoap_get)
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)

    mib = size / (1024 * 1024)
    print(f"{mib:g} MiB in {args.block}-byte blocks over UDP loopback, best of {args.runs}")
    print("| transfer | cobalt s | cobalt MiB/s | libcoap s | libcoap MiB/s | libcoap / cobalt |")
    print("|---|--:|--:|--:|--:|--:|")
    for op in ("GET", "PUT"):
        c, l = results[f"{op} cobalt"], results[f"{op} libcoap"]
        print(f"| {op} | {c:.3f} | {mib / c:.1f} | {l:.3f} | {mib / l:.1f} | {l / c:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
