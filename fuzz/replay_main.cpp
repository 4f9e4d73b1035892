// fuzz/replay_main.cpp — the corpus replay driver linked into fuzz targets when
// libFuzzer is not (-Dfuzzing=false). Owns only input discovery and reading:
// every argument is a file or a directory (walked recursively); all files are
// run through LLVMFuzzerTestOneInput in sorted path order. Exits non-zero when
// an argument is missing or no input was found, so an empty corpus fails.
#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// The input being run, for the crash message (written from a signal handler).
char current_input[4096];

extern "C" void report_crash(int signal_number) {
    const char prefix[] = "replay: crashed on input ";
    ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, current_input, std::strlen(current_input));
    ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

bool collect(const fs::path& path, std::vector<fs::path>& out) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
        for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
             it.increment(error)) {
            if (it->is_regular_file(error)) out.push_back(it->path());
        }
    } else if (fs::is_regular_file(path, error)) {
        out.push_back(path);
    } else {
        std::fprintf(stderr, "replay: %s: not a file or directory\n", path.c_str());
        return false;
    }
    if (error) {
        std::fprintf(stderr, "replay: %s: %s\n", path.c_str(), error.message().c_str());
        return false;
    }
    return true;
}

bool read_file(const fs::path& path, std::vector<std::uint8_t>& bytes) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return false;
    file.seekg(0, std::ios::end);
    const std::streamoff length = file.tellg();
    if (length < 0) return false;
    file.seekg(0, std::ios::beg);
    bytes.assign(static_cast<std::size_t>(length), 0);
    if (length > 0) file.read(reinterpret_cast<char*>(bytes.data()), length);
    return static_cast<bool>(file);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> inputs;
    bool ok = true;
    for (int i = 1; i < argc; ++i)
        ok = collect(argv[i], inputs) && ok;
    if (!ok) return 2;
    std::sort(inputs.begin(), inputs.end());
    if (inputs.empty()) {
        std::fprintf(stderr, "replay: no inputs found (an empty corpus is an error)\n");
        return 1;
    }

    for (int s : {SIGABRT, SIGSEGV, SIGILL, SIGFPE, SIGBUS})
        std::signal(s, report_crash);
    for (const fs::path& path : inputs) {
        const std::string name = path.string();
        std::snprintf(current_input, sizeof current_input, "%s", name.c_str());
        std::vector<std::uint8_t> bytes;  // fresh and exact-size, like libFuzzer's copy
        if (!read_file(path, bytes)) {
            std::fprintf(stderr, "replay: cannot read %s\n", name.c_str());
            return 2;
        }
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("replay: %zu inputs ran\n", inputs.size());
    return 0;
}
