// bench/uri_main.cpp — uri_bench: cobalt's CoAP URI handling vs libcoap's,
// parse and parse-plus-options, on the same three URIs. Cross-checks both
// libraries, then hands over to the shared runner.
#include "alloc_window.hpp"
#include "bench_suite.hpp"
#include "libcoap_uri.hpp"
#include "uri_bench.hpp"
#include "uri_check.hpp"
#include "uri_samples.hpp"

#include <ostream>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<bench::UriSample>& samples = bench::uri_samples();

    bench::Suite suite;
    suite.program = "uri_bench";
    suite.summary = "cobalt vs libcoap, URI parse and parse + Uri-* options, on the same URIs.";
    suite.subject_title = "URI";
    for (const bench::UriSample& sample : samples)
        suite.subjects.push_back(bench::Subject{sample.name, sample.description});
    suite.operations = {"parse", "options"};
    suite.prepare = [&](std::ostream& err) {
        bench::libcoap_uri::startup();
        if (!bench::verify_alloc_counter(err, bench::libcoap_uri::allocate_optlist)) {
            err << "uri_bench: allocation counting is broken in this build\n";
            return false;
        }
        if (!bench::verify_uris(samples, err)) {
            err << "uri_bench: the URI cross-check failed\n";
            return false;
        }
        bench::register_uri_benchmarks(samples);
        return true;
    };
    return bench::run_suite(suite, argc, argv);
}
