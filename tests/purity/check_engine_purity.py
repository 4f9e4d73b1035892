#!/usr/bin/env python3
"""check_engine_purity.py — enforces engine rule 1 and 3 of DESIGN.md by reading
every source under engine/: no OS, clock, thread, entropy or I/O headers, no calls
that reach the OS, no exceptions; and coap/contract.hpp before any GSL header, so
that every Expects/Ensures (gsl::span's own included) reaches coap's contract
violation handler instead of std::terminate. Exits non-zero and names every violation."""
import pathlib
import re
import sys

FORBIDDEN_HEADERS = {
    # OS and sockets
    "sys/socket.h", "sys/types.h", "sys/time.h", "sys/select.h", "sys/epoll.h", "netinet/in.h",
    "arpa/inet.h", "netdb.h", "unistd.h", "fcntl.h", "poll.h", "windows.h", "winsock2.h",
    # clocks and entropy
    "chrono", "ctime", "time.h", "random", "sys/random.h",
    # threads and synchronisation
    "thread", "mutex", "shared_mutex", "condition_variable", "future", "semaphore", "pthread.h",
    "atomic",
    # files and streams
    "fstream", "iostream", "cstdio", "stdio.h", "filesystem", "locale",
    # exceptions and RTTI
    "stdexcept", "exception", "typeinfo",
}
FORBIDDEN_CALLS = re.compile(
    r"\b(throw|try|catch|dynamic_cast|typeid|malloc|calloc|realloc|free|rand|srand|time|clock|"
    r"getenv|printf|fprintf|puts|fopen|socket|sendto|recvfrom|sleep|usleep)\s*[\(\{;]"
)
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def strip_comments_and_strings(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    sources = sorted(p for p in root.rglob("*") if p.suffix in {".hpp", ".cpp", ".h"})
    if not sources:
        print(f"no engine sources under {root}")
        return 1
    violations = []
    for path in sources:
        raw = path.read_text()
        for number, line in enumerate(raw.splitlines(), 1):
            match = INCLUDE.match(line)
            if match and match.group(1) in FORBIDDEN_HEADERS:
                violations.append(f"{path}:{number}: forbidden header <{match.group(1)}>")
        first_gsl = next((n for n, line in enumerate(raw.splitlines(), 1)
                          if (m := INCLUDE.match(line)) and m.group(1).startswith("gsl/")), None)
        if first_gsl is not None and path.name != "contract.hpp":
            # Public headers include coap/contract.hpp itself; a source may reach
            # it through any quoted coap or local header that comes first.
            wanted = ("coap/contract.hpp",) if "include" in path.parts else None
            before = [m.group(1) for line in raw.splitlines()[: first_gsl - 1]
                      if (m := INCLUDE.match(line)) and '"' in line]
            if not before or (wanted and not any(b in wanted for b in before)):
                violations.append(f"{path}:{first_gsl}: a GSL header before coap/contract.hpp")
        code = strip_comments_and_strings(raw)
        for number, line in enumerate(code.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for match in FORBIDDEN_CALLS.finditer(line):
                violations.append(f"{path}:{number}: forbidden construct '{match.group(1)}'")
    for v in violations:
        print(v)
    print(f"checked {len(sources)} engine files: {len(violations)} violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
