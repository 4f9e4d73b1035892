#!/usr/bin/env python3
"""check_misuse.py — compiles misuse.cpp once per case with the project's C++
compiler: case 0 must compile, every other case must fail with its message.
Usage: check_misuse.py SOURCE -- COMPILER [ARGS...]"""
import subprocess
import sys

CASES = {
    1: "block2 cannot be combined with multicast",
    2: "block2 cannot be combined with multicast",
    3: "block1 needs a payload",
    4: "SendDescriptor",
    5: "emit_successful_collected_response() must come after block2()",
    6: "emit_successful_collected_response() must come after block2()",
    7: "emit_successful_collected_response() cannot be wrapped by for_each_block",
    8: "multicast() must come before emit_successful_collected_response()",
}


def compile_case(source, compiler, case):
    command = compiler + ["-std=c++20", "-fsyntax-only", f"-DCASE={case}", source]
    return subprocess.run(command, capture_output=True, text=True)


def main():
    split = sys.argv.index("--")
    source = sys.argv[1]
    compiler = sys.argv[split + 1:]
    failures = 0
    control = compile_case(source, compiler, 0)
    if control.returncode != 0:
        print("control case 0 does not compile:\n" + control.stderr[:4000])
        return 1
    print("case 0 compiles")
    for case, message in CASES.items():
        result = compile_case(source, compiler, case)
        if result.returncode == 0:
            print(f"case {case} compiled, but must not")
            failures += 1
        elif message not in result.stderr:
            print(f"case {case} failed without '{message}':\n" + result.stderr[:2000])
            failures += 1
        else:
            print(f"case {case} refused: {message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
