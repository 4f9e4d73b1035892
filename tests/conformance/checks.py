"""checks.py — what the test descriptions' "check" steps say about messages on
the wire, as functions over the tap's record (coap_wire.Message lists).
Each raises Failure with the messages concerned when a check does not hold.
"""
from coap_wire import CONTENT_FORMAT


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def requests(messages, method=None, path=None):
    """The client's requests (first transmissions and retransmissions)."""
    return [m for m in messages if m.direction == "c2s" and m.is_request
            and (method is None or m.code == method) and (path is None or m.path == path)]


def first_requests(messages, method=None, path=None):
    """One entry per request: retransmissions (same MID) left out."""
    seen, unique = set(), []
    for m in requests(messages, method, path):
        if m.mid not in seen:
            seen.add(m.mid)
            unique.append(m)
    return unique


def answers_to(messages, request):
    """Server messages that answer `request`: the ACK or RST with its MID
    (CON), and responses with its token (separate or NON)."""
    found = []
    for m in messages:
        if m.direction != "s2c" or getattr(m, "injected_answer", False):
            continue
        if m.type in ("ACK", "RST") and m.mid == request.mid and request.type == "CON":
            found.append(m)
        elif m.is_response and m.token == request.token and m.type in ("CON", "NON"):
            found.append(m)
    return found


def response_to(messages, request):
    """The response to `request` (piggybacked or separate), required."""
    responses = [m for m in answers_to(messages, request) if m.is_response]
    check(responses, f"no response to {request}: {messages}")
    return responses[0]


def check_piggybacked(messages, request, codes, content=False, payload=False):
    """RFC 7252 §5.2.1: a CON request answered in its ACK: same MID and token."""
    check(request.type == "CON", f"the request is not CON: {request}")
    response = response_to(messages, request)
    check(response.type == "ACK" and response.mid == request.mid,
          f"not a piggybacked ACK with the request's MID: {response} for {request}")
    check(response.token == request.token, f"token {response.token.hex()} instead of "
          f"{request.token.hex()}: {response}")
    check(response.code in codes, f"code {response.code}, expected one of {codes}: {response}")
    check_content(response, content, payload)
    return response


def check_non_response(messages, request, codes, content=False, payload=False):
    """§5.2.3: a NON request gets a NON response with the token, a MID of the server's."""
    check(request.type == "NON", f"the request is not NON: {request}")
    response = response_to(messages, request)
    check(response.type == "NON", f"the response to a NON request is {response.type}: {response}")
    check(response.token == request.token, f"token not echoed: {response}")
    check(response.code in codes, f"code {response.code}, expected one of {codes}: {response}")
    check_content(response, content, payload)
    return response


def check_content(response, content, payload):
    if content:
        check(response.has(CONTENT_FORMAT), f"no Content-Format: {response}")
    if payload:
        check(response.payload, f"an empty payload: {response}")
    if response.payload:
        check(response.has(CONTENT_FORMAT) or response.code.startswith(("4.", "5.")),
              f"a payload without Content-Format: {response}")


def check_separate(messages, request):
    """§5.2.2: an empty ACK with the request's MID, later a CON response with
    its token (CF, payload), which the client acknowledges."""
    answers = answers_to(messages, request)
    acks = [m for m in answers if m.type == "ACK"]
    check(acks and all(a.is_empty and not a.token and not a.payload for a in acks),
          f"the request is not acknowledged by an empty ACK: {answers}")
    responses = [m for m in answers if m.is_response and m.type == "CON"]
    check(responses, f"no separate CON response: {answers}")
    response = responses[0]
    check(messages.index(acks[0]) < messages.index(response),
          "the separate response came before the empty ACK")
    check(response.code == "2.05" and response.has(CONTENT_FORMAT) and response.payload,
          f"the separate response is not a 2.05 with Content-Format and payload: {response}")
    check(response.mid != request.mid, "the separate response reuses the request's MID")
    client_acks = [m for m in messages if m.direction == "c2s" and m.type == "ACK"
                   and m.mid == response.mid]
    check(client_acks and client_acks[0].is_empty,
          f"the client did not acknowledge the separate response: {messages}")
    return response


def notifications(messages, token):
    """Server responses carrying `token` (the registration's answer included)."""
    return [m for m in messages if m.direction == "s2c" and m.is_response and m.token == token]


def check_observe_sequence(messages, registration, min_count, kinds):
    """RFC 7641 §3.4/§4.4: notifications with the token, Observe increasing,
    of the expected message types; every CON one acknowledged by the client."""
    notes = [m for m in notifications(messages, registration.token) if m.observe is not None]
    check(len(notes) >= min_count, f"{len(notes)} notifications instead of at least "
          f"{min_count}: {messages}")
    first = notes[0]
    check(first.type == "ACK" and first.mid == registration.mid and first.code == "2.05",
          f"the registration is not answered in its ACK with 2.05 and Observe: {first}")
    later = [m for m in notes[1:] if m.mid != first.mid]
    unique = []
    for m in later:
        if not unique or unique[-1].mid != m.mid:
            unique.append(m)
    for m in unique:
        check(m.type in kinds, f"a {m.type} notification where {kinds} were expected: {m}")
        check(m.content_format == first.content_format, f"the Content-Format changed: {m}")
    values = [m.observe for m in unique]
    for a, b in zip(values, values[1:]):
        check(a < b or (a - b) > (1 << 23), f"Observe values not increasing: {values}")
    # The client may leave while the last notification is on its way (a GET
    # with Observe 1 or an exit): that one needs no ACK.
    leaving = [m.when for m in messages if m.direction == "c2s" and m.is_request
               and m.token == registration.token and m.observe == 1]
    for m in unique[:-1]:
        if m.type == "CON" and not (leaving and m.when >= leaving[0]):
            acked = [a for a in messages if a.direction == "c2s" and a.type == "ACK"
                     and a.mid == m.mid]
            check(acked, f"the client did not acknowledge {m}")
    return unique


def parse_links(text):
    """RFC 6690 link-format: [(target, {attribute: value or True})]."""
    links, i = [], 0
    while i < len(text):
        if text[i] in ", \n":
            i += 1
            continue
        check(text[i] == "<", f"link-format: '<' expected at {i}: {text!r}")
        end = text.index(">", i)
        target, i, attributes = text[i + 1:end], end + 1, {}
        while i < len(text) and text[i] == ";":
            i += 1
            start = i
            while i < len(text) and text[i] not in "=;,":
                i += 1
            name = text[start:i]
            value = True
            if i < len(text) and text[i] == "=":
                i += 1
                if i < len(text) and text[i] == '"':
                    close = text.index('"', i + 1)
                    value, i = text[i + 1:close], close + 1
                else:
                    start = i
                    while i < len(text) and text[i] not in ";,":
                        i += 1
                    value = text[start:i]
            attributes[name] = value
        links.append((target, attributes))
    return links
