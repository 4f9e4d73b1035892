#!/usr/bin/env python3
"""size_report.py — the embedded profile's size table and its checks, over a
cross build made by scripts/embedded_size.sh (build dir as the only argument).

For each program of embedded/meson.build it prints text, data and bss as
arm-none-eabi-size reports them, and splits text and static RAM by origin from
the linker map: the engine (libcobalt.a), the program's own code (example
application, fake radio), and the C/C++ runtime (crt0, newlib-nano, libgcc).

It fails (exit 1) when
  - an engine object references a heap, exception, iostream or locale symbol,
    or a linked program contains one (the no-heap proof);
  - the client+server program's engine text or static RAM is over the aim of
    the embedded profile (32 KiB of text, 4 KiB of static RAM).
"""
import pathlib
import re
import subprocess
import sys

PROGRAMS = [
    ("size_baseline", "baseline: C runtime and main loop, no CoAP"),
    ("size_codec", "codec alone (parse + write)"),
    ("size_client", "client-only endpoint"),
    ("size_server", "server-only endpoint, three resources"),
    ("size_full", "client + server, block-wise and observe"),
]

# The aim for the client+server core at small capacities.
AIM_TEXT = 32 * 1024
AIM_RAM = 4 * 1024
# The thresholds for size_full (engine text; engine static RAM, that is the
# Endpoint's block plus the engine's own .data/.bss) are the aim itself. Measured
# on 2026-12-08 with Debian's arm-none-eabi-gcc 12.2 at -Os: 31,724 bytes of
# engine text and 4,068 bytes of RAM (a block of 4,064 bytes: required_memory
# measured on the Cortex-M4 under QEMU, see embedded/target/on_target.cpp).
MAX_ENGINE_TEXT = AIM_TEXT
MAX_ENGINE_RAM = AIM_RAM

# Symbols no engine object may reference and no program may contain.
FORBIDDEN = re.compile(
    r"^(malloc|calloc|realloc|free|_malloc_r|_calloc_r|_realloc_r|_free_r|_sbrk|_sbrk_r|"
    r"_Znwj|_Znaj|_ZnwjRKSt9nothrow_t|_ZnajRKSt9nothrow_t|_ZnwjSt11align_val_t|"
    r"_ZdlPv\w*|_ZdaPv\w*|_ZSt9terminatev|abort|__cxa_\w+|_Unwind_\w+|"
    r"_ZSt4cout|_ZSt4cerr|_ZNSt8ios_base\w*|_ZNSt6locale\w*)$"
)

TEXT_SECTIONS = {".text", ".init", ".fini", ".rodata", ".ARM.exidx", ".ARM.extab", ".eh_frame"}
DATA_SECTIONS = {".data", ".init_array", ".fini_array", ".preinit_array"}
BSS_SECTIONS = {".bss", ".noinit"}


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def berkeley(path: pathlib.Path) -> tuple[int, int, int]:
    line = run("arm-none-eabi-size", str(path)).splitlines()[1].split()
    return int(line[0]), int(line[1]), int(line[2])


def origin(source: str) -> str:
    if "libcobalt.a(" in source:
        return "engine"
    if "/lib/gcc/" in source or "arm-none-eabi/lib" in source:
        return "runtime"
    return "program"


def split_by_origin(map_path: pathlib.Path) -> dict[str, dict[str, int]]:
    """Bytes of text, data and bss that each origin contributes, from a GNU ld map."""
    totals = {o: {"text": 0, "data": 0, "bss": 0} for o in ("engine", "program", "runtime")}
    lines = map_path.read_text().splitlines()
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"{map_path}: not a GNU ld map")
    output = None
    pending = None  # an input section name whose address and size are on the next line
    entry = re.compile(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$")
    for line in lines[start + 1:]:
        if line and not line[0].isspace():
            output = line.split()[0]
            pending = None
            continue
        stripped = line.strip()
        if stripped.startswith("*fill*") or output is None:
            continue
        kind = ("text" if output in TEXT_SECTIONS else "data" if output in DATA_SECTIONS
                else "bss" if output in BSS_SECTIONS else None)
        if kind is None:
            continue
        parts = stripped.split()
        if len(parts) == 1 and parts[0].startswith("."):
            pending = parts[0]
            continue
        if pending is not None:
            match = entry.match(line)
            pending = None
        elif parts and parts[0].startswith(".") and len(parts) >= 4:
            match = entry.match(" " + " ".join(parts[1:]))
        else:
            match = None
        if match and match.group(3).strip().endswith(")") or (match and ".o" in match.group(3)):
            totals[origin(match.group(3))][kind] += int(match.group(2), 16)
    return totals


def symbol_size(path: pathlib.Path, name: str) -> int:
    for line in run("arm-none-eabi-nm", "-S", str(path)).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[1], 16)
    return 0


def forbidden_references(library: pathlib.Path) -> list[str]:
    found = []
    for line in run("arm-none-eabi-nm", "-u", str(library)).splitlines():
        name = line.split()[-1] if line.strip() else ""
        if FORBIDDEN.match(name):
            found.append(name)
    return sorted(set(found))


def forbidden_symbols(program: pathlib.Path) -> list[str]:
    found = []
    for line in run("arm-none-eabi-nm", str(program)).splitlines():
        name = line.split()[-1] if line.strip() else ""
        if FORBIDDEN.match(name):
            found.append(name)
    return sorted(set(found))


def main() -> int:
    build = pathlib.Path(sys.argv[1])
    failures = []

    library = build / "engine" / "libcobalt.a"
    refs = forbidden_references(library)
    if refs:
        failures.append(f"engine objects reference {', '.join(refs)}")
    print(f"engine objects (libcobalt.a): heap/exception/iostream/locale references: "
          f"{', '.join(refs) if refs else 'none'}")

    rows = []
    for name, title in PROGRAMS:
        program = build / "embedded" / name
        text, data, bss = berkeley(program)
        split = split_by_origin(build / f"{name}.map")
        block = symbol_size(program, "_ZN12_GLOBAL__N_115endpoint_memoryE")
        symbols = forbidden_symbols(program)
        if symbols:
            failures.append(f"{name} links {', '.join(symbols)}")
        rows.append((name, title, text, data, bss, split, block))

    print()
    print(f"{'program':<14} {'text':>7} {'data':>5} {'bss':>6} | {'engine text':>11} "
          f"{'engine RAM':>10} {'Endpoint block':>14} | what")
    for name, title, text, data, bss, split, block in rows:
        engine = split["engine"]
        engine_ram = engine["data"] + engine["bss"] + block
        print(f"{name:<14} {text:>7} {data:>5} {bss:>6} | {engine['text']:>11} "
              f"{engine_ram:>10} {block:>14} | {title}")
    print("(bytes; engine RAM = the Endpoint's block + the engine's own .data/.bss;"
          " the rest of bss is the fake radio's frames and the application)")

    full = next(r for r in rows if r[0] == "size_full")
    engine_text = full[5]["engine"]["text"]
    engine_ram = full[5]["engine"]["data"] + full[5]["engine"]["bss"] + full[6]
    print()
    print(f"aim (client + server core at small capacities): text {engine_text} of {AIM_TEXT} "
          f"({'met' if engine_text <= AIM_TEXT else 'NOT met'}), static RAM {engine_ram} of "
          f"{AIM_RAM} ({'met' if engine_ram <= AIM_RAM else 'NOT met'})")
    if engine_text > MAX_ENGINE_TEXT:
        failures.append(f"engine text {engine_text} > threshold {MAX_ENGINE_TEXT}")
    if engine_ram > MAX_ENGINE_RAM:
        failures.append(f"engine static RAM {engine_ram} > threshold {MAX_ENGINE_RAM}")
    print(f"thresholds: engine text <= {MAX_ENGINE_TEXT}, engine static RAM <= {MAX_ENGINE_RAM}")

    for failure in failures:
        print(f"FAILED: {failure}")
    print("embedded size report: " + ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
