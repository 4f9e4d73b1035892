#!/usr/bin/env python3
"""fuzz/make_seeds.py — writes the hand-made seed inputs of the fuzz corpora.

Owns the files named seed-* in fuzz/corpus/<target>/ (rewritten on every run,
stale seed-* files removed); inputs found by fuzzing and merged into the same
directories have other names and are left alone. Standard library only.

    python3 fuzz/make_seeds.py            # rewrite the seeds
    python3 fuzz/make_seeds.py --check    # exit 1 when the seeds on disk differ
"""

import hashlib
import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

CON, NON, ACK, RST = 0, 1, 2, 3


def code(cls, detail):
    return (cls << 5) | detail


GET, POST, PUT, DELETE, FETCH = code(0, 1), code(0, 2), code(0, 3), code(0, 4), code(0, 5)
CREATED, CHANGED, CONTENT, CONTINUE = code(2, 1), code(2, 4), code(2, 5), code(2, 31)
NOT_FOUND, BAD_OPTION, ENTITY_INCOMPLETE, SERVICE_UNAVAILABLE = code(4, 4), code(4, 2), code(4, 8), code(5, 3)

# Option numbers used below (RFC 7252 and later).
IF_MATCH, URI_HOST, ETAG, IF_NONE_MATCH, OBSERVE, URI_PORT = 1, 3, 4, 5, 6, 7
LOCATION_PATH, OSCORE, URI_PATH, CONTENT_FORMAT, MAX_AGE, URI_QUERY = 8, 9, 11, 12, 14, 15
HOP_LIMIT, ACCEPT, Q_BLOCK1, LOCATION_QUERY, EDHOC, BLOCK2, BLOCK1 = 16, 17, 19, 20, 21, 23, 27
SIZE2, Q_BLOCK2, PROXY_URI, PROXY_SCHEME, SIZE1 = 28, 31, 35, 39, 60
ECHO, NO_RESPONSE, REQUEST_TAG = 252, 258, 292


def nibble(value):
    """The 4-bit field and its extension bytes for a delta or length."""
    if value < 13:
        return value, b""
    if value < 269:
        return 13, bytes([value - 13])
    return 14, (value - 269).to_bytes(2, "big")


def uint(value):
    """Minimal unsigned integer option value."""
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def token_header(token):
    if len(token) <= 12:  # RFC 8974: 9..12 are direct lengths too
        return len(token), b""
    if len(token) < 269:
        return 13, bytes([len(token) - 13])
    return 14, (len(token) - 269).to_bytes(2, "big")


def message(mtype, mcode, mid, token=b"", options=(), payload=b""):
    """Encodes a message; options are (number, value) pairs, sorted stably here."""
    tkl, token_ext = token_header(token)
    out = bytearray([0x40 | (mtype << 4) | tkl, mcode, mid >> 8, mid & 0xFF])
    out += token_ext + token
    previous = 0
    for number, value in sorted(options, key=lambda o: o[0]):
        if isinstance(value, str):
            value = value.encode()
        d, d_ext = nibble(number - previous)
        l, l_ext = nibble(len(value))
        out += bytes([(d << 4) | l]) + d_ext + l_ext + value
        previous = number
    if payload:
        out += b"\xff" + payload
    return bytes(out)


def stream(label, length):
    """Deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:length])


H = bytes.fromhex

# Well-formed messages: name -> bytes.
VALID = {
    # RFC 7252 Appendix A style exchanges.
    "a1-con-get-temperature": H("40017d34bb74656d7065726174757265"),
    "a1-ack-content-22.3C": H("60457d34ff32322e332043"),
    "a2-con-get-token": H("41017d3520bb74656d7065726174757265"),
    "a2-ack-content-token": H("61457d3520ff32322e332043"),
    "a3-empty-ack": H("60007d38"),
    "a3-con-content-separate": message(CON, CONTENT, 0xAD7B, b"\x23\x45", [], b"22.5 C"),
    "a4-non-get": message(NON, GET, 0x7D40, b"\x74", [(URI_PATH, "temperature")]),
    "a4-non-content": message(NON, CONTENT, 0xAD7D, b"\x74", [], b"22.3 C"),
    "rst": H("7000ad7c"),
    "ping-con-empty": H("40001234"),
    # Token lengths.
    "token-8": message(CON, GET, 1, bytes(range(1, 9)), [(URI_PATH, "a")]),
    # Option encodings: 1- and 2-byte extended deltas and lengths.
    "delta-ext1-size1": message(CON, PUT, 2, b"\x01", [(SIZE1, uint(1000))], b"x" * 16),
    "delta-ext1-echo": message(CON, GET, 3, b"\x02", [(ECHO, stream("echo", 8))]),
    "delta-ext1-no-response": message(NON, POST, 4, b"", [(NO_RESPONSE, uint(26))], b"hi"),
    "delta-ext2-request-tag": message(CON, POST, 5, b"\x03", [(REQUEST_TAG, b"\x01\x02")], b"p"),
    "delta-ext2-65535": message(CON, GET, 6, b"", [(65535, b"")]),
    "delta-ext2-unknown-elective": message(CON, GET, 7, b"", [(URI_PATH, "x"), (2048, b"zz")]),
    "delta-ext2-unknown-critical": message(CON, GET, 8, b"", [(65001, b"\x00")]),
    "length-ext1-uri-path": message(CON, GET, 9, b"", [(URI_PATH, "a" * 20)]),
    "length-ext1-268": message(CON, GET, 10, b"", [(URI_PATH, "b" * 255), (URI_QUERY, "q" * 13)]),
    "length-ext2-proxy-uri": message(
        CON, GET, 11, b"\x10", [(PROXY_URI, "coap://example.net/" + "p" * 281)]),
    "length-ext2-proxy-uri-max": message(
        CON, GET, 12, b"", [(PROXY_URI, "coap://example.net/" + "m" * 1015)]),
    "delta-and-length-ext2": message(CON, POST, 13, b"", [(1000, stream("big", 300))]),
    # Common request and response shapes.
    "uri-host-port-path-query": message(
        CON, GET, 20, b"\xaa\xbb",
        [(URI_HOST, "example.net"), (URI_PORT, uint(5683)), (URI_PATH, ".well-known"),
         (URI_PATH, "core"), (URI_QUERY, "rt=temp"), (URI_QUERY, "if=sensor")]),
    "observe-register": message(CON, GET, 21, b"\x4a", [(OBSERVE, b""), (URI_PATH, "time")]),
    "observe-notification": message(
        NON, CONTENT, 22, b"\x4a", [(OBSERVE, uint(0x1234)), (CONTENT_FORMAT, b""), (MAX_AGE, uint(30))],
        b"12:00:00"),
    "block2-request": message(CON, GET, 23, b"\x01", [(URI_PATH, "big"), (BLOCK2, uint(0x02))]),
    "block2-response": message(
        ACK, CONTENT, 23, b"\x01", [(CONTENT_FORMAT, uint(0)), (BLOCK2, uint(0x0A)), (SIZE2, uint(1280))],
        b"B" * 64),
    "block2-last": message(ACK, CONTENT, 24, b"\x01", [(BLOCK2, uint(0x1402))], b"end"),
    "block2-bert-szx7": message(ACK, CONTENT, 25, b"", [(BLOCK2, uint(0x0F))], b"x"),
    "block1-put": message(
        CON, PUT, 26, b"\x02", [(URI_PATH, "up"), (BLOCK1, uint(0x1E)), (SIZE1, uint(4096))], b"u" * 32),
    "block1-continue": message(ACK, CONTINUE, 26, b"\x02", [(BLOCK1, uint(0x1E))]),
    "q-block": message(
        CON, FETCH, 27, b"\x03", [(Q_BLOCK1, uint(0x08)), (Q_BLOCK2, uint(0x02)), (Q_BLOCK2, uint(0x12))],
        b"q"),
    "etags-if-match": message(
        CON, PUT, 28, b"", [(IF_MATCH, b""), (IF_MATCH, b"\x01\x02"), (ETAG, b"\xde\xad\xbe\xef"),
                            (IF_NONE_MATCH, b"")], b"v"),
    "location": message(
        ACK, CREATED, 29, b"\x05", [(LOCATION_PATH, "r"), (LOCATION_PATH, "17"), (LOCATION_QUERY, "a=b")]),
    "accept-content-format-json": message(
        CON, FETCH, 30, b"", [(CONTENT_FORMAT, uint(50)), (ACCEPT, uint(60)), (HOP_LIMIT, uint(16))],
        b'{"a":1}'),
    "proxy-scheme-oscore-edhoc": message(
        CON, POST, 31, b"\x09", [(URI_HOST, "h"), (OSCORE, b"\x09\x00"), (EDHOC, b""),
                                 (PROXY_SCHEME, "coap")], b"\x00\x01\x02"),
    "content-format-deflate": message(
        ACK, CONTENT, 37, b"", [(CONTENT_FORMAT, uint(11050)), (ACCEPT, uint(11060))], b"\x78\x9c"),
    "payload-binary": message(NON, CHANGED, 32, b"", [], bytes(range(256))),
    "payload-utf8": message(NON, CONTENT, 33, b"", [(CONTENT_FORMAT, uint(0))], "température 22°C\n".encode()),
    "response-4.04": message(ACK, NOT_FOUND, 34, b"\x11", [], b"not here"),
    "response-5.03-max-age": message(NON, SERVICE_UNAVAILABLE, 35, b"", [(MAX_AGE, uint(0xFFFFFFFF))]),
    "response-4.08": message(ACK, ENTITY_INCOMPLETE, 36, b"", [(BLOCK1, uint(0x21))]),
    # Well-formed on the wire, but check_options objects.
    "repeated-uri-host": message(CON, GET, 40, b"", [(URI_HOST, "a"), (URI_HOST, "b")]),
    "bad-length-uri-port": message(CON, GET, 41, b"", [(URI_PORT, b"\x01\x02\x03")]),
    "bad-length-etag-empty": message(ACK, CONTENT, 42, b"", [(ETAG, b"")]),
    "bad-length-hop-limit": message(CON, GET, 43, b"", [(HOP_LIMIT, b"")]),
    "if-none-match-with-value": message(CON, PUT, 44, b"", [(IF_NONE_MATCH, b"\x01")], b"x"),
    "observe-4-bytes": message(ACK, CONTENT, 45, b"", [(OBSERVE, b"\x01\x02\x03\x04")]),
    "option-zero": message(CON, GET, 46, b"", [(0, b"\x00")]),
    # RFC 8974 extended tokens (rejected unless enabled).
    "token-9": message(CON, GET, 49, stream("tok9", 9), [(URI_PATH, "t")]),
    "token-12": message(ACK, CONTENT, 49, stream("tok12", 12), [], b"p"),
    "token-ext-13": message(CON, GET, 50, stream("tok13", 13), [(URI_PATH, "t")]),
    "token-ext-268": message(CON, GET, 51, stream("tok268", 268)),
    "token-ext-269": message(NON, CONTENT, 52, stream("tok269", 269), [], b"z"),
}

# Malformed datagrams: name -> bytes.
INVALID = {
    "err-empty-datagram": b"",
    "err-truncated-header-1": H("40"),
    "err-truncated-header-3": H("40017d"),
    "err-bad-version-0": H("00017d34"),
    "err-bad-version-2": H("80017d34"),
    "err-bad-version-3": H("c0017d34"),
    "err-tkl-9": H("490100") + b"\x01" + bytes(9),
    "err-tkl-12": H("4c010001") + bytes(12),
    "err-tkl-13-no-extension": H("4d010001"),
    "err-tkl-14-short-extension": H("4e01000100"),
    "err-tkl-14-truncated": H("4e0100010001") + bytes(10),
    "err-tkl-15": H("4f010001") + bytes(15),
    "err-truncated-token": H("44010001aabb"),
    "err-option-delta-15": H("40010001f1aa"),
    "err-option-length-15": H("400100011f"),
    "err-option-delta-length-15-ext": H("40010001df"),
    "err-truncated-option-value": H("40010001b56162"),
    "err-truncated-delta-ext1": H("40010001d0"),
    "err-truncated-delta-ext2": H("40010001e000"),
    "err-truncated-length-ext1": H("400100010d"),
    "err-truncated-length-ext2": H("400100010e01"),
    "err-option-number-overflow": H("40010001e0fef3"),
    "err-option-number-overflow-sum": H("40010001e0fe00e00010"),
    "err-payload-marker-only": H("40450001ff"),
    "err-payload-marker-after-option": H("40450001b161ff"),
    "err-code-class-1": H("40200001"),
    "err-code-class-6": H("40c00001"),
    "err-code-class-7-csm": H("40e10001"),
    "err-empty-with-token": H("41000001aa"),
    "err-empty-with-payload": H("40000001ff01"),
    "err-empty-with-option": H("40000001b0"),
    "err-empty-non": H("50000001"),
    "err-ack-request": H("60010001"),
    "err-rst-content": H("70450001"),
    "err-rst-with-token": H("71000001aa"),
}


def parse_seeds():
    seeds = {f"seed-{name}": data for name, data in VALID.items()}
    seeds.update({f"seed-{name}": data for name, data in INVALID.items()})
    return seeds


def roundtrip_seeds():
    seeds = {}
    # Raw half (first byte bit 0 clear): bits 1-2 the order, bit 3 extended tokens.
    for name, data in VALID.items():
        selector = 0x08 if name.startswith(("token-ext", "token-9", "token-12")) else 0x00
        seeds[f"seed-raw-{name}"] = bytes([selector]) + data
    for order, label in ((1, "payload-first"), (2, "runs-descending"), (3, "interleaved")):
        for name in ("uri-host-port-path-query", "etags-if-match", "block2-response",
                     "delta-and-length-ext2", "length-ext2-proxy-uri", "q-block"):
            seeds[f"seed-raw-{label}-{name}"] = bytes([order << 1]) + VALID[name]
    seeds["seed-raw-invalid"] = b"\x00" + INVALID["err-tkl-15"]
    # Structured half (bit 0 set): the rest feeds the data provider.
    for i, length in enumerate((0, 8, 32, 64, 128, 256, 512, 1024, 2048, 3000)):
        seeds[f"seed-structured-{i:02d}"] = b"\x01" + stream(f"structured-{i}", length)
    seeds["seed-structured-zeros"] = b"\x01" + bytes(600)
    seeds["seed-structured-ones"] = b"\x01" + b"\xff" * 600
    return seeds


# ---------------------------------------------------------------------------
# engine: inputs for fuzz/engine/harness_format.cpp and fuzz/engine/harness_input.cpp, written through a mirror of its draws.


class EngineInput:
    """Mirrors cobalt_fuzz::DataProvider: integers are taken from the back (big-endian,
    as few bytes as the range needs), byte strings from the front."""

    def __init__(self):
        self.front = bytearray()
        self.back = bytearray()

    def int(self, value, low, high):
        assert low <= value <= high, (value, low, high)
        span = high - low
        self.back += (value - low).to_bytes((span.bit_length() + 7) // 8, "big")

    def index(self, value, high):
        self.int(value, 0, high)

    def flag(self, value):
        self.int(1 if value else 0, 0, 255)

    def data(self, data):
        self.front += data

    def build(self):
        return bytes(self.front) + bytes(reversed(self.back))


# Tables of fuzz/engine/harness_format.cpp and fuzz/engine/harness_input.cpp, in its order.
ENGINE_OPTIONS = [11, 15, 12, 17, 6, 23, 27, 4, 14, 60, 3, 5, 65001, 2050, 35, 258]
ENGINE_CODES = [CONTENT, CHANGED, CREATED, CONTINUE, NOT_FOUND, BAD_OPTION, code(4, 13),
                SERVICE_UNAVAILABLE, code(5, 0), GET, 0, code(1, 0), code(7, 2), code(6, 1),
                code(3, 0), code(2, 3)]
ENGINE_METHODS = [GET, POST, PUT, DELETE, FETCH, code(0, 7), 0, CONTENT]
ENGINE_OPS = ["deliver", "deliver_at", "drop", "duplicate", "deliver_all", "raw", "craft",
              "mutate", "reply", "time_small", "time_huge", "timer", "timeout_early", "request",
              "ping", "cancel", "respond", "acknowledge", "release", "set_parameters", "batch",
              "move", "send_next", "listen", "close", "query", "unreachable", "notify",
              "fault"]  # "fault": target engine_faults only (fuzz/engine/harness_faults.cpp)
# listen() timeouts of fuzz/engine/harness_held.cpp (a flag picks this table or any int64).
ENGINE_LISTEN_TIMEOUTS = [0, 1, 250, 5000, 100000, 1 << 40, -1000]
# Addresses: 0-2 the endpoints, 3-5 foreign peers, 6-7 multicast groups.
FOREIGN, FOREIGN6, OPAQUE, GROUP, GROUP6 = 3, 4, 5, 6, 7


def pick(inp, table, value):
    inp.index(table.index(value), len(table) - 1)


def engine_code(inp, value):
    if value in ENGINE_CODES:
        inp.index(ENGINE_CODES.index(value), len(ENGINE_CODES))
    else:
        inp.index(len(ENGINE_CODES), len(ENGINE_CODES))
        inp.int(value, 0, 255)


def engine_body(inp, options=(), payload=b""):
    inp.index(len(options), 3)
    for number, value in options:
        value = value.encode() if isinstance(value, str) else value
        pick(inp, ENGINE_OPTIONS, number)
        inp.index(len(value), 15)
        inp.data(value)
    limit = next(l for l in (0, 32, 255, 1400) if len(payload) <= l)
    pick(inp, [0, 32, 255, 1400], limit)
    if limit:
        inp.index(len(payload), limit)
        inp.data(payload)


def engine_parameters(inp, kind="default", custom=None, invalid=0):
    kinds = ["default", "fast", "custom", "invalid"]
    inp.index(kinds.index(kind), 4)
    if kind == "custom":
        c = dict(ack=2000, factor=1500, retransmit=4, nstart=1, leisure=5000, probing=1,
                 latency=100000, processing=2000)
        c.update(custom or {})
        inp.int(c["ack"], 1, 5000)
        inp.int(c["factor"], 1000, 3000)
        inp.int(c["retransmit"], 0, 6)
        inp.int(c["nstart"], 1, 3)
        inp.int(c["leisure"], 0, 10000)
        inp.int(c["probing"], 0, 50)
        inp.int(c["latency"], 0, 200000)
        inp.int(c["processing"], 0, 5000)
    elif kind == "invalid":
        inp.index(invalid, 3)


def engine_node(inp, seed=0, exchanges=4, dedup=8, peers=3, queued=4, events=4, size=1152,
                reply_bytes=65536, token=8, parameters=("default",), nstart=1, ack_delay=500,
                deadline=0, separate=0, non=0, window=0, max_payload=1024, busy=2,
                mode="piggyback"):
    inp.int(seed, 0, 0xFFFF)
    inp.index(4 - exchanges, 3)
    inp.index(8 - dedup, 7)
    inp.index(3 - peers, 2)
    inp.index(4 - queued, 3)
    inp.index(4 - events, 3)
    pick(inp, [1152, 256, 128, 64], size)
    pick(inp, [65536, 0, 40, 200], reply_bytes)
    inp.index(8 - token, 7)
    engine_parameters(inp, *parameters)
    inp.index(nstart - 1, 2)
    pick(inp, [500, 0, 50, 1500], ack_delay)
    pick(inp, [0, 5000, 100000, 2000], deadline)
    pick(inp, [0, 1000, 30000], separate)
    pick(inp, [0, 300, 10000], non)
    pick(inp, [0, 700], window)
    pick(inp, [1024, 16], max_payload)
    pick(inp, [2, 0, 1, 60], busy)
    pick(inp, ["piggyback", "manual", "acknowledge"], mode)


class EngineSeed:
    """One input: the endpoints' configurations, a start time, then operations."""

    def __init__(self, *nodes, start=0):
        self.inp = EngineInput()
        nodes = nodes or ({}, {})
        self.inp.index(len(nodes) - 2, 1)
        for i, config in enumerate(nodes):
            engine_node(self.inp, **{"seed": i + 1, **config})
        pick(self.inp, [0, 1000, 1 << 32, 1 << 40], start)

    def op(self, name):
        self.inp.index(ENGINE_OPS.index(name), len(ENGINE_OPS) - 1)
        return self

    def simple(self, *names):
        for name in names:
            self.op(name)
        return self

    def flight(self, name, k=0):
        self.op(name).inp.index(k, 255)
        return self

    def fault(self, node=0, k=0):
        """engine_faults: acquisition k from now of `node` fails."""
        self.op("fault")
        self.inp.index(node, 2)
        self.inp.index(k, 7)
        return self

    def raw(self, data, to=0, source=FOREIGN, multicast=False):
        self.op("raw")
        self.inp.index(to, 2)
        self.inp.index(source, 7)
        self.inp.flag(multicast)
        self.inp.index(len(data), 300)
        self.inp.data(data)
        return self

    def craft(self, mtype, mcode, mid, token=b"", options=(), payload=b"", to=0, source=FOREIGN,
              multicast=False):
        self.op("craft")
        self.inp.index(to, 2)
        self.inp.index(source, 7)
        self.inp.flag(multicast)
        self.inp.index(mtype, 3)
        engine_code(self.inp, mcode)
        self.inp.int(mid, 0, 0xFFFF)
        self.inp.index(len(token), 8)
        self.inp.data(token)
        engine_body(self.inp, options, payload)
        return self

    def mutate(self, kind, k=0, value=0, options=(), payload=b""):
        self.op("mutate")
        self.inp.index(k, 255)
        self.inp.index(kind, 7)
        if kind == 0:
            self.inp.int(value, 1, 3)
        elif kind == 1:
            engine_code(self.inp, value)
        elif kind == 2:
            self.inp.int(value, 0, 0xFFFF)
        elif kind in (3, 4):
            engine_body(self.inp, options, payload)
        elif kind == 5:
            self.inp.index(value, 255)
        elif kind == 6:
            self.inp.index(value >> 8, 255)
            self.inp.int(value & 0xFF, 0, 255)
        else:
            self.inp.flag(value)
        return self

    def reply(self, kind, node=0, record=0, source=0, mcode=CONTENT, fresh_mid=0x4242,
              copy_token=True, token=b"", options=(), payload=b""):
        """kind: 0 empty ACK, 1 RST, 2 piggybacked ACK, 3 CON response, 4 NON response,
        5 the record itself reflected."""
        self.op("reply")
        self.inp.index(node, 2)
        self.inp.index(record, 3)
        self.inp.index(source, 2)
        self.inp.index(kind, 5)
        engine_code(self.inp, mcode)
        self.inp.int(fresh_mid, 0, 0xFFFF)
        self.inp.flag(copy_token)
        self.inp.index(len(token), 8)
        self.inp.data(token)
        engine_body(self.inp, options, payload)
        return self

    def time(self, ms):
        self.op("time_small").inp.int(ms, 0, 4000)
        return self

    def huge(self, shift, extra=0):
        self.op("time_huge")
        self.inp.int(shift, 10, 36)
        self.inp.int(extra, 0, 1023)
        return self

    def timers(self, count=1):
        for _ in range(count):
            self.op("timer")
        return self

    def early(self, node=0):
        self.op("timeout_early").inp.index(node, 2)
        return self

    def request(self, node=0, target=1, **kw):
        """See request_options for the rest."""
        self.op("request")
        self.inp.index(node, 2)
        self.inp.index(target, 7)
        return self.request_options(**kw)

    def request_options(self, method=GET, con=True, multicast=False, hold=False,
                        parameters=None, options=None, payload=b""):
        """parameters: None, "fast", or a tuple for engine_parameters; options None: no body."""
        pick(self.inp, ENGINE_METHODS, method)
        self.inp.flag(con)
        self.inp.flag(multicast)
        self.inp.flag(hold)
        if parameters is None:
            self.inp.index(0, 2)
        elif parameters == "fast":
            self.inp.index(2, 2)
        else:
            self.inp.index(1, 2)
            engine_parameters(self.inp, *parameters)
        with_body = options is not None
        self.inp.flag(with_body)
        if with_body:
            engine_body(self.inp, options, payload)
        return self

    def request_id(self, which, index=0, raw=0):
        """which: 0 a live request, 1 a live answered held one (else any live one),
        2 a finished or closed one, 3 `raw`, 4 a responder, 5 zero."""
        self.inp.index(which, 5)
        self.inp.index(index, 15)
        if which == 3:
            self.inp.int(raw, 0, 0xFFFFFFFF)
        return self

    def send_next(self, which=1, node=0, index=0, raw=0, **kw):
        """kw: as request_options."""
        self.op("send_next").inp.index(node, 2)
        self.request_id(which, index, raw)
        return self.request_options(**kw)

    def listen(self, which=1, node=0, index=0, raw=0, timeout=0):
        self.op("listen").inp.index(node, 2)
        self.request_id(which, index, raw)
        self.inp.flag(timeout in ENGINE_LISTEN_TIMEOUTS)
        if timeout in ENGINE_LISTEN_TIMEOUTS:
            pick(self.inp, ENGINE_LISTEN_TIMEOUTS, timeout)
        else:
            self.inp.int(timeout, -(1 << 63), (1 << 63) - 1)
        return self

    def close(self, which=1, node=0, index=0, raw=0):
        self.op("close").inp.index(node, 2)
        return self.request_id(which, index, raw)

    def query(self, which=0, node=0, index=0, raw=0):
        self.op("query").inp.index(node, 2)
        return self.request_id(which, index, raw)

    def unreachable(self, node=0, target=1):
        self.op("unreachable")
        self.inp.index(node, 2)
        self.inp.index(target, 7)
        return self

    def ping(self, node=0, target=1):
        self.op("ping")
        self.inp.index(node, 2)
        self.inp.index(target, 7)
        return self

    def cancel(self, which, node=0, index=0, raw=0):
        """which: 0 a live request, 1 a finished one, 2 `raw`, 3 a responder, 4 zero."""
        self.op("cancel")
        self.inp.index(node, 2)
        self.inp.index(which, 4)
        self.inp.index(index, 15)
        if which == 2:
            self.inp.int(raw, 0, 0xFFFFFFFF)
        return self

    def answer(self, name, which=0, node=1, index=0, raw=0, mcode=CONTENT, con=True,
               options=None, payload=b""):
        """which: 0 a recent responder (index 0 = newest), 1 a finished RequestId,
        2 `raw`, 3 an answered responder."""
        self.op(name)
        self.inp.index(node, 2)
        self.inp.index(which, 3)
        self.inp.index(index, 15)
        if which == 2:
            self.inp.int(raw, 0, 0xFFFFFFFF)
        if name == "respond":
            engine_code(self.inp, mcode)
            self.inp.flag(con)
            self.inp.flag(options is not None)
            if options is not None:
                engine_body(self.inp, options, payload)
        return self

    def respond(self, **kw):
        return self.answer("respond", **kw)

    def set_parameters(self, node=0, target=1, parameters=("fast",)):
        self.op("set_parameters")
        self.inp.index(node, 2)
        self.inp.index(target, 7)
        engine_parameters(self.inp, *parameters)
        return self

    def batch(self, steps):
        self.op("batch").inp.index(steps, 8)
        return self

    def move(self, node=0):
        self.op("move").inp.index(node, 2)
        return self

    def build(self):
        return self.inp.build()


def engine_seeds():
    S = EngineSeed
    manual = {"mode": "manual"}
    path = [(URI_PATH, "temp")]
    flows = {
        # Request/response between two endpoints.
        "con-piggybacked": S().request(options=path).simple("deliver", "deliver"),
        "con-piggybacked-3-nodes": S({}, {}, {}).request(target=2, options=path)
        .request(node=2, target=1, method=POST, options=[], payload=b"v=1")
        .simple("deliver_all", "deliver_all"),
        "non-request-non-response": S().request(con=False, options=path)
        .simple("deliver", "deliver"),
        "builderless-request": S().request(method=DELETE).simple("deliver", "deliver"),
        "separate-con-response": S({}, manual).request(options=path).op("deliver").time(600)
        .timers().op("deliver").respond(payload=b"late", options=[]).simple("deliver", "deliver"),
        "separate-non-response": S({}, manual).request(options=path).op("deliver").time(600)
        .timers().op("deliver").respond(con=False, options=[]).simple("deliver", "deliver"),
        "acknowledge-then-respond": S({}, {"mode": "acknowledge"}).request(options=path)
        .simple("deliver", "deliver").respond(options=[(CONTENT_FORMAT, b"")], payload=b"x")
        .simple("deliver", "deliver"),
        "manual-piggybacked-and-stale": S({}, manual).request(options=path).op("deliver")
        .respond(mcode=CHANGED).respond(which=3).respond(which=1).respond(which=2, raw=0x10001)
        .answer("acknowledge", which=3).answer("release", which=3).op("deliver"),
        "release-unanswered": S({}, manual).request(con=False, options=path).op("deliver")
        .answer("release").timers(3),
        "response-with-wrong-code": S({}, manual).request(options=path).op("deliver")
        .respond(mcode=GET).respond(mcode=0).respond(mcode=NOT_FOUND, options=[])
        .op("deliver"),
        # Loss, duplication and retransmission.
        "retransmit-after-drop": S().request(options=path).flight("drop").timers()
        .simple("deliver", "deliver"),
        "retransmit-until-timeout": S().request(target=FOREIGN, options=path).timers(6),
        "duplicate-request-dedup": S().request(options=path).flight("duplicate")
        .simple("deliver", "deliver", "deliver_all", "deliver_all"),
        "duplicate-while-pending": S({}, manual).request(options=path).flight("duplicate")
        .simple("deliver", "deliver", "deliver").respond(options=[])
        .simple("deliver_all", "deliver_all"),
        "duplicate-response": S().request(con=False, options=path).op("deliver")
        .flight("duplicate").simple("deliver", "deliver"),
        "reordered-deliveries": S().request(options=path).request(method=PUT, options=[],
                                                                  payload=b"p")
        .flight("deliver_at", 1).flight("deliver_at", 0).simple("deliver_all", "deliver_all"),
        # Ping, cancel, NSTART, full tables.
        "ping": S().ping().simple("deliver", "deliver"),
        "ping-unanswered": S().ping(target=FOREIGN6).timers(6),
        "cancel-live-and-stale": S().request(options=path).cancel(0).cancel(1).cancel(3)
        .cancel(4).cancel(2, raw=0x00010001).simple("deliver_all", "deliver_all"),
        "nstart-queue": S({"nstart": 1}, {}).request(options=path).request(options=[])
        .request(con=False, options=[]).simple("deliver_all", "deliver_all", "deliver_all",
                                               "deliver_all", "deliver_all"),
        "nstart-2-cancel-queued": S({"nstart": 2, "exchanges": 4}, {}).request(options=path)
        .request(options=[]).request(options=[]).cancel(0, index=2)
        .simple("deliver_all", "deliver_all"),
        "exchanges-full": S({"exchanges": 1}, {}).request(options=path).request(options=path)
        .ping().simple("deliver", "deliver"),
        "events-full-server": S({}, {"events": 1}).batch(8).request(options=path)
        .request(options=[]).request(con=False, options=[]).simple("deliver", "deliver",
                                                                   "deliver").batch(0)
        .simple("deliver_all", "deliver_all"),
        "transmit-queue-full": S({"queued": 1}, {}).batch(6).request(options=path)
        .request(options=[]).ping().timers().batch(0).simple("deliver_all", "deliver_all"),
        "dedup-full-5.03": S({}, {"dedup": 1, "busy": 1}).request(options=path)
        .request(options=[]).simple("deliver_all", "deliver_all", "deliver_all"),
        "peers-full-and-pinned": S({"peers": 1}, {}).set_parameters(target=FOREIGN)
        .request(target=1, options=path).ping(target=OPAQUE).set_parameters(
            target=1, parameters=("invalid", None, 2)).simple("deliver_all", "deliver_all"),
        "small-messages": S({"size": 64}, {"size": 64}).request(options=[(URI_PATH, "a" * 15)],
                                                                payload=b"x" * 200)
        .request(options=path, payload=b"y" * 20).simple("deliver", "deliver"),
        "reply-store-eviction": S({}, {"reply_bytes": 40}).request(options=path)
        .request(options=[]).request(options=[]).flight("duplicate", 0).flight("duplicate", 1)
        .simple("deliver_all", "deliver_all", "deliver_all"),
        "invalid-requests": S().request(method=0, options=[]).request(method=CONTENT)
        .request(con=True, multicast=True).request(parameters=("invalid", None, 0))
        .request(parameters=("custom", {"ack": 100, "retransmit": 1}), options=path)
        .simple("deliver", "deliver"),
        # Multicast.
        "multicast-3-nodes": S({}, {}, {}).request(target=GROUP, con=False, multicast=True,
                                                   options=path)
        .simple("deliver_all").timers(2).simple("deliver_all").timers(3),
        "multicast-ipv6-manual": S({}, manual, manual).request(target=GROUP6, con=False,
                                                               multicast=True, options=path)
        .simple("deliver_all").respond(mcode=NOT_FOUND).respond(node=2, options=[])
        .timers(1).simple("deliver_all").timers(2).simple("deliver_all"),
        # A foreign peer answers what an endpoint sent it.
        "foreign-piggybacked": S().request(target=FOREIGN, options=path).reply(2, payload=b"22"),
        "foreign-empty-ack-then-con": S().request(target=FOREIGN, options=path).reply(0)
        .reply(3).reply(3),
        "foreign-non-response": S().request(target=FOREIGN6, con=False, options=path)
        .reply(4, mcode=NOT_FOUND),
        "foreign-reset": S().request(target=OPAQUE, options=path).reply(1),
        "foreign-critical-option": S().request(target=FOREIGN, options=path)
        .reply(2, options=[(65001, b"\x01")]),
        "foreign-wrong-token": S({"token": 2}, {}).request(target=FOREIGN, options=path)
        .reply(2, copy_token=False, token=b"\x00\x01").reply(3, copy_token=False, token=b"z"),
        "foreign-multicast-responders": S().request(target=GROUP, con=False, multicast=True,
                                                    options=path)
        .reply(4, source=0).reply(3, source=1).reply(4, source=2, mcode=BAD_OPTION).timers(2),
        "foreign-reflected": S().request(target=FOREIGN, options=path).reply(5).timers(2),
        "probing-rate": S({"parameters": ("custom", {"probing": 1})}, {})
        .request(target=FOREIGN, con=False, options=[], payload=b"n" * 30)
        .request(target=FOREIGN, con=False, options=[]).timers(4),
        # A foreign peer's requests.
        "foreign-con-request": S().craft(CON, GET, 0x1234, b"\x01\x02", path)
        .craft(CON, GET, 0x1234, b"\x01\x02", path).craft(NON, POST, 0x1235, b"", [], b"x"),
        "foreign-critical-option-request": S().craft(CON, GET, 7, b"t", [(65001, b"")])
        .craft(NON, GET, 8, b"t", [(65001, b"")]),
        "foreign-large-request": S({"max_payload": 16}, {}).craft(CON, POST, 9, b"", [],
                                                                   b"q" * 100),
        "foreign-separate-response-reset": S(manual, {}).craft(CON, GET, 0x2000, b"\xaa", path)
        .time(700).timers().respond(node=0).reply(1),
        "foreign-separate-response-timeout": S(manual, {}).craft(CON, GET, 0x2001, b"\xbb", path)
        .time(600).timers().respond(node=0).timers(6),
        "foreign-multicast-request": S({}, {}).craft(NON, GET, 0x3000, b"\x05", path,
                                                     source=FOREIGN, multicast=True)
        .craft(CON, GET, 0x3001, b"\x06", path, multicast=True).timers(2),
        "malformed-datagrams": S().raw(INVALID["err-tkl-15"]).raw(INVALID["err-bad-version-2"])
        .raw(INVALID["err-truncated-token"]).raw(INVALID["err-empty-non"], source=FOREIGN6)
        .raw(INVALID["err-code-class-7-csm"]).raw(VALID["ping-con-empty"])
        .raw(VALID["a3-empty-ack"]).raw(VALID["rst"]).raw(INVALID["err-tkl-9"], multicast=True),
        # Mutations of real traffic.
        "mutated-flights": S().request(options=path).mutate(1, value=CONTENT).mutate(2, value=7)
        .mutate(7, value=1).mutate(0, value=2).op("deliver").mutate(3, options=[(65001, b"")])
        .mutate(4, payload=b"zz").mutate(5, value=3).mutate(6, value=0x00FF).op("deliver_all"),
        # Time, timers and handles.
        "huge-time-steps": S(start=1 << 40).request(options=path).huge(20).op("timer")
        .huge(36, 1023).simple("deliver_all", "timer", "deliver_all"),
        # An endpoint that asks itself: a piggybacked ACK carries its own message ID,
        # which must never be taken for a key into the peer's message IDs.
        "self-request": S().request(target=0, options=path).ping(target=0)
        .simple("deliver_all", "deliver_all", "deliver_all"),
        "early-timeouts-and-move": S(start=1000).request(options=path).early().move().early(1)
        .move(1).simple("deliver", "deliver"),
        "fast-parameters": S({"parameters": ("fast",)}, {"parameters": ("fast",), "mode": "manual"})
        .request(options=path).request(parameters="fast", con=False, options=[])
        .simple("deliver_all").timers(8),
        # Held exchanges (RequestOptions::hold): send_next, listen, close, index_of, is_live.
        "held-send-next-then-close": S().request(hold=True, options=path)
        .simple("deliver", "deliver").query(1)
        .send_next(con=False, method=PUT, options=[(URI_PATH, "next")], payload=b"2")
        .simple("deliver", "deliver").send_next().simple("deliver", "deliver").close()
        .query(2).close(2).send_next(2, options=[]).listen(2).query(3, raw=0x00010001),
        "held-listen-until-timeout": S().request(hold=True, con=False, options=path)
        .simple("deliver", "deliver").listen(timeout=5000).time(4000).timers()
        .simple("deliver", "deliver"),
        "held-listen-zero-negative-raw": S({}, {}, {}).request(hold=True, options=path)
        .request(target=2, hold=True, options=[]).simple("deliver_all", "deliver_all")
        .listen(timeout=0).listen(index=1, timeout=-1000).listen(which=0, timeout=-(1 << 50))
        .timers(2).listen(2).send_next(2),
        "held-refused-calls": S({"exchanges": 4}, {}).request(target=FOREIGN, options=path)
        .ping(target=FOREIGN).request(target=GROUP, con=False, multicast=True, hold=True)
        .request(hold=True, target=FOREIGN6, options=[])
        .send_next(0, index=0).send_next(0, index=1).send_next(0, index=2)
        .send_next(0, index=3).send_next(0, index=3, multicast=True, con=False)
        .send_next(0, index=3, method=CONTENT).send_next(0, index=3, parameters=("invalid",))
        .listen(0, index=1).listen(0, index=2).close(4).close(5).close(3, raw=0x7FFF0001)
        .query(4).query(5).query(3, raw=0xFFFFFFFF).cancel(0, index=3).timers(8),
        "held-close-with-response-queued": S(manual, {}).request(hold=True, con=False,
                                                                options=path)
        .op("deliver").batch(2).op("deliver").close(0).simple("deliver_all"),
        # ICMP errors (handle_unreachable): the outstanding and the queued request,
        # a ping, a foreign peer, a held exchange, a multicast group (ignored).
        "unreachable-outstanding-and-queued": S().request(options=path).request(options=[])
        .unreachable().simple("deliver", "deliver", "deliver_all"),
        "unreachable-ping-foreign-and-group": S().ping(target=FOREIGN)
        .request(target=GROUP, con=False, options=path).request(target=FOREIGN6, con=False)
        .unreachable(target=FOREIGN).unreachable(target=GROUP).unreachable(target=FOREIGN6)
        .timers(3),
        "unreachable-held-then-listen": S().request(hold=True, options=path)
        .simple("deliver", "deliver").unreachable().listen(1).unreachable().timers(2),
        "held-cancel-and-reuse": S({"exchanges": 1}, {}).request(hold=True, options=path)
        .simple("deliver", "deliver").cancel(0).query(2).request(hold=True, options=[])
        .simple("deliver", "deliver").query(2).query(1).close(0).query(2).request(options=[])
        .simple("deliver", "deliver"),
        "held-nstart": S({"nstart": 1}, {}).request(hold=True, options=path)
        .request(options=[]).simple("deliver_all", "deliver_all")
        .send_next(options=[], payload=b"again").send_next(con=False, options=[])
        .simple("deliver_all", "deliver_all", "deliver_all"),
        "held-multicast": S({"window": 700}, {}, {}).request(target=GROUP, con=False,
                                                             multicast=True, hold=True,
                                                             options=path)
        .simple("deliver_all", "deliver_all").listen(0, timeout=100000).send_next(0, con=False)
        .close(0).timers(2),
        "held-foreign-non-then-next": S({"parameters": ("custom", {"probing": 0})}, {})
        .request(target=FOREIGN, con=False, hold=True, options=path)
        .send_next(0, con=False, options=[]).reply(4).reply(4, record=1, fresh_mid=0x4243)
        .reply(4, record=1, fresh_mid=0x4243).listen(timeout=250)
        .reply(3, record=1, fresh_mid=0x4244).send_next(options=[], payload=b"3")
        .reply(2, record=3).send_next(con=False).reply(1, record=3).close(0),
        "held-left-open-at-end": S({}, {}, {}).request(hold=True, options=path)
        .request(target=2, hold=True, options=[]).request(node=1, target=2, hold=True,
                                                          con=False, options=[])
        .simple("deliver_all", "deliver_all"),
        # A response queued, not yet polled, when send_next re-arms: it still answers
        # the earlier request (found by CI fuzzing).
        "held-send-next-with-response-queued": S().request(hold=True, options=path)
        .simple("deliver", "deliver").send_next(options=[], payload=b"2").op("deliver")
        .batch(2).op("deliver").send_next(options=[], payload=b"3")
        .simple("deliver", "deliver"),
        "held-move-and-query": S().request(hold=True, options=path).simple("deliver", "deliver")
        .move().query(1).send_next(options=path).move().simple("deliver", "deliver").query(0),
    }
    return {f"seed-{name}": seed.build() for name, seed in flows.items()}


def engine_fault_seeds():
    """The engine flows, and request flows in which acquisition k of either side fails."""
    S = EngineSeed
    manual = {"mode": "manual"}
    path = [(URI_PATH, "temp")]
    seeds = engine_seeds()
    for node in (0, 1):
        for k in range(6):
            flows = {
                "piggybacked": S().fault(node, k).request(options=path)
                .simple("deliver", "deliver"),
                "separate": S({}, manual).fault(node, k).request(options=path).op("deliver")
                .time(600).timers().op("deliver").respond(payload=b"late", options=[])
                .simple("deliver", "deliver"),
                "retransmitted": S().fault(node, k).request(options=path).flight("drop")
                .timers().simple("deliver", "deliver"),
            }
            for name, flow in flows.items():
                seeds[f"seed-fault-node{node}-at{k}-{name}"] = flow.build()
    return seeds


def sync(directory, seeds, check):
    directory.mkdir(parents=True, exist_ok=True)
    differs = False
    for stale in sorted(directory.glob("seed-*")):
        if stale.name not in seeds:
            differs = True
            if not check:
                stale.unlink()
    for name, data in sorted(seeds.items()):
        path = directory / name
        if path.exists() and path.read_bytes() == data:
            continue
        differs = True
        if not check:
            path.write_bytes(data)
    return differs


def main(argv):
    check = "--check" in argv[1:]
    differs = sync(CORPUS / "message_parse", parse_seeds(), check)
    differs = sync(CORPUS / "message_roundtrip", roundtrip_seeds(), check) or differs
    differs = sync(CORPUS / "engine", engine_seeds(), check) or differs
    differs = sync(CORPUS / "engine_faults", engine_fault_seeds(), check) or differs
    if check and differs:
        print("make_seeds.py: seeds on disk differ; rerun fuzz/make_seeds.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
