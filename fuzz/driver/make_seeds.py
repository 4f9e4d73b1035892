#!/usr/bin/env python3
"""fuzz/driver/make_seeds.py — writes the seed inputs of the `driver` fuzz target.

Owns the files named seed-* in fuzz/corpus/driver/ (rewritten on every run, stale
seed-* files removed); inputs found by fuzzing have other names and are left alone.
DriverSeed mirrors the harness's draws (fuzz/driver/input.cpp, spec.cpp, rogue.cpp,
world.cpp): integers are taken from the back of the input (big-endian, as few bytes
as the range needs), byte strings from the front. Standard library only.

    python3 fuzz/driver/make_seeds.py            # rewrite the seeds
    python3 fuzz/driver/make_seeds.py --check    # exit 1 when the seeds on disk differ
"""

import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "driver"

# Tables of the harness, in its order.
OPS = ["launch", "destroy", "cancel", "complete", "drop_deferred", "raw", "replay",
       "forge_response", "forge_request", "link", "partition", "time", "steps", "join",
       "destroy_server_task"]
SHAPES = ["get", "post_payload", "put_block1", "block2_collect", "block2_any", "non_code",
          "multicast_code_addr", "multicast_done", "method_success_addr", "script",
          "block1_script", "block2_script", "inspect_success", "observe", "ping", "options",
          "multicast_script", "fetch_transmission", "uri_host_path", "non_no_response",
          "payload_writer"]
FORMS = ["await", "stream", "callback"]
TARGETS = ["driver0", "driver1", "driver2", "rogue", "group", "nowhere", "name", "bad_name"]
PATHS = ["imm", "body", "defer", "throw", "quiet", "none", "up", "things", "core", "missing"]
ACTIONS = ["none", "cancel_self", "cancel_other", "destroy_other", "resend", "complete_pending"]
NO_RESPONSES = [0, 0, 0, 2, 8, 16, 26, 24]
SLEEPS = [0, 0, 0, 1, 20, 400, 3000, 60000]
TIME_STEPS = [1, 10, 100, 500, 2000, 10000, 60000, 300000, 3600000, 86400000, 0, 5, 50, 250,
              1000, 30000]
# Script steps (tagged.hpp): 0 judge, 1 done(value), 2/3 send_next, 4 keep_waiting, 5/6 error.
JUDGE, DONE, SEND_NEXT, KEEP_WAITING, ERROR = 0, 1, 2, 4, 5
# Forged messages (rogue.cpp).
CON, NON, ACK, RST = 0, 1, 2, 3
FORGED_CODES = ["2.05", "2.04", "2.01", "2.31", "4.04", "4.02", "4.13", "5.03", "5.00", "2.03",
                "0.00", "0.01", "7.02", "1.00", "2.02", "4.08"]
FORGED_METHODS = ["GET", "POST", "PUT", "DELETE", "FETCH", "IPATCH", "EMPTY", "2.05"]
BLOCK2, BLOCK1, ETAG, OBSERVE, CONTENT_FORMAT, SIZE2, NO_RESPONSE, OSCORE = (
    1, 2, 4, 8, 16, 32, 64, 128)
# Driver configurations (world.cpp): each field's table, in draw order.
CONFIG_FIELDS = [
    ("exchanges", [16, 4, 2, 64]), ("dedup", [4096, 6, 2]), ("peers", [64, 2]),
    ("queued", [32, 3]), ("events", [32, 2]), ("size", [1152, 256, 128]), ("token", [8, 4]),
    ("ack_delay", [500, 0, 50]), ("deadline", [0, 2000, 100000]), ("non", [0, 1000]),
    ("window", [0, 300]), ("max_payload", [1024, 64]), ("ack_timeout", [2000, 500, 100]),
    ("max_retransmit", [4, 1, 0]), ("leisure", [5000, 100, 0])]
LINK_DELAYS = [0, 5, 50, 500, 3000, 20000]
LINK_JITTERS = [0, 10, 300, 2000]
LINK_LOSSES = [0.0, 0.1, 0.5, 1.0]
LINK_DUPLICATES = [0.0, 0.3, 1.0]
LINK_REORDERS = [0.0, 0.5]
LINK_MTUS = [0, 300, 120]
ROGUE = 3


class Input:
    """Mirrors cobalt_fuzz::DataProvider."""

    def __init__(self):
        self.front = bytearray()
        self.back = bytearray()

    def int(self, value, low, high):
        assert low <= value <= high, (value, low, high)
        span = high - low
        self.back += (value - low).to_bytes((span.bit_length() + 7) // 8, "big")

    def index(self, value, high):
        self.int(value, 0, high)

    def pick(self, table, value):
        self.index(table.index(value), len(table) - 1)

    def data(self, data):
        self.front += data

    def bytes_up_to(self, data, high):
        self.index(len(data), high)
        self.data(data)

    def build(self):
        return bytes(self.front) + bytes(reversed(self.back))


def mixed(fields):
    """A mixed-radix number: (choice, radix) pairs, first one lowest."""
    value, scale = 0, 1
    for choice, radix in fields:
        assert 0 <= choice < radix
        value += choice * scale
        scale *= radix
    return value


def config_bits(seed=0, **chosen):
    fields = []
    for name, table in CONFIG_FIELDS:
        fields.append((table.index(chosen.pop(name, table[0])), len(table)))
    assert not chosen, chosen
    return (seed & 0xFF) | (mixed(fields) << 8)


class DriverSeed:
    def __init__(self, drivers=2, configs=None, members=None, seed=1):
        self.inp = Input()
        self.inp.int(seed, 0, 0xFFFF)
        self.inp.index(drivers - 2, 1)
        configs = configs or [{}] * drivers
        members = members if members is not None else [False, True, True][:drivers]
        for i in range(drivers):
            self.inp.int(config_bits(**configs[i]), 0, 2 ** 32 - 1)
            self.inp.index(0 if members[i] else 1, 1)

    def op(self, name):
        self.inp.index(OPS.index(name), len(OPS) - 1)
        return self

    def launch(self, shape="get", form="await", frm=0, target="driver1", path="imm", qa=0, qb=0,
               block1_szx=7, block2_szx=7, block2_num=0, payload=0, payload_seed=0, script=(),
               no_response=0, repeat=1, variant=0, special=0, sleep_before=0, sleep_between=0,
               actions=(), arg=0):
        inp = self.op("launch").inp
        inp.index(frm, 2)
        inp.index(TARGETS.index(target), 7)
        inp.index(PATHS.index(path), 9)
        inp.int(qa, 0, 255)
        inp.int(qb, 0, 0xFFFF)
        inp.index(SHAPES.index(shape), len(SHAPES) - 1)
        inp.index(FORMS.index(form), 2)
        inp.int(block1_szx + 8 * block2_szx + 64 * block2_num, 0, 0xFFFF)
        inp.int(payload, 0, 1400)
        inp.int(payload_seed, 0, 255)
        inp.int(sum(step << (3 * i) for i, step in enumerate(script)), 0, 0xFFFF)
        inp.int(NO_RESPONSES.index(no_response) + 8 * (repeat - 1), 0, 255)
        inp.int(variant, 0, 255)
        inp.index(special, 7)
        inp.int(SLEEPS.index(sleep_before) + 8 * SLEEPS.index(sleep_between), 0, 255)
        kinds = list(actions) + ["none"] * (3 - len(actions))
        inp.int(mixed([(ACTIONS.index(k), len(ACTIONS)) for k in kinds]), 0, 0xFFFF)
        inp.int(arg, 0, 255)
        return self

    def time(self, ms):
        self.op("time").inp.pick(TIME_STEPS, ms)
        return self

    def steps(self, count):
        self.op("steps").inp.index(count - 1, 15)
        return self

    def byte_op(self, name, k=0):
        self.op(name).inp.int(k, 0, 255)
        return self

    def complete(self, k=0, how=0):
        self.op("complete").inp.int(k, 0, 255)
        self.inp.int(how, 0, 255)
        return self

    def join(self, driver, member=True):
        self.op("join").inp.index(driver, 2)
        self.inp.index(0 if member else 1, 1)
        return self

    def link(self, a=0, b=1, mode=0, delay=0, jitter=0, loss=0.0, duplicate=0.0, reorder=0.0,
             mtu=0):
        inp = self.op("link").inp
        inp.index(a, 3)
        inp.index(b, 3)
        inp.index(mode, 2)
        inp.int(mixed([(LINK_DELAYS.index(delay), 6), (LINK_JITTERS.index(jitter), 4),
                       (LINK_LOSSES.index(loss), 4), (LINK_DUPLICATES.index(duplicate), 3),
                       (LINK_REORDERS.index(reorder), 2), (LINK_MTUS.index(mtu), 3)]), 0, 0xFFFF)
        return self

    def partition(self, a=0, b=1, mode=0):
        inp = self.op("partition").inp
        inp.index(a, 3)
        inp.index(b, 3)
        inp.index(mode, 3)
        return self

    def raw(self, data, frm=ROGUE, to=0):
        inp = self.op("raw").inp
        inp.index(frm, 3)
        inp.index(to, 4)
        inp.bytes_up_to(data, 300)
        return self

    def replay(self, source=0, k=0, mutation=0, arg=0, redirect=0):
        inp = self.op("replay").inp
        inp.index(source, 3)
        inp.index(k, 7)
        inp.index(mutation, 7)
        inp.int(arg, 0, 0xFFFF)
        inp.index(redirect, 4)
        return self

    def forge_response(self, source=0, k=0, mtype=ACK, code="2.05", token_mode=0, token=b"",
                       own_mid=True, mid=0, bits=0, value=0, spoof=0, payload=b""):
        inp = self.op("forge_response").inp
        inp.index(source, 3)
        inp.index(k, 7)
        inp.index(mtype, 3)
        inp.pick(FORGED_CODES, code)
        inp.index(token_mode, 3)
        inp.bytes_up_to(token, 8)
        inp.index(0 if own_mid else 1, 1)
        inp.int(mid, 0, 0xFFFF)
        inp.int(bits, 0, 255)
        inp.int(value, 0, 0xFFFF)
        inp.index(spoof, 3)
        inp.bytes_up_to(payload, 64)
        return self

    def forge_request(self, to=0, frm=ROGUE, mtype=CON, method="GET", path="imm", qa=0, qb=0,
                      bits=0, value=0, mid=0x1234, token=b"\x01\x02", payload=b""):
        inp = self.op("forge_request").inp
        inp.index(to, 3)
        inp.index(frm, 3)
        inp.index(mtype, 3)
        inp.pick(FORGED_METHODS, method)
        inp.index(PATHS.index(path), 9)
        inp.int(qa, 0, 255)
        inp.int(qb, 0, 0xFFFF)
        inp.int(bits, 0, 255)
        inp.int(value, 0, 0xFFFF)
        inp.int(mid, 0, 0xFFFF)
        inp.bytes_up_to(token, 8)
        inp.bytes_up_to(payload, 64)
        return self

    def build(self):
        return self.inp.build()


def seeds():
    s = {}
    s["get-await"] = (DriverSeed().launch().time(2000).launch(form="callback", path="things", qa=7)
                      .launch(form="stream", target="name").time(10000))
    s["block2-collect"] = (DriverSeed().launch("block2_collect", path="body", qa=2, qb=2500,
                                               block2_szx=2).time(30000)
                           .launch("block2_any", form="stream", path="body", qa=0x85, qb=900,
                                   block2_szx=6).time(60000))
    s["block1-upload"] = (DriverSeed().launch("put_block1", path="up", qa=3, payload=700,
                                              block1_szx=4).time(10000)
                          .launch("block1_script", form="callback", path="up", qa=6, payload=300,
                                  script=(SEND_NEXT, DONE)).time(30000))
    s["multicast-stream"] = (DriverSeed(drivers=3, members=[False, True, True])
                             .launch("multicast_code_addr", form="stream", target="group",
                                     sleep_between=400)
                             .launch("multicast_done", form="callback", target="group", path="imm",
                                     qa=3)
                             .time(10000))
    s["callback-cancel"] = (DriverSeed().launch(form="callback", path="defer").time(100)
                            .byte_op("cancel", 0).launch("observe", form="callback", path="imm")
                            .time(500).byte_op("cancel", 1).time(10000))
    s["defer-timer"] = (DriverSeed().launch(path="defer", qa=1, qb=300).time(100)
                        .launch(form="stream", path="defer", qa=2, qb=1500).time(2000)
                        .launch(form="callback", path="defer", qa=3, qb=700).time(60000))
    s["defer-complete"] = (DriverSeed(configs=[{}, {"ack_delay": 50}])
                           .launch(path="defer").launch(form="callback", path="defer").time(100)
                           .complete(0, 0).time(10).complete(1, 2).time(500)
                           .launch(path="defer").time(10).byte_op("drop_deferred", 2).time(10000))
    s["throw"] = (DriverSeed().launch(path="throw").launch(path="throw", qa=1, form="stream")
                  .launch(path="throw", qa=2, form="callback").launch(path="quiet")
                  .launch(path="none").time(60000))
    s["no-response"] = (DriverSeed().launch("non_no_response", path="imm", variant=0x1A)
                        .launch(path="imm", no_response=26).launch(path="imm", qa=3, no_response=8)
                        .launch("non_code", form="callback", path="imm", no_response=2)
                        .time(300000))
    s["destroy-mid-exchange"] = (DriverSeed().launch(path="defer", sleep_between=20)
                                 .launch(form="stream", path="defer").time(100)
                                 .byte_op("destroy", 0).byte_op("destroy", 1).time(10)
                                 .complete(0, 0).complete(1, 5).time(300000))
    s["forged-responses"] = (DriverSeed().launch(path="defer").launch(form="callback", path="defer")
                             .time(10)
                             .forge_response(source=0, k=0, mtype=ACK, code="2.05")
                             .forge_response(source=0, k=1, mtype=CON, code="2.31", own_mid=False,
                                             mid=7, bits=BLOCK2 | ETAG, value=0x18)
                             .forge_response(source=0, k=1, mtype=NON, code="4.04", token_mode=3,
                                             token=b"\x00\x01\x02\x03")
                             .forge_response(source=0, k=0, mtype=RST, code="0.00")
                             .time(60000))
    s["lossy-link"] = (DriverSeed().link(0, 1, delay=50, jitter=300, loss=0.5, duplicate=1.0,
                                         reorder=0.5)
                       .launch(path="imm", repeat=2).launch("post_payload", form="stream",
                                                            path="imm", payload=40)
                       .launch("block2_collect", form="callback", path="body", qa=3, qb=1000)
                       .time(300000))
    s["partition-huge-time"] = (DriverSeed().launch(path="imm", sleep_before=20).partition(0, 1)
                                .time(100).launch(form="callback", path="defer", qa=1, qb=10)
                                .time(86400000).partition(mode=2).launch().time(10000))
    s["observe-ping-refs"] = (DriverSeed().launch("observe", form="stream", path="imm")
                              .launch("ping", target="driver1")
                              .launch(special=3).launch(special=5).launch(target="bad_name")
                              .launch("ping", form="callback", target="nowhere").time(3600000))
    s["scripts"] = (DriverSeed(drivers=3)
                    .launch("script", path="imm", script=(SEND_NEXT, KEEP_WAITING, DONE))
                    .launch("script", form="stream", path="imm", qa=3, script=(ERROR,))
                    .launch("block2_script", form="callback", path="body", qb=200,
                            script=(JUDGE, DONE))
                    .launch("multicast_script", form="stream", target="group",
                            script=(KEEP_WAITING, DONE))
                    .time(300000))
    s["stream-small-buffer"] = (DriverSeed(drivers=3, members=[False, True, True])
                                .launch("multicast_code_addr", form="stream", target="group",
                                        special=1, sleep_between=3000)
                                .launch("multicast_code_addr", form="stream", target="group",
                                        special=2, repeat=2)
                                .time(60000))
    s["rogue-traffic"] = (DriverSeed().launch(path="imm").time(10)
                          .replay(0, 0).replay(0, 0, mutation=1, arg=0x0203)
                          .replay(1, 0, mutation=3, arg=0x4242, redirect=1)
                          .forge_request(to=1, path="defer").forge_request(to=1, mtype=NON,
                                                                           path="body", bits=BLOCK2,
                                                                           value=0x12)
                          .raw(b"\x40\x01\x00\x01", frm=ROGUE, to=1).raw(b"\xff\x00", frm=0, to=3)
                          .time(500).complete(0, 1).time(300000))
    s["hooks"] = (DriverSeed().launch(form="callback", path="defer", actions=("resend",))
                  .launch(path="defer", actions=("cancel_other", "destroy_other"), arg=0)
                  .launch(form="stream", path="imm", actions=("complete_pending",), arg=1)
                  .time(100).complete(0, 0).time(300000))
    s["options-methods"] = (DriverSeed().launch("options", path="imm", variant=1)
                            .launch("method_success_addr", form="callback", path="imm", variant=1)
                            .launch("method_success_addr", form="stream", path="imm", variant=8)
                            .launch("uri_host_path", path="things", qa=3, variant=1)
                            .launch("fetch_transmission", path="imm", payload=20, variant=5)
                            .launch("payload_writer", form="callback", path="imm", payload=30)
                            .launch("inspect_success", path="core").time(300000))
    s["small-tables"] = (DriverSeed(configs=[{"exchanges": 2, "queued": 3, "events": 2},
                                             {"exchanges": 2, "dedup": 2, "size": 128}])
                         .launch(path="defer").launch(form="stream", path="defer")
                         .launch(form="callback", path="imm").launch("block2_collect",
                                                                     path="body", qb=500)
                         .time(1000).join(0).launch("multicast_done", target="group")
                         .time(300000))
    return {name: seed.build() for name, seed in s.items()}


def main():
    check = "--check" in sys.argv[1:]
    wanted = {f"seed-{name}": data for name, data in seeds().items()}
    CORPUS.mkdir(parents=True, exist_ok=True)
    differ = False
    for stale in CORPUS.glob("seed-*"):
        if stale.name not in wanted:
            differ = True
            if not check:
                stale.unlink()
    for name, data in sorted(wanted.items()):
        path = CORPUS / name
        if path.exists() and path.read_bytes() == data:
            continue
        differ = True
        if not check:
            path.write_bytes(data)
    if check:
        print("driver seeds differ" if differ else "driver seeds up to date")
        return 1 if differ else 0
    print(f"wrote {len(wanted)} driver seeds to {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
