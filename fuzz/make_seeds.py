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
    if check and differs:
        print("make_seeds.py: seeds on disk differ; rerun fuzz/make_seeds.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
