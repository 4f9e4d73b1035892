#!/usr/bin/env python3
"""conformance.py — runs the ETSI CoAP plugtest test descriptions
(plugtest_cases.py) against `cobalt serve --plugtest` on loopback, with one
client: cobalt's or libcoap's coap-client-notls.

For each TD it starts a fresh server and a tap (tap.py) in front of it, runs
the TD's steps with the client through the tap, and judges the messages the
tap recorded. TDs run a few at a time (they mostly wait for timers). Prints one
line per TD: "TD_COAP_CORE_01 cobalt pass", "... fail: why", "... partial: the
steps the client cannot take" or "... n/a: why";
exits 1 if any failed.
Usage: conformance.py --cobalt PATH --client cobalt|libcoap [--group core|link|block|obs]
       [--td TD_COAP_CORE_01] [--jobs N] [--list]
"""
import argparse
import concurrent.futures
import os
import shutil
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

import interop  # noqa: E402  (Peer, Family, free_udp_port: the loopback helpers)
from checks import Failure  # noqa: E402
from clients import CobaltClient, LibcoapClient, NotApplicable  # noqa: E402
from plugtest_cases import CASES  # noqa: E402
from tap import Tap  # noqa: E402

FAMILY = interop.FAMILIES["v4"]
# /obs changes every second, /separate answers after one: the TDs' timing
# (5 s, "a couple of seconds") scaled down so that the suite stays short.
SERVER_ARGS = ["--obs-period", "1", "--separate-delay", "1"]


class Context:
    def __init__(self, client, helper, tap, server_port):
        self.client, self.helper, self.tap = client, helper, tap
        self.server_port = server_port
        self.notes = []

    def note(self, text):
        """A step of the TD the client cannot take: the verdict says so."""
        self.notes.append(text)

    def uri(self, path):
        return self.tap.uri(path)

    def direct(self, path):
        """The server itself, not through the tap: for stimuli by another client."""
        return FAMILY.uri(self.server_port, path)


def run_case(name, options, work):
    function, server_args, drop = CASES[name]
    directory = tempfile.mkdtemp(prefix=name + "-", dir=work)
    client_type = CobaltClient if options.client == "cobalt" else LibcoapClient
    client = client_type(options.cobalt, directory)
    helper = CobaltClient(options.cobalt, directory)
    port = interop.free_udp_port(FAMILY)
    argv = [options.cobalt, "serve", "--plugtest", "--bind", FAMILY.host, "--port", str(port),
            *SERVER_ARGS, *server_args]
    log_path = os.path.join(directory, "server.log")
    try:
        with open(log_path, "w") as log, interop.Peer(argv, FAMILY, port, log) as server:
            with Tap(FAMILY, port, drop) as tap:
                ctx = Context(client, helper, tap, port)
                function(ctx)
                if not server.alive():
                    raise Failure("cobalt serve died")
        # "partial": every step the client can take passed; the note says which it cannot.
        return name, ("partial" if ctx.notes else "pass"), "; ".join(ctx.notes)
    except NotApplicable as reason:
        return name, "n/a", str(reason)
    except (Failure, interop.Failure, AssertionError) as failure:
        with open(log_path) as log:
            tail = log.read()[-1500:]
        return name, "fail", f"{failure}\n  server log: {tail}"
    except Exception:  # a bug in the case itself still fails the TD, with its trace
        return name, "fail", traceback.format_exc()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", help="the cobalt binary")
    parser.add_argument("--client", choices=["cobalt", "libcoap"], default="cobalt")
    parser.add_argument("--group", choices=["core", "link", "block", "obs"])
    parser.add_argument("--td", action="append", help="only this TD (repeatable)")
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--list", action="store_true")
    options = parser.parse_args()
    names = [n for n in CASES
             if (not options.group or n.startswith(f"TD_COAP_{options.group.upper()}_"))
             and (not options.td or n in options.td)]
    if options.list:
        print("\n".join(names))
        return 0
    if not names:
        print("no such TD")
        return 2
    if options.client == "libcoap" and shutil.which(LibcoapClient.program) is None:
        print(f"{LibcoapClient.program} is not installed (Debian package libcoap3-bin)")
        return 1
    options.cobalt = os.path.abspath(options.cobalt)
    results = []
    with tempfile.TemporaryDirectory(prefix="cobalt-conformance-") as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
            for result in pool.map(lambda name: run_case(name, options, work), names):
                results.append(result)
    failed = 0
    for name, verdict, detail in results:
        print(f"{name} {options.client} {verdict}" + (f": {detail}" if detail else ""))
        failed += verdict == "fail"
    print(f"{len(results) - failed} of {len(results)} TDs pass or do not apply, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
