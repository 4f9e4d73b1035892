"""tap.py — a UDP relay between a client and the server under test, on loopback.

The client talks to the tap's port; the tap forwards each datagram to the server
from a socket of its own per client address, and the answers back. Every
datagram is decoded (coap_wire.Message) and recorded in order, so that a test
checks what went over the wire whichever client it ran. A drop rule makes the
link lossy in a chosen, reproducible way (the test descriptions' lossy
context): it sees each message before it is forwarded and may swallow it.
"""
import selectors
import socket
import struct
import threading
import time

from coap_wire import Message


class Tap:
    def __init__(self, family, server_port, drop=None):
        self.family, self.server = family, (family.host, server_port)
        self.drop = drop
        self.messages, self.dropped = [], []
        self.lock = threading.Lock()
        self.listener = socket.socket(family.af, socket.SOCK_DGRAM)
        self.listener.bind((family.host, 0))
        self.port = self.listener.getsockname()[1]
        self.upstream = {}  # client address -> socket towards the server
        self.injected = set()  # message IDs sent by inject(): answers stay here
        self.client_of = {}  # upstream socket -> client address
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.running = True
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._relay, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join(5)
        self.selector.close()
        for sock in [self.listener, *self.upstream.values()]:
            sock.close()
        return False

    def uri(self, path=""):
        return self.family.uri(self.port, path)

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, predicate, timeout):
        """Waits until predicate(messages) is true; returns whether it became so."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                return True
            time.sleep(0.02)
        return predicate(self.snapshot())

    def clients(self):
        with self.lock:
            return list(self.upstream)

    def inject(self, client, data):
        """Sends `data` to the server as if `client` had sent it (from the same
        address the server knows that client by); the answer is recorded and
        not forwarded to the client."""
        message = Message(data, "c2s", time.monotonic() - self.started)
        message.injected = True
        with self.lock:
            self.injected.add(message.mid)
            self.messages.append(message)
            self.upstream[client].sendto(data, self.server)

    def _record(self, data, direction):
        try:
            message = Message(data, direction, time.monotonic() - self.started)
        except (ValueError, IndexError, struct.error):
            return True  # not CoAP: forwarded, not recorded
        with self.lock:
            if self.drop is not None and self.drop(message, list(self.messages)):
                self.dropped.append(message)
                return False
            self.messages.append(message)
        return True

    def _answers_injection(self, data):
        with self.lock:
            return (len(data) >= 4 and (data[0] >> 4) & 3 in (2, 3)
                    and struct.unpack("!H", data[2:4])[0] in self.injected)

    def _relay(self):
        while self.running:
            for key, _ in self.selector.select(timeout=0.05):
                sock = key.fileobj
                try:
                    data, source = sock.recvfrom(65535)
                except OSError:
                    continue
                if sock is self.listener:
                    if source not in self.upstream:
                        up = socket.socket(self.family.af, socket.SOCK_DGRAM)
                        up.bind((self.family.host, 0))
                        self.upstream[source] = up
                        self.client_of[up] = source
                        self.selector.register(up, selectors.EVENT_READ)
                    if self._record(data, "c2s"):
                        self.upstream[source].sendto(data, self.server)
                else:
                    if self._record(data, "s2c") and not self._answers_injection(data):
                        try:
                            self.listener.sendto(data, self.client_of[sock])
                        except OSError:
                            pass

