// serve_workers.cpp — run_workers() (see network_commands.hpp): `cobalt serve
// --workers N` as N processes, each a whole server on a socket bound with
// SO_REUSEPORT, and the parent that starts them, passes SIGINT and SIGTERM on
// and stops the rest when one ends.
#include "exit_codes.hpp"
#include "network_commands.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <vector>

namespace cobalt_cli {
namespace {

int exit_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGINT ? exit_code::ok : 1;
}

}  // namespace

int run_workers(unsigned count, const std::function<int()>& serve, std::ostream& err) {
    // The parent takes its signals with sigwait; blocked from before the first
    // fork, so that none is lost (a SIGCHLD included) and no wait can race one.
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGCHLD);
    sigset_t previous;
    ::sigprocmask(SIG_BLOCK, &handled, &previous);
    // A SIGCHLD ignored by whoever started us would reap the workers unseen.
    std::signal(SIGCHLD, SIG_DFL);
    const pid_t parent = ::getpid();
    std::vector<pid_t> workers;
    for (unsigned i = 0; i < count; ++i) {
        err.flush();
        const pid_t child = ::fork();
        if (child < 0) {
            err << "cobalt serve: cannot start worker " << i + 1 << "\n";
            break;
        }
        if (child == 0) {
            // SIGTERM (a service manager stopping the group) stops a worker as
            // SIGINT does: cleanly, exit 0.
            struct sigaction on_interrupt {};
            ::sigaction(SIGINT, nullptr, &on_interrupt);
            ::sigaction(SIGTERM, &on_interrupt, nullptr);
            ::sigprocmask(SIG_SETMASK, &previous, nullptr);
            // A worker never outlives the parent, even one killed with SIGKILL.
            (void)::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) std::_Exit(1);
            const int code = serve();
            err.flush();
            std::_Exit(code);
        }
        workers.push_back(child);
    }

    int result = exit_code::ok;
    bool stopping = false;
    const auto stop_all = [&] {
        if (stopping) return;
        stopping = true;
        for (const pid_t worker : workers)
            if (worker > 0) ::kill(worker, SIGINT);
    };
    if (workers.size() != count) {
        result = 1;
        stop_all();
    }
    std::size_t running = workers.size();
    while (running > 0) {
        int status = 0;
        pid_t ended = 0;
        while (running > 0 && (ended = ::waitpid(-1, &status, WNOHANG)) > 0) {
            for (pid_t& worker : workers) {
                if (worker != ended) continue;
                worker = -1;
                --running;
                const int code = exit_status(status);
                if (code != exit_code::ok && result == exit_code::ok) result = code;
                stop_all();  // one worker ended: the server as a whole stops
            }
        }
        if (running == 0 || ended < 0) break;
        int signal = 0;
        if (::sigwait(&handled, &signal) != 0) break;
        if (signal == SIGINT || signal == SIGTERM) stop_all();
    }
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return result;
}

}  // namespace cobalt_cli
