#!/usr/bin/env python3
"""wire_compare.py — issue 11's wire benchmark: udp_echo, libcoap and cobalt serve side by side.

One run measures, one after the other and under the same load, the bare UDP
reference (load/udp_echo), libcoap's `coap-server-notls` and `cobalt serve`:
each server is started on 127.0.0.1 (a free port) pinned to one CPU, waited
for until it answers a CoAP ping, loaded by load/wire_load pinned to another
CPU (GET --path, --window outstanding, CON unless --non) for --warmup-seconds
plus --seconds, then stopped. Prints a markdown table (requests/s counts 2.xx
answers only; errors are other codes, 5.03 included; lost are timeouts) and
the ratios cobalt/libcoap and cobalt/echo.

With --repeat N (no sweep) it measures the servers N times over, in an order
that alternates from round to round (echo, libcoap, cobalt, then the reverse),
prints each round's ratios, and ends with the median of each ratio over the
rounds and its range. A ratio is taken within its round, where the two
measurements are a minute apart, not across rounds: the echo reference itself
moves by a third from minute to minute on this machine.

With --windows 1,16,64,256,1024 it sweeps the window size instead, writes a
CSV (--csv) and, with --plot FILE.svg, its plot (plot_window_sweep.py).

Figures from different runs are not comparable: compare within one run. Other
processes compete for the two CPUs and make every figure lower and noisier, so
before each measurement the script waits up to --settle seconds for an idle
machine; "busy before" is how busy both CPUs were just before it started (0 %
is clean) and "others" the mean number of other runnable tasks during it
(sampled from /proc/loadavg every 0.1 s; 0 is clean).

Loss: libcoap keeps the kernel's default receive buffer (net.core.rmem_default,
208 KiB here), which overflows at large windows; udp_echo and wire_load ask for
4 MiB. A lost request holds its window slot for --timeout-ms. Message IDs: each of
wire_load's sockets numbers its requests sequentially, so past 65536 requests
on a socket (warmup included) a server that deduplicates for 247 s takes them
as duplicates; the lost column then says "MIDs wrapped": raise --sockets.
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "load"))
sys.path.insert(0, HERE)

from server_process import free_port, start, stop  # noqa: E402
import plot_window_sweep  # noqa: E402

SERVERS = ("echo", "libcoap", "cobalt")
LABELS = {"echo": "udp_echo", "libcoap": "libcoap coap-server-notls", "cobalt": "cobalt serve"}
FIELDS = ("rate", "p50_us", "p99_us", "errors", "lost", "stale", "requests", "seconds")


def cpu_times():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values), idle


def busy_fraction(seconds=0.5):
    """How busy all CPUs were over the next `seconds`, 0..1."""
    total0, idle0 = cpu_times()
    time.sleep(seconds)
    total1, idle1 = cpu_times()
    total = total1 - total0
    return 1.0 - (idle1 - idle0) / total if total > 0 else 0.0


def other_runnable():
    """Runnable tasks now, less the three of a measurement (this script, server, load)."""
    with open("/proc/loadavg") as f:
        running = int(f.read().split()[3].split("/")[0])
    return max(0, running - 3)


def settle(limit, threshold=0.10):
    """Waits up to `limit` seconds for the machine to be quiet; its last busy fraction."""
    deadline = time.monotonic() + limit
    busy = busy_fraction()
    while busy > threshold and time.monotonic() < deadline:
        busy = busy_fraction()
    return busy


def server_argv(name, options, port, directory):
    if name == "echo":
        return [options.udp_echo, "--bind", "127.0.0.1", "--port", str(port)]
    if name == "libcoap":
        return ["coap-server-notls", "-A", "127.0.0.1", "-p", str(port), "-v", "0"]
    return [options.cobalt, "serve", directory, "--bind", "127.0.0.1", "--port", str(port)]


def parse_machine_line(text):
    for line in reversed(text.splitlines()):
        if line.startswith("requests="):
            return dict(item.split("=", 1) for item in line.split())
    return None


def measure(name, window, options, cpus, directory):
    """One server, one window: a dict of wire_load's figures plus 'busy' and 'human'."""
    busy = settle(options.settle)
    port = free_port()
    server = start(server_argv(name, options, port, directory), port, cpu=cpus[0])
    try:
        argv = [options.wire_load, "--host", "127.0.0.1", "--port", str(port),
                "--path", options.path, "--window", str(window),
                "--sockets", str(options.sockets), "--batch", str(options.batch),
                "--seconds", str(options.seconds),
                "--warmup-seconds", str(options.warmup_seconds),
                "--timeout-ms", str(options.timeout_ms)] + (["--non"] if options.non else [])
        pin = None if cpus[1] is None else (lambda: os.sched_setaffinity(0, {cpus[1]}))
        load = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=pin)
        samples = []
        deadline = time.monotonic() + options.warmup_seconds + options.seconds + 30
        while load.poll() is None and time.monotonic() < deadline:
            samples.append(other_runnable())
            time.sleep(0.1)
        if load.poll() is None:
            load.kill()
        stdout, stderr = load.communicate()
        alive = server.poll() is None
    finally:
        stop(server)
    figures = parse_machine_line(stdout)
    if figures is None:
        raise SystemExit(f"wire_load against {LABELS[name]} printed no figures "
                         f"(exit {load.returncode}):\n{stdout}{stderr}")
    human = stdout.splitlines()[0] if stdout else ""
    if not alive:
        human += " [the server died during the run]"
    print(f"  {LABELS[name]:26} window {window:5}: {human}", flush=True)
    figures["mids_wrapped"] = "yes" if int(figures.get("max_socket_requests", "0")) > 65536 \
        else "no"
    figures["busy"] = f"{busy * 100:.0f}%"
    figures["others"] = f"{sum(samples) / len(samples):.1f}" if samples else "?"
    figures["human"] = human
    return figures


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def print_table(results, windows, servers):
    sweep = len(windows) > 1
    head = ("| window " if sweep else "") + \
        "| server | requests/s | p50 (us) | p99 (us) | errors | lost | busy before | others |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for window in windows:
        for name in servers:
            r = results[(window, name)]
            print((f"| {window} " if sweep else "") +
                  f"| {LABELS[name]} | {float(r['rate']):,.0f} | {r['p50_us']} | {r['p99_us']} "
                  f"| {r['errors']} | {r['lost']}{' (MIDs wrapped)' if r['mids_wrapped'] == 'yes' else ''} "
                  f"| {r['busy']} | {r['others']} |")
    print()
    for window in windows:
        rate = {name: float(results[(window, name)]["rate"]) for name in servers}
        parts = []
        if "cobalt" in rate and "libcoap" in rate:
            parts.append(f"cobalt/libcoap {ratio(rate['cobalt'], rate['libcoap'])}")
        if "cobalt" in rate and "echo" in rate:
            parts.append(f"cobalt/echo {ratio(rate['cobalt'], rate['echo'])}")
        if "libcoap" in rate and "echo" in rate:
            parts.append(f"libcoap/echo {ratio(rate['libcoap'], rate['echo'])}")
        if parts:
            print(("window " + str(window) + ": " if sweep else "") + ", ".join(parts))


def round_ratios(rates):
    """The ratios of one round's requests/s, by name."""
    out = {}
    for a, b in (("cobalt", "libcoap"), ("cobalt", "echo"), ("libcoap", "echo")):
        if a in rates and b in rates and rates[b] > 0:
            out[f"{a}/{b}"] = rates[a] / rates[b]
    return out


def print_repeats(rounds, servers):
    """Each round's rates and ratios, then each ratio's median and range."""
    print("| round | " + " | ".join(LABELS[n] for n in servers) + " | ratios |")
    print("|---|" + "---|" * len(servers) + "---|")
    per_ratio = {}
    for number, (rates, wrapped) in enumerate(rounds, 1):
        ratios = round_ratios(rates)
        for name, value in ratios.items():
            per_ratio.setdefault(name, []).append(value)
        print(f"| {number} | " + " | ".join(f"{rates[n]:,.0f}" +
                                            (" (MIDs wrapped)" if n in wrapped else "")
                                            for n in servers) + " | " +
              ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()) + " |")
    print()
    for name, values in per_ratio.items():
        print(f"{name}: median {statistics.median(values):.2f}x over {len(values)} rounds "
              f"(min {min(values):.2f}x, max {max(values):.2f}x)")


def write_csv(path, results, windows, servers):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(("window", "server") + FIELDS + ("busy_before", "others", "mids_wrapped"))
        for window in windows:
            for name in servers:
                r = results[(window, name)]
                out.writerow((window, LABELS[name]) + tuple(r.get(k, "") for k in FIELDS) +
                             (r["busy"], r["others"], r["mids_wrapped"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cobalt", help="the cobalt CLI (needed unless --servers omits cobalt)")
    parser.add_argument("--wire-load", required=True, help="bench/load/wire_load")
    parser.add_argument("--udp-echo", help="bench/load/udp_echo (needed for the echo server)")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="which of echo,libcoap,cobalt to measure (default: all three)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup-seconds", type=float, default=1)
    parser.add_argument("--path", default="/time")
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--windows", help="comma-separated window sizes: a sweep")
    parser.add_argument("--non", action="store_true", help="NON requests (default CON)")
    parser.add_argument("--sockets", type=int, default=64,
                        help="wire_load --sockets (default 64: a socket's message IDs repeat "
                             "after 65536 requests, which a deduplicating server drops)")
    parser.add_argument("--batch", type=int, default=32, help="wire_load --batch (default 32)")
    parser.add_argument("--timeout-ms", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=20,
                        help="wait up to this many seconds for an idle machine before each "
                             "measurement (default 20)")
    parser.add_argument("--csv", help="sweep CSV (default: the --plot file with .csv, "
                                      "else wire_window_sweep.csv)")
    parser.add_argument("--plot", help="sweep plot, an SVG file")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure the servers this many times, alternating their order, "
                             "and report each ratio's median (not with --windows)")
    options = parser.parse_args()

    servers = [s.strip() for s in options.servers.split(",") if s.strip()]
    if not servers or any(s not in SERVERS for s in servers):
        parser.error(f"--servers takes some of {','.join(SERVERS)}")
    if "cobalt" in servers and not options.cobalt:
        parser.error("--cobalt is needed to measure cobalt serve")
    if "echo" in servers and not options.udp_echo:
        parser.error("--udp-echo is needed to measure the echo server")
    if "libcoap" in servers and shutil.which("coap-server-notls") is None:
        raise SystemExit("coap-server-notls is not installed (libcoap3-bin)")
    if not 0 < options.seconds <= 600 or not 0 <= options.warmup_seconds <= 60:
        parser.error("--seconds must be in (0, 600], --warmup-seconds in [0, 60]")
    sweep = options.windows is not None
    if not 1 <= options.repeat <= 50 or (sweep and options.repeat > 1):
        parser.error("--repeat takes 1 to 50, and not with --windows")
    windows = [int(w) for w in options.windows.split(",")] if sweep else [options.window]

    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) >= 2:
        cpus = (allowed[0], allowed[1])
    else:
        cpus = (None, None)
        print("warning: fewer than two CPUs: server and load share one, unpinned")
    print(f"server on CPU {cpus[0]}, wire_load on CPU {cpus[1]}; "
          f"{'NON' if options.non else 'CON'} GET {options.path}, "
          f"{options.warmup_seconds:g} s warmup + {options.seconds:g} s each, "
          f"{options.sockets} sockets, batch {options.batch}", flush=True)

    results = {}
    with tempfile.TemporaryDirectory(prefix="cobalt-wire-") as directory:
        if options.repeat > 1:
            rounds = []
            for number in range(options.repeat):
                order = servers if number % 2 == 0 else list(reversed(servers))
                print(f"round {number + 1} of {options.repeat}", flush=True)
                rates, wrapped = {}, []
                for name in order:
                    figures = measure(name, windows[0], options, cpus, directory)
                    rates[name] = float(figures["rate"])
                    if figures["mids_wrapped"] == "yes":
                        wrapped.append(name)
                rounds.append((rates, wrapped))
            print()
            print_repeats(rounds, servers)
            return 0
        for window in windows:
            for name in servers:
                results[(window, name)] = measure(name, window, options, cpus, directory)
    print()
    print_table(results, windows, servers)
    if sweep:
        csv_path = options.csv or (os.path.splitext(options.plot)[0] + ".csv"
                                   if options.plot else "wire_window_sweep.csv")
        write_csv(csv_path, results, windows, servers)
        print(f"\nwrote {csv_path}")
        if options.plot:
            plot_window_sweep.plot(csv_path, options.plot,
                                   f"{'NON' if options.non else 'CON'} GET {options.path} "
                                   f"on loopback against window size")
            print(f"wrote {options.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
