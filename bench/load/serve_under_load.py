#!/usr/bin/env python3
"""serve_under_load.py — `cobalt serve` under load, and side by side with libcoap.

Default: starts `cobalt serve` on a fresh directory on 127.0.0.1, runs loadgen's
mixed profile against it for --seconds, and passes when every answer was right,
nothing failed but 5.03s, and the server still answers a ping and still runs.
With --compare: runs loadgen's common profile (PUT then GET each user's own
resource, CON and NON) against `cobalt serve` and against libcoap's
coap-server-notls -d, one after the other with the same users and duration,
and prints both request rates and their ratio.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from server_process import answers_ping, free_port, start, stop

HELLO = b"hello from the cobalt load generator\n"  # load_scenarios.hpp: hello_body


def run_load(loadgen, port, profile, users, seconds):
    argv = [loadgen, "--target", f"coap://127.0.0.1:{port}", "--profile", profile,
            "--users", str(users), "--seconds", str(seconds)]
    print("$ " + " ".join(argv), flush=True)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 180)
    print(result.stdout + result.stderr, flush=True)
    rate = 0.0
    for line in result.stdout.splitlines():
        if line.startswith("requests "):
            rate = float(line.rsplit(":", 1)[1].split()[0])
    return result.returncode, rate


def serve(cobalt, directory, port):
    with open(os.path.join(directory, "hello.txt"), "wb") as f:
        f.write(HELLO)
    return start([cobalt, "serve", directory, "--bind", "127.0.0.1", "--port", str(port)], port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", required=True)
    parser.add_argument("--loadgen", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--compare", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cobalt-load-") as directory:
        if not options.compare:
            port = free_port()
            server = serve(options.cobalt, directory, port)
            try:
                status, _ = run_load(options.loadgen, port, "mixed", options.users,
                                     options.seconds)
                alive = server.poll() is None and answers_ping(port)
            finally:
                stop(server)
            print(f"cobalt serve still running and answering afterwards: {'yes' if alive else 'NO'}")
            return 0 if status == 0 and alive else 1
        if shutil.which("coap-server-notls") is None:
            raise SystemExit("coap-server-notls is not installed (libcoap3-bin)")
        rates = {}
        for name in ("cobalt serve", "libcoap coap-server-notls"):
            port = free_port()
            if name == "cobalt serve":
                server = serve(options.cobalt, directory, port)
            else:
                server = start(["coap-server-notls", "-A", "127.0.0.1", "-p", str(port), "-d",
                                str(options.users + 8), "-v", "0"], port)
            try:
                status, rates[name] = run_load(options.loadgen, port, "common", options.users,
                                               options.seconds)
            finally:
                stop(server)
            if status != 0:
                print(f"{name}: the load run failed")
                return 1
        cobalt_rate = rates["cobalt serve"]
        libcoap_rate = rates["libcoap coap-server-notls"]
        print(f"requests per second: cobalt serve {cobalt_rate:.0f}, "
              f"libcoap {libcoap_rate:.0f}, cobalt/libcoap "
              f"{cobalt_rate / libcoap_rate if libcoap_rate else float('inf'):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
