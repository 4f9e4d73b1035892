// bench/codec_main.cpp — codec_bench: cobalt's codec vs libcoap's, parse and
// write, on the same three messages. Cross-checks both codecs, then hands over
// to the shared runner.
#include "alloc_window.hpp"
#include "bench_suite.hpp"
#include "codec_bench.hpp"
#include "codec_check.hpp"
#include "codec_samples.hpp"
#include "libcoap_codec.hpp"

#include <ostream>
#include <vector>

namespace {

/// One libcoap PDU allocation, for the allocation counter's self-check.
void allocate_one_pdu() {
    const bench::libcoap_codec::Pdu probe(64);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<bench::Sample>& samples = bench::samples();
    std::vector<bench::ByteVector> encodings;  // verified bytes; outlives the run

    bench::Suite suite;
    suite.program = "codec_bench";
    suite.summary = "cobalt vs libcoap, parse and write, on the same bytes.";
    suite.subject_title = "Message";
    for (const bench::Sample& sample : samples)
        suite.subjects.push_back(bench::Subject{sample.name, sample.description});
    suite.operations = {"parse", "write"};
    suite.prepare = [&](std::ostream& err) {
        bench::libcoap_codec::startup();
        if (!bench::verify_alloc_counter(err, allocate_one_pdu)) {
            err << "codec_bench: allocation counting is broken in this build\n";
            return false;
        }
        if (!bench::verify_codecs(samples, encodings, err)) {
            err << "codec_bench: cobalt and libcoap disagree on the samples\n";
            return false;
        }
        bench::register_codec_benchmarks(samples, encodings);
        return true;
    };
    return bench::run_suite(suite, argc, argv);
}
