// rtpload: load generator for ng-controlled RTP relays (rtprelayd, rtpengine). Plays both
// endpoints of every call on one thread; see bench/README.md for scenarios and metrics.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "modes.h"
#include "srtp_session.h"
#include "udp_socket.h"

using namespace rtpload;

namespace {

// Two sockets per call plus a few; the soft limit goes up to the hard one.
bool raise_fd_limit(size_t needed)
{
	rlimit rl{};
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur >= needed;
}

bool ping_relay(NgClient& ng)
{
	bool pong = false;
	BValue ping = BValue::dict();
	ping.add("command", BValue::str("ping"));
	ng.submit(ping, [&](Result<BValue> reply, int64_t) {
		pong = reply && reply->get_str("result") == "pong";
	});
	while (ng.outstanding() > 0)
		ng.poll(100);
	return pong;
}

} // namespace

int main(int argc, char** argv)
{
	auto opt = parse_options(argc, argv);
	if (!opt) {
		fprintf(stderr, "rtpload: %s\n", opt.error().reason.c_str());
		return 2;
	}
	if (opt->mode == Mode::help) {
		print_usage(argv[0]);
		return 0;
	}
	setvbuf(stdout, nullptr, _IOLBF, 0);
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); // wake-ups within 1 µs, not the default 50
	if (opt->realtime) {
		sched_param sp{};
		sp.sched_priority = 1;
		if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
			fprintf(stderr, "rtpload: SCHED_FIFO: %s (continuing)\n", strerror(errno));
	}
	size_t fds = opt->mode == Mode::calls ? 2 * static_cast<size_t>(opt->calls) + 64 : 64;
	if (!raise_fd_limit(fds)) {
		fprintf(stderr, "rtpload: RLIMIT_NOFILE is below the %zu descriptors needed\n",
		        fds);
		return 1;
	}
	if (opt->srtp != "none") {
		if (auto r = srtp_library_init(); !r) {
			fprintf(stderr, "rtpload: %s\n", r.error().reason.c_str());
			return 1;
		}
	}
	auto local = parse_ipv4(opt->local);
	auto relay = parse_ipv4_endpoint(opt->ng);
	if (!local || !relay) {
		fprintf(stderr, "rtpload: %s\n",
		        (!local ? local.error() : relay.error()).reason.c_str());
		return 2;
	}

	NgConfig nc;
	nc.relay = *relay;
	nc.local = *local;
	nc.port_min = static_cast<uint32_t>(opt->port_min);
	nc.port_max = static_cast<uint32_t>(opt->port_max);
	nc.timeout_ms = static_cast<int>(opt->ng_timeout_ms);
	nc.retries = static_cast<int>(opt->ng_retries);
	nc.verbose = opt->verbose;
	auto ng = NgClient::create(nc);
	if (!ng) {
		fprintf(stderr, "rtpload: %s\n", ng.error().reason.c_str());
		return 1;
	}
	if (!ping_relay(**ng)) {
		fprintf(stderr, "rtpload: no pong from the relay at %s\n", opt->ng.c_str());
		return 1;
	}

	Context ctx{*opt, *local, **ng,
	            std::to_string(getpid()) + "-" + std::to_string(time(nullptr))};
	std::optional<DtlsParty> dtls;
	if (opt->srtp == "dtls") {
		if (opt->mode != Mode::calls) {
			fprintf(stderr, "rtpload: --srtp=dtls is for the calls mode\n");
			return 2;
		}
		auto party = DtlsParty::create();
		if (!party) {
			fprintf(stderr, "rtpload: %s\n", party.error().reason.c_str());
			return 1;
		}
		dtls = std::move(*party);
		ctx.dtls = &*dtls;
	}
	switch (opt->mode) {
	case Mode::max_rate: return run_max_rate(ctx);
	case Mode::setup_rate: return run_setup_rate(ctx);
	default: return run_calls(ctx);
	}
}
