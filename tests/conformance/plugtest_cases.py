"""plugtest_cases.py — the ETSI CoAP plugtest test descriptions (TD_COAP_CORE,
_LINK, _BLOCK, _OBS; CoAP#4 numbering) that apply to a client and a server, as
checks on what the tap saw while the client under test ran the TD's steps
against `cobalt serve --plugtest`. The proxy-only CORE_24..29 are left out, as
is OBS_03 (not in the CoAP#4 descriptions).

Each case is a function of a Context (conformance.py): ctx.client is the
client under test, ctx.helper a cobalt client for the TDs' "stimulus" steps
done by another client, ctx.tap the relay (ctx.uri(path) goes through it).
"""
import time

from checks import (Failure, check, check_content, check_non_response, check_observe_sequence,
                    check_piggybacked, check_separate, first_requests, notifications,
                    parse_links, requests, response_to)
from coap_wire import (ACCEPT, BLOCK1, BLOCK2, LOCATION_PATH, LOCATION_QUERY, OBSERVE,
                       URI_PATH, URI_QUERY)

CASES = {}


def td(name, server_args=(), drop=None):
    def register(function):
        CASES[name] = (function, list(server_args), drop)
        return function
    return register


def ok(result, what):
    check(result.returncode == 0, f"{what}: the client exited {result.returncode}")


# ---- TD_COAP_CORE -------------------------------------------------------------

def simple(method, path, codes, non=False, payload=None, content=False, answer_payload=False):
    def case(ctx):
        result = ctx.client.request(method, ctx.uri(path), non=non,
                                    payload=payload, content_format=0 if payload else None)
        ok(result, f"{method.upper()} {path}")
        request = first_requests(ctx.tap.snapshot(), path=path)[0]
        check(request.code == {"get": "0.01", "post": "0.02", "put": "0.03",
                               "delete": "0.04"}[method], f"not a {method}: {request}")
        checker = check_non_response if non else check_piggybacked
        checker(ctx.tap.snapshot(), request, codes, content, answer_payload)
    return case


CORE_SIMPLE = [
    ("TD_COAP_CORE_01", "get", ["2.05"], False, None, True, True),
    ("TD_COAP_CORE_02", "delete", ["2.02"], False, None, False, False),
    ("TD_COAP_CORE_03", "put", ["2.04", "2.01"], False, b"plugtest PUT", False, False),
    ("TD_COAP_CORE_04", "post", ["2.01", "2.04"], False, b"plugtest POST", False, False),
    ("TD_COAP_CORE_05", "get", ["2.05"], True, None, True, True),
    ("TD_COAP_CORE_06", "delete", ["2.02"], True, None, False, False),
    ("TD_COAP_CORE_07", "put", ["2.04", "2.01"], True, b"plugtest NON PUT", False, False),
    ("TD_COAP_CORE_08", "post", ["2.01", "2.04"], True, b"plugtest NON POST", False, False),
]
for name, method, codes, non, payload, content, answer_payload in CORE_SIMPLE:
    td(name)(simple(method, "/test", codes, non, payload, content, answer_payload))


def separate_get(ctx, token=None):
    result = ctx.client.request("get", ctx.uri("/separate"), token=token)
    ok(result, "GET /separate")
    messages = ctx.tap.snapshot()
    request = first_requests(messages, path="/separate")[0]
    response = check_separate(messages, request)
    check(result.payload.rstrip(b"\n") == response.payload,
          f"the client shows {result.payload!r}, the response carried {response.payload!r}")
    return request


@td("TD_COAP_CORE_09")
def core_09(ctx):
    separate_get(ctx)


@td("TD_COAP_CORE_10")
def core_10(ctx):
    # An ASCII token: libcoap's -T takes text.
    result = ctx.client.request("get", ctx.uri("/test"), token=b"plug")
    ok(result, "GET /test with a token")
    request = first_requests(ctx.tap.snapshot(), path="/test")[0]
    # libcoap's -T gives the first token; it counts up from there.
    check(1 <= len(request.token) <= 8 and request.token[:3] == b"plu",
          f"the request does not carry the token asked for: {request}")
    check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)


@td("TD_COAP_CORE_11")
def core_11(ctx):
    request = separate_get(ctx, token=b"sp")
    check(1 <= len(request.token) <= 8 and request.token[:1] == b"s",
          f"the request does not carry the token asked for: {request}")


@td("TD_COAP_CORE_12")
def core_12(ctx):
    result = ctx.client.request("get", ctx.uri("/test"), token=b"")
    ok(result, "GET /test with an empty token")
    request = first_requests(ctx.tap.snapshot(), path="/test")[0]
    check(request.token == b"", f"the request has a token: {request}")
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)
    check(response.token == b"", f"the response has a token: {response}")


@td("TD_COAP_CORE_13")
def core_13(ctx):
    result = ctx.client.request("get", ctx.uri("/seg1/seg2/seg3"))
    ok(result, "GET /seg1/seg2/seg3")
    request = first_requests(ctx.tap.snapshot())[0]
    check(request.text(URI_PATH) == ["seg1", "seg2", "seg3"],
          f"not three Uri-Path options: {request}")
    check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)


@td("TD_COAP_CORE_14")
def core_14(ctx):
    result = ctx.client.request("get", ctx.uri("/query?first=1&second=2&third=3"))
    ok(result, "GET /query?first=1&second=2&third=3")
    request = first_requests(ctx.tap.snapshot(), path="/query")[0]
    check(request.text(URI_QUERY) == ["first=1", "second=2", "third=3"],
          f"not three Uri-Query options: {request}")
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)
    check(b"first=1" in response.payload and b"second=2" in response.payload,
          f"the server did not see the queries: {response.payload!r}")


def drop_nth(rules):
    """A drop rule: each (direction, predicate, n) drops the n-th message
    (counting from 1) of that direction that satisfies the predicate."""
    seen = {}

    def drop(message, _history):
        for index, (direction, predicate, n) in enumerate(rules):
            if message.direction == direction and predicate(message):
                seen[index] = seen.get(index, 0) + 1
                if seen[index] == n:
                    return True
        return False
    return drop


LOSSY_GET = drop_nth([("c2s", lambda m: m.is_request, 1),
                      ("s2c", lambda m: m.type == "ACK", 1)])


@td("TD_COAP_CORE_15", drop=LOSSY_GET)
def core_15(ctx):
    """GET in a lossy context: the first request and the first response are lost
    (for libcoap's client the first also by its own -l 1); the client retransmits,
    the server answers every copy with the same response (§4.5)."""
    result = ctx.client.request("get", ctx.uri("/test"), lose_first=True)
    ok(result, "GET /test over a lossy link")
    messages = ctx.tap.snapshot()
    request = first_requests(messages, path="/test")[0]
    lost = [m for m in ctx.tap.dropped if m.direction == "c2s" and m.is_request]
    check(lost and lost[0].mid == request.mid,
          f"the request that got through is not a retransmission of the lost one: {lost}")
    acks = [m for m in messages if m.direction == "s2c" and m.type == "ACK" and m.mid == request.mid]
    dropped_acks = [m for m in ctx.tap.dropped if m.direction == "s2c" and m.mid == request.mid]
    check(acks and dropped_acks, f"the lost response was not sent again: {messages}")
    check(acks[0].raw == dropped_acks[0].raw,
          "the server's answer to the retransmission differs from its first answer")
    check_piggybacked(messages, request, ["2.05"], True, True)


LOSSY_SEPARATE = drop_nth([("c2s", lambda m: m.is_request, 1),
                           ("s2c", lambda m: m.type == "ACK" and m.is_empty, 1),
                           ("s2c", lambda m: m.type == "CON" and m.is_response, 1),
                           ("c2s", lambda m: m.type == "ACK", 1)])


@td("TD_COAP_CORE_16", drop=LOSSY_SEPARATE)
def core_16(ctx):
    """Separate response in a lossy context: the request, its empty ACK, the CON
    response and the client's ACK of it are each lost once; both sides retransmit."""
    # The client stays a while after the response (cobalt: --linger) to
    # acknowledge its retransmission.
    result = ctx.client.request("get", ctx.uri("/separate"), lose_first=True, linger=8)
    ok(result, "GET /separate over a lossy link")
    messages = ctx.tap.snapshot()
    kinds = {(m.direction, m.type, m.is_empty) for m in ctx.tap.dropped}
    for kind in [("c2s", "CON", False), ("s2c", "ACK", True), ("s2c", "CON", False),
                 ("c2s", "ACK", True)]:
        check(kind in kinds, f"the tap never dropped {kind}: dropped {ctx.tap.dropped}")
    request = first_requests(messages, path="/separate")[0]
    response = [m for m in messages if m.direction == "s2c" and m.type == "CON"
                and m.token == request.token][0]
    check(response.code == "2.05" and response.payload, f"not a 2.05 with payload: {response}")
    check(result.payload.rstrip(b"\n") == response.payload, "the client shows another payload")
    acked = [m for m in messages if m.direction == "c2s" and m.type == "ACK"
             and m.mid == response.mid]
    if not ctx.client.can_linger:
        ctx.note("the client exits with the response, so the last step (it acknowledges "
                 "the retransmitted response) is not checked")
        return
    check(acked, "the retransmitted separate response was not acknowledged")


@td("TD_COAP_CORE_17")
def core_17(ctx):
    result = ctx.client.request("get", ctx.uri("/separate"), non=True)
    ok(result, "NON GET /separate")
    messages = ctx.tap.snapshot()
    request = first_requests(messages, path="/separate")[0]
    check(request.type == "NON", f"the request is not NON: {request}")
    check(not [m for m in messages if m.direction == "s2c" and m.type == "ACK"],
          f"an ACK for a NON request: {messages}")
    response = check_non_response(messages, request, ["2.05"], True, True)
    check(response.when - request.when > 0.5, "the response was not delayed (not separate)")


@td("TD_COAP_CORE_18")
def core_18(ctx):
    result = ctx.client.request("post", ctx.uri("/test"), payload=b"location test", content_format=0)
    ok(result, "POST /test")
    request = first_requests(ctx.tap.snapshot(), path="/test")[0]
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.01"])
    check(response.text(LOCATION_PATH) == ["location1", "location2", "location3"],
          f"Location-Path is {response.text(LOCATION_PATH)}")


@td("TD_COAP_CORE_19")
def core_19(ctx):
    result = ctx.client.request("post", ctx.uri("/location-query"), payload=b"x", content_format=0)
    ok(result, "POST /location-query")
    request = first_requests(ctx.tap.snapshot(), path="/location-query")[0]
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.01"])
    check(response.text(LOCATION_QUERY) == ["first=1", "second=2"],
          f"Location-Query is {response.text(LOCATION_QUERY)}")


@td("TD_COAP_CORE_20")
def core_20(ctx):
    for accept, marker in [(0, b"Type:"), (41, b"<msg>")]:
        result = ctx.client.request("get", ctx.uri("/multi-format"), accept=accept)
        ok(result, f"GET /multi-format with Accept {accept}")
        request = first_requests(ctx.tap.snapshot(), path="/multi-format")[-1]
        check(request.uint(ACCEPT) == accept, f"the request has no Accept {accept}: {request}")
        response = check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)
        check(response.content_format == accept and response.payload.startswith(marker),
              f"Accept {accept}: {response.content_format} {response.payload!r}")


def validate_get(ctx, etag=None):
    result = ctx.client.request("get", ctx.uri("/validate"), etag=etag)
    ok(result, "GET /validate")
    request = first_requests(ctx.tap.snapshot(), path="/validate")[-1]
    return result, check_piggybacked(ctx.tap.snapshot(), request, ["2.05", "2.03"])


@td("TD_COAP_CORE_21")
def core_21(ctx):
    _, first = validate_get(ctx)
    check(first.code == "2.05" and first.etag and first.payload, f"no 2.05 with ETag: {first}")
    _, second = validate_get(ctx, etag=first.etag)
    check(second.code == "2.03" and second.etag == first.etag and not second.payload,
          f"not a 2.03 Valid with the same ETag and no payload: {second}")
    changed = ctx.helper.request("put", ctx.direct("/validate"), payload=b"changed by another",
                                 content_format=0)
    ok(changed, "the stimulus PUT /validate")
    _, third = validate_get(ctx, etag=first.etag)
    check(third.code == "2.05" and third.etag and third.etag != first.etag
          and third.payload != first.payload, f"not a new representation and ETag: {third}")


@td("TD_COAP_CORE_22")
def core_22(ctx):
    _, first = validate_get(ctx)
    put = ctx.client.request("put", ctx.uri("/validate"), payload=b"if-match 1",
                             content_format=0, if_match=first.etag)
    ok(put, "PUT /validate If-Match")
    request = first_requests(ctx.tap.snapshot(), method="0.03")[-1]
    check(request.values(1) == [first.etag], f"no If-Match with the ETag: {request}")
    check_piggybacked(ctx.tap.snapshot(), request, ["2.04"])
    result, second = validate_get(ctx)
    check(second.code == "2.05" and second.etag != first.etag and second.payload == b"if-match 1",
          f"not the PUT's representation under a new ETag: {second}")
    changed = ctx.helper.request("put", ctx.direct("/validate"), payload=b"changed by another",
                                 content_format=0)
    ok(changed, "the stimulus PUT /validate")
    refused = ctx.client.request("put", ctx.uri("/validate"), payload=b"if-match 2",
                                 content_format=0, if_match=second.etag)
    check(refused.returncode != 0 or not ctx.client.exit_reflects_code,
          "a PUT with a stale If-Match succeeded for the client")
    request = first_requests(ctx.tap.snapshot(), method="0.03")[-1]
    check_piggybacked(ctx.tap.snapshot(), request, ["4.12"])
    after = ctx.helper.request("get", ctx.direct("/validate"))
    check(after.payload == b"changed by another", "the refused PUT changed the resource")


@td("TD_COAP_CORE_23")
def core_23(ctx):
    for expected in ("2.01", "4.12"):
        result = ctx.client.request("put", ctx.uri("/create1"), payload=b"created once",
                                    content_format=0, if_none_match=True)
        check((result.returncode == 0) == (expected == "2.01") or not ctx.client.exit_reflects_code,
              f"exit {result.returncode}")
        request = first_requests(ctx.tap.snapshot(), path="/create1")[-1]
        check(request.has(5), f"no If-None-Match: {request}")
        check_piggybacked(ctx.tap.snapshot(), request, [expected])


@td("TD_COAP_CORE_31")
def core_31(ctx):
    result = ctx.client.ping(ctx.uri(""))
    ok(result, "ping")
    messages = ctx.tap.snapshot()
    ping = [m for m in messages if m.direction == "c2s" and m.type == "CON" and m.is_empty]
    check(ping and len(ping[0].raw) == 4, f"no 4-byte empty CON: {messages}")
    answer = [m for m in messages if m.direction == "s2c" and m.mid == ping[0].mid]
    check(answer and answer[0].type == "RST" and len(answer[0].raw) == 4,
          f"the ping is not answered by a 4-byte RST: {answer}")


# ---- TD_COAP_LINK -------------------------------------------------------------

def discover(ctx, query=""):
    result = ctx.client.request("get", ctx.uri("/.well-known/core" + query))
    ok(result, f"GET /.well-known/core{query}")
    request = first_requests(ctx.tap.snapshot(), path="/.well-known/core")[0]
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.05"])
    check(response.content_format == 40, f"Content-Format {response.content_format}, not 40")
    body = response.payload
    while response.block2 is not None and response.block2.more:
        later = [m for m in ctx.tap.snapshot() if m.direction == "s2c" and m.block2 is not None
                 and m.block2.num == response.block2.num + 1 and m.content_format == 40]
        check(later, "a block of /.well-known/core is missing")
        response = later[0]
        body += response.payload
    check(result.payload.rstrip(b"\n") == body, "the client shows another document")
    return {target: attributes for target, attributes in parse_links(body.decode())}


def link_case(query, expected, forbidden=()):
    def case(ctx):
        links = discover(ctx, query)
        for target in expected:
            check(target in links, f"{query or 'discovery'}: {target} missing from {sorted(links)}")
        for target in forbidden:
            check(target not in links, f"{query}: {target} should not be listed")
        return links
    return case


ALL = ["/test", "/separate", "/seg1/seg2/seg3", "/query", "/location-query", "/multi-format",
       "/validate", "/create1", "/large", "/large-update", "/large-create", "/large-post",
       "/obs", "/obs-non", "/link1", "/link2", "/link3", "/path", "/path/sub1"]


@td("TD_COAP_LINK_01")
def link_01(ctx):
    links = link_case("", ALL)(ctx)
    check(links["/obs"].get("obs") is True and links["/link1"].get("rt") == "Type1 Type2",
          f"/obs is not marked obs or /link1 lacks its rt: {links['/obs']} {links['/link1']}")


@td("TD_COAP_LINK_02")
def link_02(ctx):
    links = link_case("?rt=Type1", ["/link1", "/link3"], ["/link2", "/test"])(ctx)
    check(all("Type1" in str(a.get("rt", "")).split() for a in links.values()),
          f"a link without rt Type1: {links}")


@td("TD_COAP_LINK_03")
def link_03(ctx):
    links = link_case("?rt=*", ["/link1", "/test", "/obs"], ["/seg1/seg2/seg3", "/path"])(ctx)
    check(all("rt" in a for a in links.values()), f"a link without rt: {links}")


@td("TD_COAP_LINK_04")
def link_04(ctx):
    link_case("?rt=Type2", ["/link1", "/link2"], ["/link3"])(ctx)


@td("TD_COAP_LINK_05")
def link_05(ctx):
    link_case("?if=If*", ["/link1", "/link2"], ["/link3", "/test"])(ctx)


@td("TD_COAP_LINK_06")
def link_06(ctx):
    links = link_case("?sz=*", ["/large"], ["/test", "/link1"])(ctx)
    check(all("sz" in a for a in links.values()), f"a link without sz: {links}")


@td("TD_COAP_LINK_07")
def link_07(ctx):
    links = link_case("?href=/link1", ["/link1"])(ctx)
    check(list(links) == ["/link1"], f"not only /link1: {sorted(links)}")


@td("TD_COAP_LINK_08")
def link_08(ctx):
    links = link_case("?href=/link*", ["/link1", "/link2", "/link3"], ["/test"])(ctx)
    check(sorted(links) == ["/link1", "/link2", "/link3"], f"more than the links: {sorted(links)}")


@td("TD_COAP_LINK_09")
def link_09(ctx):
    links = link_case("?ct=40", ["/path"], ["/test"])(ctx)
    check(links["/path"].get("ct") == "40", f"/path has no ct=40: {links['/path']}")
    listing = ctx.client.request("get", ctx.uri("/path"))
    ok(listing, "GET /path")
    request = first_requests(ctx.tap.snapshot(), path="/path")[-1]
    response = check_piggybacked(ctx.tap.snapshot(), request, ["2.05"], True, True)
    check(response.content_format == 40, f"/path is not link-format: {response}")
    subs = [target for target, _ in parse_links(response.payload.decode())]
    check(subs == ["/path/sub1", "/path/sub2", "/path/sub3"], f"/path lists {subs}")
    sub = ctx.client.request("get", ctx.uri("/path/sub1"))
    ok(sub, "GET /path/sub1")
    check(b"/path/sub1" in sub.payload, f"GET /path/sub1 shows {sub.payload!r}")


# ---- TD_COAP_BLOCK ------------------------------------------------------------

def block_responses(messages, method, path):
    """Every request of the transfer with its response, in order."""
    pairs = []
    for request in first_requests(messages, method=method, path=path):
        pairs.append((request, response_to(messages, request)))
    check(pairs, f"no {method} {path}")
    return pairs


def check_block2_download(ctx, pairs, size, early):
    first_request = pairs[0][0]
    if early:
        check(first_request.block2 is not None and first_request.block2.num == 0
              and first_request.block2.size == size,
              f"early negotiation: the first request has no Block2 0/{size}: {first_request}")
    else:
        check(first_request.block2 is None,
              f"late negotiation: the first request already has Block2: {first_request}")
    body = b""
    for index, (request, response) in enumerate(pairs):
        check(response.code == "2.05" and response.block2 is not None,
              f"block {index}: not a 2.05 with Block2: {response}")
        check(response.block2.num * response.block2.size == len(body),
              f"block {index} at the wrong offset: {response.block2}")
        if index > 0:
            check(request.block2 is not None and request.block2.num == response.block2.num,
                  f"request {index} asks for another block: {request}")
        if response.block2.more:
            check(len(response.payload) == response.block2.size,
                  f"block {index} is not full: {len(response.payload)} bytes")
        body += response.payload
    check(not pairs[-1][1].block2.more, "the last block says more")
    return body


def block_get(size, early):
    def case(ctx):
        result = ctx.client.request("get", ctx.uri("/large"), block=size if early else None)
        ok(result, "GET /large")
        pairs = block_responses(ctx.tap.snapshot(), "0.01", "/large")
        check(len(pairs) >= 2, f"/large came in {len(pairs)} block(s)")
        body = check_block2_download(ctx, pairs, size, early)
        check(len(body) == 1280 and result.payload.rstrip(b"\n") == body.rstrip(b"\n"),
              f"the client shows {len(result.payload)} bytes of the {len(body)} sent")
    return case


td("TD_COAP_BLOCK_01")(block_get(64, True))
td("TD_COAP_BLOCK_02")(block_get(1024, False))
td("TD_COAP_BLOCK_06")(block_get(16, True))

UPLOAD = b"".join(b"%04d plugtest Block1 upload line, lorem ipsum dolor sit amet\n" % i
                  for i in range(40))  # 2,520 bytes


def check_block1_upload(ctx, method, path, size, final_codes):
    pairs = block_responses(ctx.tap.snapshot(), method, path)
    uploads = [(q, r) for q, r in pairs if q.block1 is not None]
    check(len(uploads) >= 2, f"{len(uploads)} Block1 requests")
    sent = b""
    for index, (request, response) in enumerate(uploads):
        check(request.block1.num * request.block1.size == len(sent),
              f"Block1 {index} at the wrong offset: {request.block1}")
        sent += request.payload
        check(response.block1 is not None and response.block1.num == request.block1.num,
              f"the answer to Block1 {index} does not echo it: {response}")
        if request.block1.more:
            check(response.code == "2.31" and response.block1.more,
                  f"Block1 {index}: {response.code}, not 2.31 Continue with M=1")
    check(sent == UPLOAD, "the blocks sent do not add up to the body")
    last_request, last = uploads[-1]
    check(last.code in final_codes and not last.block1.more,
          f"the final answer is {last} (expected {final_codes}, Block1 M=0)")
    check(uploads[0][0].block1.size == size, f"blocks of {uploads[0][0].block1.size}, not {size}")
    return last, pairs


@td("TD_COAP_BLOCK_03")
def block_03(ctx):
    result = ctx.client.request("put", ctx.uri("/large-update"), payload=UPLOAD,
                                content_format=0, block=64)
    ok(result, "PUT /large-update")
    check_block1_upload(ctx, "0.03", "/large-update", 64, ["2.04"])
    stored = ctx.helper.request("get", ctx.direct("/large-update"))
    check(stored.payload == UPLOAD, "the resource does not hold the uploaded body")


@td("TD_COAP_BLOCK_04")
def block_04(ctx):
    result = ctx.client.request("post", ctx.uri("/large-create"), payload=UPLOAD,
                                content_format=0, block=128)
    ok(result, "POST /large-create")
    last, _ = check_block1_upload(ctx, "0.02", "/large-create", 128, ["2.01"])
    location = last.text(LOCATION_PATH)
    check(len(location) == 2 and location[0] == "large-create",
          f"Location-Path is {location}, not large-create/N")
    stored = ctx.helper.request("get", ctx.direct("/" + "/".join(location)))
    check(stored.payload == UPLOAD, "the created resource does not hold the uploaded body")


@td("TD_COAP_BLOCK_05")
def block_05(ctx):
    result = ctx.client.request("post", ctx.uri("/large-post"), payload=UPLOAD,
                                content_format=0, block=256)
    ok(result, "POST /large-post")
    last, pairs = check_block1_upload(ctx, "0.02", "/large-post", 256, ["2.04"])
    check(last.block2 is not None and last.block2.num == 0 and last.block2.more,
          f"the final Block1 answer does not start a Block2 body: {last}")
    body = last.payload
    follow = [(q, r) for q, r in pairs if q.block1 is None]
    check(follow, "no Block2 follow-up requests")
    for request, response in follow:
        check(request.code == "0.02" and not request.payload and request.block2 is not None,
              f"a follow-up is not a POST with Block2 and no payload: {request}")
        check(response.code == "2.04" and response.block2.num == request.block2.num,
              f"follow-up answer {response}")
        body += response.payload
    check(body == UPLOAD.upper(), "the response body is not the upload in upper case")
    check(result.payload.rstrip(b"\n") == body.rstrip(b"\n"), "the client shows another body")


# ---- TD_COAP_OBS --------------------------------------------------------------

def registration(ctx, path="/obs"):
    regs = [m for m in first_requests(ctx.tap.snapshot(), method="0.01", path=path)
            if m.observe == 0]
    check(regs, f"no registration (GET {path} with Observe 0): {ctx.tap.snapshot()}")
    return regs[0]


def wait_notifications(ctx, path, count, timeout=15):
    def enough(messages):
        regs = [m for m in messages if m.direction == "c2s" and m.path == path and m.observe == 0]
        return regs and len([m for m in notifications(messages, regs[0].token)
                             if m.observe is not None]) >= count
    check(ctx.tap.wait_for(enough, timeout), f"fewer than {count} notifications in {timeout} s")


def quiet_after(ctx, token, seconds, what, retransmissions_allowed=False):
    """Nothing more reaches the client for `token` during `seconds`. With
    `retransmissions_allowed`, a CON notification already sent may still be
    retransmitted (it left before the client said stop); no new one may come."""
    before = notifications(ctx.tap.snapshot(), token)
    time.sleep(seconds)
    after = notifications(ctx.tap.snapshot(), token)[len(before):]
    if retransmissions_allowed:
        sent = {m.mid for m in before}
        after = [m for m in after if m.mid not in sent]
    check(not after, f"{what}: {len(after)} more notifications: {after}")


@td("TD_COAP_OBS_01")
def obs_01(ctx):
    watcher = ctx.client.observe(ctx.uri("/obs"), count=4, duration=4.5)
    result = watcher.wait()
    ok(result, "observe /obs")
    reg = registration(ctx)
    check(reg.type == "CON", f"the registration is not CON: {reg}")
    notes = check_observe_sequence(ctx.tap.snapshot(), reg, 3, ("CON",))
    shown = [n.payload for n in notes if n.payload]
    check(all(p in result.payload for p in shown[:2]), "the client did not show the notifications")


@td("TD_COAP_OBS_02")
def obs_02(ctx):
    watcher = ctx.client.observe(ctx.uri("/obs-non"), non=True, count=4, duration=4.5)
    ok(watcher.wait(), "observe /obs-non")
    reg = registration(ctx, "/obs-non")
    notes = [m for m in notifications(ctx.tap.snapshot(), reg.token) if m.observe is not None]
    check(len(notes) >= 3, f"{len(notes)} notifications")
    later = [m for m in notes if m.mid != reg.mid]
    check(later and all(m.type == "NON" for m in later), f"not NON notifications: {later}")


@td("TD_COAP_OBS_04")
def obs_04(ctx):
    """The server loses its observers (POST sesame to /obs-reset); the client sees
    no notification for Max-Age and registers again under the same token."""
    watcher = ctx.client.observe(ctx.uri("/obs"), duration=14)
    try:
        wait_notifications(ctx, "/obs", 2)
        reset = ctx.helper.request("post", ctx.direct("/obs-reset"), payload=b"sesame")
        ok(reset, "the stimulus POST /obs-reset")
        reset_at = ctx.tap.snapshot()[-1].when
        reg = registration(ctx)
        if not ctx.client.reregisters:
            quiet_after(ctx, reg.token, 3, "after the server lost its observers")
            ctx.note("the client does not register again when Max-Age passes, so only the "
                     "server's side (it stops notifying) is checked")
            return
        again = lambda ms: [m for m in ms if m.direction == "c2s" and m.is_request
                            and m.observe == 0 and m.token == reg.token and m.when > reset_at]
        check(ctx.tap.wait_for(lambda ms: bool(again(ms)), 12),
              "the client did not register again within Max-Age + 10 s")
        rereg = again(ctx.tap.snapshot())[0]
        check(rereg.path == "/obs", f"the re-registration is for {rereg.path}")
        wait = lambda ms: [m for m in notifications(ms, reg.token)
                           if m.when > rereg.when and m.observe is not None]
        check(ctx.tap.wait_for(lambda ms: len(wait(ms)) >= 2, 6),
              "no notifications after the re-registration")
    finally:
        watcher.stop()


@td("TD_COAP_OBS_05", server_args=["--ack-timeout", "0.5", "--max-retransmit", "2"])
def obs_05(ctx):
    """The client is switched off (SIGKILL, no deregistration): the server's CON
    notification goes unacknowledged, is retransmitted, and then it stops."""
    watcher = ctx.client.observe(ctx.uri("/obs"), duration=30)
    wait_notifications(ctx, "/obs", 2)
    watcher.kill()
    reg = registration(ctx)
    killed = time.monotonic() - ctx.tap.started
    # 0.5 s ACK_TIMEOUT, 2 retransmissions: given up after at most 5.25 s.
    time.sleep(6.5)
    quiet_after(ctx, reg.token, 3, "after the server gave up")
    unanswered = [m for m in notifications(ctx.tap.snapshot(), reg.token)
                  if m.when > killed and m.type == "CON"]
    check(unanswered, "no CON notification after the client went")
    mids = [m.mid for m in unanswered]
    check(len(mids) > len(set(mids)) or len(unanswered) >= 2,
          f"the unacknowledged notification was not retransmitted: {unanswered}")


@td("TD_COAP_OBS_06")
def obs_06(ctx):
    """The client forgets the observation (as after a reboot) and answers the next
    notification with RST; the server stops notifying."""
    watcher = ctx.client.observe(ctx.uri("/obs"), count=2, duration=10, cancel_by_reset=True,
                                 linger=3)
    ok(watcher.wait(), "observe /obs")
    reg = registration(ctx)
    messages = ctx.tap.snapshot()
    resets = [m for m in messages if m.direction == "c2s" and m.type == "RST"]
    check(resets, f"the client sent no RST: {messages}")
    rejected = [m for m in notifications(messages, reg.token) if m.mid == resets[0].mid]
    check(rejected, f"the RST answers no notification: {resets[0]}")
    check(not [m for m in messages if m.direction == "c2s" and m.observe == 1],
          "the client deregistered with a GET instead")
    later = [m for m in notifications(messages, reg.token) if m.when > resets[0].when]
    check(not later, f"notifications after the RST: {later}")
    quiet_after(ctx, reg.token, 2.5, "after the RST", retransmissions_allowed=True)


def observe_then(ctx, stimulus, path="/obs"):
    """Observes `path`, runs `stimulus` after two notifications, lets the client
    go on; returns the registration and the client's result."""
    watcher = ctx.client.observe(ctx.uri(path), duration=5)
    try:
        wait_notifications(ctx, path, 2)
        stimulus()
        time.sleep(1.5)
    finally:
        result = watcher.wait()
    return registration(ctx, path), result


def final_notification(ctx, reg, code):
    notes = notifications(ctx.tap.snapshot(), reg.token)
    finals = [m for m in notes if m.code == code]
    check(finals, f"no {code} notification: {notes}")
    final = finals[0]
    check(final.observe is None and final.type == "CON",
          f"the {code} is not a CON without Observe: {final}")
    later = [m for m in notes if m.when > final.when and m.mid != final.mid]
    check(not later, f"notifications after the {code}: {later}")


@td("TD_COAP_OBS_07")
def obs_07(ctx):
    reg, _ = observe_then(ctx, lambda: ok(ctx.helper.request("delete", ctx.direct("/obs")),
                                          "the stimulus DELETE /obs"))
    final_notification(ctx, reg, "4.04")


@td("TD_COAP_OBS_08")
def obs_08(ctx):
    reg, _ = observe_then(ctx, lambda: ok(ctx.helper.request(
        "put", ctx.direct("/obs"), payload=b"<obs>xml</obs>", content_format=41),
        "the stimulus PUT /obs in application/xml"))
    final_notification(ctx, reg, "4.06")


@td("TD_COAP_OBS_09")
def obs_09(ctx):
    reg, result = observe_then(ctx, lambda: ok(ctx.helper.request(
        "put", ctx.direct("/obs"), payload=b"updated by PUT", content_format=0),
        "the stimulus PUT /obs"))
    notes = check_observe_sequence(ctx.tap.snapshot(), reg, 3, ("CON",))
    updated = [n for n in notes if n.payload == b"updated by PUT"]
    check(updated, f"no notification carries the PUT's payload: {notes}")
    check(b"updated by PUT" in result.payload, "the client did not show the update")


@td("TD_COAP_OBS_10")
def obs_10(ctx):
    """A plain GET from the observing endpoint (same address, another token)
    is answered without Observe and does not end the observation."""
    def plain_get():
        client = ctx.tap.clients()[0]
        get = bytes([0x42, 0x01, 0x7A, 0x11, 0xEE, 0x10]) + bytes([0xB3]) + b"obs"
        ctx.tap.inject(client, get)
    reg, _ = observe_then(ctx, plain_get)
    messages = ctx.tap.snapshot()
    injected = [m for m in messages if getattr(m, "injected", False)][0]
    answer = [m for m in messages if m.direction == "s2c" and m.mid == injected.mid]
    check(answer and answer[0].code == "2.05" and answer[0].observe is None
          and answer[0].token == injected.token,
          f"the plain GET is not answered 2.05 without Observe: {answer}")
    later = [m for m in notifications(messages, reg.token)
             if m.when > answer[0].when and m.observe is not None]
    check(later, "the observation ended with the plain GET")


LOSSY_NOTIFICATION = drop_nth([("s2c", lambda m: m.type == "CON" and m.observe is not None, 1),
                               ("c2s", lambda m: m.type == "ACK", 2)])


@td("TD_COAP_OBS_11", drop=LOSSY_NOTIFICATION)
def obs_11(ctx):
    """OBS_01 over a lossy link: a notification and an ACK are lost; the server
    retransmits and never has two CON notifications in flight."""
    watcher = ctx.client.observe(ctx.uri("/obs"), duration=9)
    ok(watcher.wait(), "observe /obs")
    reg = registration(ctx)
    check(len(ctx.tap.dropped) == 2, f"the tap dropped {ctx.tap.dropped}")
    messages = ctx.tap.snapshot()
    notes = [m for m in notifications(messages, reg.token) if m.type == "CON"]
    check(len(notes) >= 3, f"{len(notes)} CON notifications")
    acked = {m.mid for m in messages if m.direction == "c2s" and m.type == "ACK"}
    in_flight = None
    for note in notes:
        if in_flight is not None and note.mid != in_flight:
            # A new notification while one is unacknowledged replaces it (§4.5.2):
            # the old one must never be sent again.
            again = [m for m in notes if m.mid == in_flight and m.when > note.when]
            check(not again, f"two CON notifications in flight: {in_flight} and {note.mid}")
        in_flight = None if note.mid in acked else note.mid
    dropped_mid = [m.mid for m in ctx.tap.dropped if m.direction == "s2c"][0]
    check(dropped_mid in {n.mid for n in notes} or len(notes) >= 3,
          "the lost notification was neither retransmitted nor replaced")


@td("TD_COAP_OBS_12")
def obs_12(ctx):
    watcher = ctx.client.observe(ctx.uri("/obs"), count=2, duration=3.5)
    ok(watcher.wait(), "observe /obs")
    reg = registration(ctx)
    messages = ctx.tap.snapshot()
    cancel = [m for m in requests(messages) if m.observe == 1]
    check(cancel and cancel[0].token == reg.token and cancel[0].type == "CON",
          f"no CON GET with Observe 1 and the token: {cancel}")
    answer = [m for m in messages if m.direction == "s2c" and m.type == "ACK"
              and m.mid == cancel[0].mid]
    check(answer and answer[0].code == "2.05" and answer[0].observe is None,
          f"the cancellation is not answered 2.05 without Observe: {answer}")
    quiet_after(ctx, reg.token, 2.5, "after the cancellation", retransmissions_allowed=True)


def large_observe(path, max_size):
    def case(ctx):
        watcher = ctx.client.observe(ctx.uri(path), count=3, duration=4.5)
        result = watcher.wait()
        ok(result, f"observe {path}")
        reg = registration(ctx, path)
        messages = ctx.tap.snapshot()
        notes = [m for m in notifications(messages, reg.token) if m.observe is not None]
        check(len(notes) >= 3, f"{len(notes)} notifications")
        blocked = [n for n in notes if n.block2 is not None and n.block2.more]
        check(blocked, f"no notification in Block2 blocks: {notes}")
        follow = [m for m in requests(messages, "0.01", path) if m.block2 is not None
                  and m.block2.num > 0]
        check(follow and all(m.observe is None for m in follow),
              f"the further blocks were not fetched by GETs without Observe: {follow}")
        # A notification whose last block came after the client began leaving (its
        # cancelling GET, or its last datagram) may go unshown; every earlier one not.
        # (A client that quits without deregistering may stop reading right after
        # its last request: the answer to it is on the wire but never read.)
        leaving = [i for i, m in enumerate(messages) if m.direction == "c2s" and m.observe == 1]
        sent = [i for i, m in enumerate(messages) if m.direction == "c2s"]
        leaving_at = leaving[0] if leaving else (sent[-1] if sent else len(messages))
        sizes = set()
        shown = 0
        for note in blocked:
            body = note.payload
            completed_at = messages.index(note)
            whole = False
            for block in sorted([r for r in messages if r.direction == "s2c" and r.block2
                                 and r.block2.num > 0 and r.etag == note.etag],
                                key=lambda r: r.block2.num):
                if block.block2.num * block.block2.size == len(body):
                    body += block.payload
                    completed_at = max(completed_at, messages.index(block))
                    whole = not block.block2.more
            sizes.add(len(body))
            # Only a body whose blocks all came before the client began leaving
            # must be shown (the last notification may arrive as it leaves).
            if whole and completed_at < leaving_at:
                check(body in result.payload, "the client did not show a whole notification")
                shown += 1
        check(shown >= 2, f"only {shown} notifications were fetched whole before the client left")
        check(max(sizes) <= max_size, f"bodies of {sizes}")
        return sizes
    return case


td("TD_COAP_OBS_13")(large_observe("/obs-large", 2048))


@td("TD_COAP_OBS_14")
def obs_14(ctx):
    watcher = ctx.client.observe(ctx.uri("/obs-pumping"), count=5, duration=6.5)
    result = watcher.wait()
    ok(result, "observe /obs-pumping")
    reg = registration(ctx, "/obs-pumping")
    notes = [m for m in notifications(ctx.tap.snapshot(), reg.token) if m.observe is not None]
    check(len(notes) >= 4, f"{len(notes)} notifications")
    shapes = {(n.block2 is not None and n.block2.more) for n in notes}
    check(shapes == {True, False}, "the sizes did not vary between one block and several")
    check(result.payload.count(b"plugtest counter") >= 4, "the client did not show every state")
