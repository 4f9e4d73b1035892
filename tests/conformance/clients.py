"""clients.py — the two clients a conformance case runs with, behind one
interface: cobalt's (`cobalt get|put|post|delete|observe|ping`) and libcoap's
`coap-client-notls`. Each call is one client process, bounded in time; what it
sent and received is judged from the tap's record, its output from Result.
A capability a client's options do not offer raises NotApplicable.
"""
import os
import signal
import subprocess
import time

STEP_TIMEOUT = 60


class NotApplicable(Exception):
    pass


class Result:
    def __init__(self, returncode, payload, stdout, stderr):
        self.returncode, self.payload = returncode, payload
        self.stdout, self.stderr = stdout, stderr

    def __repr__(self):
        return f"exit {self.returncode}, {len(self.payload)} bytes"


def _run(argv, timeout=STEP_TIMEOUT):
    print("$ " + " ".join(argv))
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"timed out after {timeout} s: {' '.join(argv)}")
    if done.stderr:
        print("  stderr: " + done.stderr.decode(errors="replace").strip()[:300])
    # What the client sent as it exited (an ACK) is still in the tap's hands.
    time.sleep(0.1)
    return done


class Background:
    """A client process left running (an observation); stop() ends it as a user
    would (SIGINT), kill() as a power cut would (SIGKILL)."""

    def __init__(self, argv, output):
        print("$ " + " ".join(argv) + " &")
        self.output = output
        self.out = open(output, "wb")
        self.process = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.PIPE)

    def wait(self, timeout=STEP_TIMEOUT):
        try:
            _, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"a background client ran past {timeout} s")
        self.out.close()
        time.sleep(0.1)  # as in _run: let the tap record the client's last messages
        with open(self.output, "rb") as f:
            return Result(self.process.returncode, f.read(), b"", err or b"")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait(10)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.out.close()


class CobaltClient:
    name = "cobalt"
    can_linger = True  # --linger: stays to answer late messages
    exit_reflects_code = True  # 4.xx/5.xx exit non-zero
    reregisters = True  # RFC 7641 §3.3.1: observes again when Max-Age passes

    def __init__(self, binary, work):
        self.binary, self.work = binary, work

    def request(self, method, uri, non=False, token=None, accept=None, content_format=None,
                payload=None, etag=None, if_match=None, if_none_match=False, block=None,
                lose_first=False, linger=None):
        # lose_first is libcoap's -l 1; cobalt's client has no loss option: the
        # tap's drop rule is its lossy link.
        argv = [self.binary, method, uri, "--timeout", "50"]
        if non:
            argv.append("--non")
        if token is not None:
            argv += ["--token", token.hex()]
        if accept is not None:
            argv += ["--accept", str(accept)]
        if content_format is not None:
            argv += ["--content-format", str(content_format)]
        if payload is not None:
            path = os.path.join(self.work, f"payload-{time.monotonic_ns()}")
            with open(path, "wb") as f:
                f.write(payload)
            argv += ["--payload", "@" + path]
        if etag is not None:
            argv += ["--etag", etag.hex()]
        if if_match is not None:
            argv += ["--if-match", if_match.hex()]
        if if_none_match:
            argv.append("--if-none-match")
        if block is not None:
            argv += ["--block-size", str(block)]
        if linger is not None:
            argv += ["--linger", str(linger)]
        done = _run(argv)
        return Result(done.returncode, done.stdout, done.stdout, done.stderr)

    def observe(self, uri, non=False, count=None, duration=None, cancel_by_reset=False,
                linger=None, block=None):
        argv = [self.binary, "observe", uri, "--timeout", "50"]
        if non:
            argv.append("--non")
        if count is not None:
            argv += ["--count", str(count)]
        if duration is not None:
            argv += ["--duration", str(duration)]
        if cancel_by_reset:
            argv += ["--cancel", "rst"]
        if linger is not None:
            argv += ["--linger", str(linger)]
        if block is not None:
            argv += ["--block-size", str(block)]
        return Background(argv, os.path.join(self.work, f"observe-{time.monotonic_ns()}"))

    def ping(self, uri):
        done = _run([self.binary, "ping", uri, "--timeout", "20"])
        return Result(done.returncode, b"", done.stdout, done.stderr)


class LibcoapClient:
    name = "libcoap"
    program = "coap-client-notls"
    can_linger = False  # exits once it has the response
    exit_reflects_code = False  # exits 0 after a 4.xx too
    reregisters = False  # 4.3.1 does not register again when Max-Age passes

    def __init__(self, binary, work):
        self.work = work

    def _output(self):
        return os.path.join(self.work, f"libcoap-{time.monotonic_ns()}")

    def _options(self, non=False, token=None, accept=None, content_format=None, payload=None,
                 etag=None, if_match=None, if_none_match=False, block=None):
        argv = []
        if non:
            argv.append("-N")
        if token is not None:
            if not token:
                raise NotApplicable("coap-client cannot send an empty token (-T needs a value)")
            argv += ["-T", token.decode("latin-1")]
        if accept is not None:
            argv += ["-A", str(accept)]
        if content_format is not None:
            argv += ["-t", str(content_format)]
        if payload is not None:
            path = os.path.join(self.work, f"payload-{time.monotonic_ns()}")
            with open(path, "wb") as f:
                f.write(payload)
            argv += ["-f", path]
        if etag is not None:
            argv += ["-O", f"4,0x{etag.hex()}"]
        if if_match is not None:
            argv += ["-O", f"1,0x{if_match.hex()}"]
        if if_none_match:
            argv += ["-O", "5"]
        if block is not None:
            argv += ["-b", str(block)]
        return argv

    def request(self, method, uri, lose_first=False, linger=None, **options):
        output = self._output()
        argv = [self.program, "-B", "50", "-m", method, "-o", output]
        if lose_first:
            argv += ["-l", "1"]  # libcoap's own loss option: its first datagram is lost
        done = _run(argv + self._options(**options) + [uri])
        payload = b""
        if os.path.exists(output):
            with open(output, "rb") as f:
                payload = f.read()
        return Result(done.returncode, payload, done.stdout, done.stderr)

    def observe(self, uri, non=False, count=None, duration=None, cancel_by_reset=False,
                linger=None, block=None):
        if cancel_by_reset:
            raise NotApplicable("coap-client always leaves an observation with a GET")
        if duration is None:
            raise NotApplicable("coap-client observes for a duration, not a count")
        output = self._output()
        argv = [self.program, "-B", "50", "-s", str(duration), "-o", output]
        argv += self._options(non=non, block=block) + [uri]
        return Background(argv, output)

    def ping(self, uri):
        raise NotApplicable("coap-client has no ping command")
