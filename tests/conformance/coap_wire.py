"""coap_wire.py — decoding CoAP datagrams (RFC 7252 §3) as the conformance
checks see them: type, code, message ID, token, options and payload, with the
Block (RFC 7959) and Observe (RFC 7641) values the test descriptions ask about.
Independent of both clients and the server: the checks read the wire, not logs.
"""
import struct

TYPES = ("CON", "NON", "ACK", "RST")

IF_MATCH, URI_HOST, ETAG, IF_NONE_MATCH, OBSERVE = 1, 3, 4, 5, 6
URI_PORT, LOCATION_PATH, URI_PATH, CONTENT_FORMAT, MAX_AGE = 7, 8, 11, 12, 14
URI_QUERY, ACCEPT, LOCATION_QUERY, BLOCK2, BLOCK1, SIZE2, SIZE1 = 15, 17, 20, 23, 27, 28, 60


class Block:
    def __init__(self, value):
        number = int.from_bytes(value, "big")
        self.num, self.more, self.szx = number >> 4, bool(number & 8), number & 7
        self.size = 16 << self.szx

    def __repr__(self):
        return f"{self.num}/{int(self.more)}/{self.size}"


class Message:
    """One decoded datagram; `direction` is 'c2s' or 's2c' (set by the tap)."""

    def __init__(self, data, direction="", when=0.0):
        self.raw, self.direction, self.when = data, direction, when
        if len(data) < 4:
            raise ValueError("shorter than a CoAP header")
        first, code, self.mid = struct.unpack("!BBH", data[:4])
        if first >> 6 != 1:
            raise ValueError("not CoAP version 1")
        self.type = TYPES[(first >> 4) & 3]
        token_length = first & 15
        if token_length > 8:
            raise ValueError("token length over 8")
        self.code = f"{code >> 5}.{code & 31:02d}"
        self.token = data[4:4 + token_length]
        self.options, self.payload = [], b""
        position, number = 4 + token_length, 0
        while position < len(data):
            if data[position] == 0xFF:
                self.payload = data[position + 1:]
                if not self.payload:
                    raise ValueError("payload marker without payload")
                break
            delta, length = data[position] >> 4, data[position] & 15
            position += 1
            delta, position = _extended(delta, data, position)
            length, position = _extended(length, data, position)
            number += delta
            self.options.append((number, data[position:position + length]))
            position += length
            if position > len(data):
                raise ValueError("option past the end")

    # ---- option access ----
    def values(self, number):
        return [value for n, value in self.options if n == number]

    def has(self, number):
        return any(n == number for n, _ in self.options)

    def uint(self, number):
        values = self.values(number)
        return int.from_bytes(values[0], "big") if values else None

    def text(self, number):
        return [value.decode(errors="replace") for value in self.values(number)]

    @property
    def path(self):
        return "/" + "/".join(self.text(URI_PATH))

    @property
    def content_format(self):
        return self.uint(CONTENT_FORMAT)

    @property
    def observe(self):
        return self.uint(OBSERVE)

    @property
    def block1(self):
        values = self.values(BLOCK1)
        return Block(values[0]) if values else None

    @property
    def block2(self):
        values = self.values(BLOCK2)
        return Block(values[0]) if values else None

    @property
    def etag(self):
        values = self.values(ETAG)
        return values[0] if values else None

    @property
    def is_request(self):
        return self.code.startswith("0.") and self.code != "0.00"

    @property
    def is_response(self):
        return self.code[0] in "2345"

    @property
    def is_empty(self):
        return self.code == "0.00"

    def __repr__(self):
        options = ",".join(f"{n}:{v.hex()}" for n, v in self.options)
        arrow = {"c2s": "->", "s2c": "<-"}.get(self.direction, "")
        return (f"{arrow}{self.type} {self.code} mid={self.mid} tok={self.token.hex()} "
                f"[{options}] {len(self.payload)}B")


def _extended(nibble, data, position):
    if nibble == 13:
        return data[position] + 13, position + 1
    if nibble == 14:
        return struct.unpack("!H", data[position:position + 2])[0] + 269, position + 2
    if nibble == 15:
        raise ValueError("reserved option nibble 15")
    return nibble, position
