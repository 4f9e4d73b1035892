#!/usr/bin/env python3
"""dtls_interop.py — coaps:// (DTLS 1.2) between cobalt and libcoap over loopback.

libcoap's OpenSSL and GnuTLS clients against `cobalt serve` with a pre-shared
key or a certificate; cobalt's client against libcoap's OpenSSL server; and the
negative cases (wrong key, unknown identity, untrusted / expired / misnamed
certificate, plaintext CoAP to the DTLS port), which must fail cleanly, with
their reason, on the side that can tell. Certificates are made for each run
with the openssl tool (ECDSA P-256). Every process is bounded in time.
Usage: dtls_interop.py --cobalt PATH --case NAME (or --list).
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import interop  # noqa: E402  (Peer, run, check, free_udp_port, same_bytes, EXIT)
from interop import Failure, check, run, same_bytes  # noqa: E402

V4 = interop.FAMILIES["v4"]
PSK, IDENTITY = "cobalt-interop-key", "interop-client"
CASES = {}


def case(name):
    def register(function):
        CASES[name] = function
        return function
    return register


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def make_certificates(work):
    """A CA, a server certificate for localhost / 127.0.0.1 from it, the same key
    certified for 2020 only (expired), and a second CA nobody trusts."""
    d = os.path.join(work, "certs")
    os.makedirs(d)
    for name in ("ca", "other-ca"):
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key", cwd=d)
        openssl("req", "-x509", "-new", "-key", f"{name}.key", "-sha256", "-days", "30",
                "-subj", f"/CN=cobalt {name}", "-out", f"{name}.pem", cwd=d)
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key", cwd=d)
    openssl("req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr",
            cwd=d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "30", "-sha256", "-extfile", "ext.cnf", "-out",
            "server.pem", cwd=d)
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca=default\n[default]\ndir=.\ndatabase=index.txt\n"
                "new_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=any\n"
                "copy_extensions=copy\n[any]\ncommonName=supplied\n")
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
            "-in", "server.csr", "-out", "expired.pem", "-startdate", "20200101000000Z",
            "-enddate", "20200201000000Z", "-notext", cwd=d)
    return d


class CobaltDtlsServer(interop.Peer):
    """`cobalt serve DIR` with DTLS options; ready when it says it serves on its port."""

    def __init__(self, ctx, directory, *dtls_args):
        self.port = interop.free_udp_port(V4)
        self.ctx, self.dtls_args = ctx, dtls_args
        super().__init__([ctx.cobalt, "serve", directory, "--bind", V4.host, "--port",
                          str(self.port), *dtls_args], V4, self.port, ctx.log)

    def __enter__(self):
        import time
        self.process = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + interop.START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"cobalt serve exited with {self.process.returncode} at start")
            # The log is shared by every peer of the case: only this server's
            # own line (its port) says that it is bound.
            with open(self.log.name) as log:
                if f" on {V4.host}:{self.port}\n" in log.read():
                    return self
            time.sleep(0.05)
        raise Failure("cobalt serve did not start")

    def uri(self, path):
        return f"coaps://{V4.host}:{self.port}{path}"


class LibcoapDtlsServer(interop.Peer):
    """libcoap's OpenSSL server: its coaps port is the CoAP port + 1."""

    def __init__(self, ctx, *args):
        port = interop.free_udp_port(V4)
        self.coaps_port = port + 1
        super().__init__(["coap-server-openssl", "-A", V4.host, "-p", str(port), "-d", "8",
                          "-v", "0", *args], V4, port, ctx.log)

    def uri(self, path):
        return f"coaps://{V4.host}:{self.coaps_port}{path}"


def libcoap_client(flavour, *args):
    return run([f"coap-client-{flavour}", "-B", "10", *args], timeout=40)


def libcoap_body(ctx, flavour, *args):
    out = os.path.join(ctx.work, "out")
    if os.path.exists(out):
        os.remove(out)
    result = libcoap_client(flavour, "-o", out, *args)
    body = b""
    if os.path.exists(out):
        with open(out, "rb") as f:
            body = f.read()
    return body, result


def log_text(ctx):
    ctx.log.flush()
    with open(ctx.log.name) as f:
        return f.read()


def served_dir(ctx):
    d = os.path.join(ctx.work, "served")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hello.txt"), "wb") as f:
        f.write(b"hello over DTLS\n")
    return d


def libcoap_against_cobalt(ctx, flavour, server_args, client_args):
    """GET, block-wise GET and PUT, observe: libcoap's client, cobalt serve."""
    directory = served_dir(ctx)
    with CobaltDtlsServer(ctx, directory, *server_args) as server:
        got, _ = libcoap_body(ctx, flavour, *client_args, server.uri("/hello.txt"))
        same_bytes(b"hello over DTLS\n", got, f"{flavour}: GET /hello.txt")
        large, _ = libcoap_body(ctx, flavour, *client_args, "-b", "64", server.uri("/large"))
        check(len(large) == 4096 and large.startswith(b"0001: "),
              f"{flavour}: GET /large in 64-byte blocks gave {len(large)} bytes")
        upload = interop.random_file(ctx.work, "upload.bin", 3000, 7)
        libcoap_client(flavour, *client_args, "-m", "put", "-b", "64", "-f", upload,
                       server.uri("/uploaded.bin"))
        with open(upload, "rb") as a, open(os.path.join(directory, "uploaded.bin"), "rb") as b:
            same_bytes(a.read(), b.read(), f"{flavour}: PUT of 3000 bytes in 64-byte blocks")
        watched = libcoap_client(flavour, *client_args, "-s", "3", server.uri("/time"))
        stamps = re.findall(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", watched.stdout)
        check(len(stamps) >= 2, f"{flavour}: {len(stamps)} notifications over DTLS in 3 s")
        check(server.alive(), "cobalt serve died")
        check("DTLS with" not in log_text(ctx), "cobalt serve reported a failed handshake")


for flavour in ("openssl", "gnutls"):
    CASES[f"libcoap-{flavour}-client-psk"] = (
        lambda fl: lambda ctx: libcoap_against_cobalt(
            ctx, fl, ["--psk", PSK, "--identity", IDENTITY], ["-k", PSK, "-u", IDENTITY]))(flavour)
    CASES[f"libcoap-{flavour}-client-cert"] = (
        lambda fl: lambda ctx: libcoap_against_cobalt(
            ctx, fl, ["--cert", os.path.join(ctx.certs, "server.pem"), "--key",
                      os.path.join(ctx.certs, "server.key")],
            ["-C", os.path.join(ctx.certs, "ca.pem")]))(flavour)


def cobalt(ctx, *args):
    return run([ctx.cobalt, *args, "--timeout", "30"])


def cobalt_against_libcoap(ctx, server_args, client_args):
    with LibcoapDtlsServer(ctx, *server_args) as server:
        got = cobalt(ctx, "get", *client_args, server.uri("/"))
        check(got.returncode == 0 and b"libcoap" in got.stdout, f"GET /: exit {got.returncode}")
        watched = cobalt(ctx, "observe", "--count", "2", *client_args, server.uri("/time"))
        check(watched.returncode == 0 and watched.stdout.count(b"\n") == 2,
              f"observe /time: exit {watched.returncode}, {watched.stdout!r}")
        upload = interop.random_file(ctx.work, "upload.bin", 3000, 11)
        with open(upload, "rb") as f:
            expected = f.read()
        put = cobalt(ctx, "put", *client_args, "--block-size", "64", "--payload", "@" + upload,
                     server.uri("/example_data"))
        check(put.returncode == 0, f"PUT of 3000 bytes in 64-byte blocks: exit {put.returncode}")
        back = cobalt(ctx, "get", *client_args, "--block-size", "64", server.uri("/example_data"))
        same_bytes(expected, back.stdout, "GET back of 3000 bytes in 64-byte blocks")
        check(server.alive(), "libcoap's server died")


@case("cobalt-client-libcoap-server-psk")
def cobalt_client_psk(ctx):
    cobalt_against_libcoap(ctx, ["-k", PSK, "-h", "libcoap-hint"],
                           ["--psk", PSK, "--identity", IDENTITY])


@case("cobalt-client-psk-hint")
def cobalt_client_psk_hint(ctx):
    # The server sends a PSK identity hint; the client's default key is wrong, so
    # only the identity and key chosen for the hint can complete the handshake.
    hinted = ["--psk", "not-the-key", "--identity", "default-id",
              "--psk-for-hint", "other-hint,other-id,also-wrong",
              "--psk-for-hint", f"libcoap-hint,{IDENTITY},{PSK}"]
    with LibcoapDtlsServer(ctx, "-k", PSK, "-h", "libcoap-hint") as server:
        got = cobalt(ctx, "get", *hinted, server.uri("/"))
        check(got.returncode == 0 and b"libcoap" in got.stdout,
              f"GET / with the hinted key: exit {got.returncode}, {got.stderr!r}")
        check(server.alive(), "libcoap's server died")
    # A hint with no entry: the default (wrong) key is sent and the handshake
    # fails cleanly (libcoap drops what it cannot decrypt: a timeout).
    with LibcoapDtlsServer(ctx, "-k", PSK, "-h", "unlisted-hint") as server:
        fallback = run([ctx.cobalt, "get", *hinted, "--timeout", "6", server.uri("/")])
        check(fallback.returncode == interop.EXIT["timeout"] and fallback.stdout == b"",
              f"an unlisted hint: exit {fallback.returncode}")
        check(server.alive(), "libcoap's server died")


@case("cobalt-client-libcoap-server-cert")
def cobalt_client_cert(ctx):
    c = ctx.certs
    cobalt_against_libcoap(ctx, ["-c", os.path.join(c, "server.pem"), "-j",
                                 os.path.join(c, "server.key")],
                           ["--ca", os.path.join(c, "ca.pem"), "--server-name", "localhost"])


@case("negative-psk")
def negative_psk(ctx):
    with CobaltDtlsServer(ctx, served_dir(ctx), "--psk", PSK, "--identity", IDENTITY) as server:
        # libcoap's client with a wrong key, then with an identity the server does
        # not know: no payload, and the server says why.
        for flavour in ("openssl", "gnutls"):
            body, _ = libcoap_body(ctx, flavour, "-B", "4", "-k", "wrong-key", "-u", IDENTITY,
                                   server.uri("/hello.txt"))
            check(body == b"", f"{flavour} with a wrong key got {body!r}")
        check("the pre-shared keys differ" in log_text(ctx),
              "cobalt serve did not report the wrong key")
        body, _ = libcoap_body(ctx, "openssl", "-B", "4", "-k", PSK, "-u", "stranger",
                               server.uri("/hello.txt"))
        check(body == b"", f"an unknown identity got {body!r}")
        check("knows no key for this identity" in log_text(ctx),
              "cobalt serve did not report the unknown identity")
        # cobalt's client, the same two mistakes: exit 10 and the reason.
        for args, reason in [(["--psk", "wrong-key", "--identity", IDENTITY], b"keys differ"),
                             (["--psk", PSK, "--identity", "stranger"], b"no key for this")]:
            refused = cobalt(ctx, "get", *args, server.uri("/hello.txt"))
            check(refused.returncode == interop.EXIT["security"] and reason in refused.stderr,
                  f"cobalt with {args}: exit {refused.returncode}, {refused.stderr!r}")
            check(refused.stdout == b"", "a payload after a failed handshake")
        # Plain CoAP to the DTLS port: nothing comes back.
        plain, _ = interop.coap_client_body(ctx, "-B", "3",
                                            f"coap://{V4.host}:{server.port}/hello.txt")
        check(plain == b"", f"plaintext CoAP to the DTLS port was answered: {plain!r}")
        ok = cobalt(ctx, "get", "--psk", PSK, "--identity", IDENTITY, server.uri("/hello.txt"))
        same_bytes(b"hello over DTLS\n", ok.stdout, "the right key still works afterwards")
    # Against libcoap's server a wrong key cannot be told from silence (it drops
    # the Finished it cannot decrypt): cobalt's client times out cleanly.
    with LibcoapDtlsServer(ctx, "-k", PSK) as server:
        silent = run([ctx.cobalt, "get", "--psk", "wrong-key", "--identity", IDENTITY,
                      "--timeout", "6", server.uri("/")])
        check(silent.returncode == interop.EXIT["timeout"] and silent.stdout == b"",
              f"wrong key against libcoap: exit {silent.returncode}")
        check(server.alive(), "libcoap's server died")


@case("negative-cert")
def negative_cert(ctx):
    c = ctx.certs
    for certificate, args, reason in [
            ("server.pem", ["--ca", os.path.join(c, "other-ca.pem")], b"not trusted"),
            ("expired.pem", ["--ca", os.path.join(c, "ca.pem")], b"expired"),
            ("server.pem", ["--ca", os.path.join(c, "ca.pem"), "--server-name", "elsewhere"],
             b"for another name")]:
        with CobaltDtlsServer(ctx, served_dir(ctx), "--cert", os.path.join(c, certificate),
                              "--key", os.path.join(c, "server.key")) as server:
            refused = cobalt(ctx, "get", *args, server.uri("/hello.txt"))
            check(refused.returncode == interop.EXIT["security"] and reason in refused.stderr,
                  f"{certificate} with {args}: exit {refused.returncode}, {refused.stderr!r}")
            check(refused.stdout == b"", "a payload from an unverified server")
            if certificate == "server.pem" and "other-ca.pem" in args[1]:
                body, _ = libcoap_body(ctx, "openssl", "-B", "4", "-C",
                                       os.path.join(c, "other-ca.pem"), server.uri("/hello.txt"))
                check(body == b"", "libcoap's client accepted an untrusted certificate")
            check(server.alive(), "cobalt serve died")


def prepare(ctx):
    ctx.certs = make_certificates(ctx.work)


def main():
    tools = ("coap-client-openssl", "coap-client-gnutls", "coap-server-openssl", "openssl",
             "coap-client-notls")
    return interop.run_case_main(__doc__.splitlines()[0], CASES, lambda case: tools, prepare,
                                 prefix="cobalt-dtls-")


if __name__ == "__main__":
    sys.exit(main())
