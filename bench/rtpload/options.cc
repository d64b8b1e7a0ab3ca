// Option table, parser and usage text.
#include "options.h"

#include <charconv>
#include <cstdio>
#include <string_view>
#include <variant>
#include <vector>

#include "sdes.h"

namespace rtpload {
namespace {

struct Flag {
	Mode mode;
};
using Target = std::variant<long Options::*, double Options::*, std::string Options::*,
                            bool Options::*, Flag>;

struct OptionDef {
	const char* name;
	Target target;
	const char* help;
};

const std::vector<OptionDef>& table()
{
	static const std::vector<OptionDef> t = {
	        {"help", Flag{Mode::help}, "print this help"},
	        {"max-rate", Flag{Mode::max_rate},
	         "mode: highest lossless packet rate of one call (doubling, then bisecting)"},
	        {"setup-rate", Flag{Mode::setup_rate},
	         "mode: offer+answer+delete as fast as possible for --duration seconds"},
	        {"ng", &Options::ng, "ADDR:PORT of the relay's ng socket (127.0.0.1:2223)"},
	        {"relay-pid", &Options::relay_pid, "PID whose utime+stime is measured (none)"},
	        {"label", &Options::label, "scenario name for the RESULT line"},
	        {"local", &Options::local, "local address for media and ng (127.0.0.1)"},
	        {"calls", &Options::calls, "calls mode: number of calls (100)"},
	        {"pps", &Options::pps, "calls mode: packets per second per direction (50)"},
	        {"duration", &Options::duration, "measurement window in seconds (10)"},
	        {"warmup", &Options::warmup, "seconds of traffic after all streams flow (1)"},
	        {"flow-timeout", &Options::flow_timeout,
	         "max seconds to wait for all streams (10)"},
	        {"payload", &Options::payload, "RTP payload bytes, at least 24 (160)"},
	        {"port-min", &Options::port_min, "lowest generator port (50000)"},
	        {"port-max", &Options::port_max, "highest generator port (59999)"},
	        {"relay-port-min", &Options::relay_port_min,
	         "relay media ports, for drops (40000)"},
	        {"relay-port-max", &Options::relay_port_max, "(49999)"},
	        {"window", &Options::window, "ng requests in flight (16)"},
	        {"trial", &Options::trial, "max-rate: seconds measured per rate (1)"},
	        {"start-rate", &Options::start_rate,
	         "max-rate: first rate, pps per direction (1000)"},
	        {"rate-limit", &Options::rate_limit, "max-rate: stop doubling here (1000000)"},
	        {"bisect", &Options::bisect, "max-rate: bisection steps after doubling (4)"},
	        {"tick-us", &Options::tick_us,
	         "wake-up period in µs: send/receive batching (1000; max-rate 200)"},
	        {"rcvbuf-kb", &Options::rcvbuf_kb, "generator socket receive buffer (1024)"},
	        {"ng-timeout-ms", &Options::ng_timeout_ms, "ng retransmission timeout (1000)"},
	        {"ng-retries", &Options::ng_retries, "ng retransmissions before giving up (2)"},
	        {"verbose", &Options::verbose, "print every ng request and reply"},
	        {"realtime", &Options::realtime,
	         "run the generator SCHED_FIFO (root): open-loop load on a saturated host"},
	        {"mark-window", &Options::mark_window,
	         "calls mode: print \"WINDOW open\" and \"WINDOW closed\" (flushed) as the "
	         "measured window starts and ends, so an outside meter can measure within it"},
	        {"srtp", &Options::srtp,
	         "none | caller | dtls: the caller offers RTP/SAVP with a fresh a=crypto key "
	         "(caller), or UDP/TLS/RTP/SAVP and does a DTLS-SRTP handshake as the client "
	         "(dtls), "
	         "and asks for plain RTP/AVP towards the callee (none)"},
	        {"srtp-suite", &Options::srtp_suite,
	         "the suite the SRTP caller offers (AES_CM_128_HMAC_SHA1_80)"},
	};
	return t;
}

Result<void> assign(Options& o, const OptionDef& def, std::string_view value)
{
	auto bad = [&] {
		return Error{"bad value '" + std::string(value) + "' for --" + def.name};
	};
	const char* b = value.data();
	const char* e = b + value.size();
	if (auto* m = std::get_if<long Options::*>(&def.target)) {
		auto [p, ec] = std::from_chars(b, e, o.*(*m));
		if (ec != std::errc() || p != e)
			return bad();
	} else if (auto* d = std::get_if<double Options::*>(&def.target)) {
		auto [p, ec] = std::from_chars(b, e, o.*(*d));
		if (ec != std::errc() || p != e)
			return bad();
	} else if (auto* s = std::get_if<std::string Options::*>(&def.target)) {
		o.*(*s) = std::string(value);
	}
	return {};
}

} // namespace

Result<Options> parse_options(int argc, char** argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		std::string_view arg = argv[i];
		if (!arg.starts_with("--"))
			return Error{"unexpected argument '" + std::string(arg) + "'"};
		arg.remove_prefix(2);
		size_t eq = arg.find('=');
		std::string_view name = arg.substr(0, eq);
		const OptionDef* def = nullptr;
		for (const OptionDef& d : table())
			if (name == d.name)
				def = &d;
		if (!def)
			return Error{"unknown option --" + std::string(name)};
		if (auto* f = std::get_if<Flag>(&def->target)) {
			o.mode = f->mode;
			continue;
		}
		if (auto* b = std::get_if<bool Options::*>(&def->target)) {
			o.*(*b) = true;
			continue;
		}
		std::string_view value;
		if (eq != std::string_view::npos)
			value = arg.substr(eq + 1);
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return Error{"--" + std::string(name) + " needs a value"};
		if (auto r = assign(o, *def, value); !r)
			return r.error();
		if (name == "tick-us")
			o.tick_us_set = true;
	}
	if (o.calls < 1 || o.pps <= 0 || o.duration <= 0 || o.payload < 24 || o.payload > 1400 ||
	    o.window < 1 || o.port_min < 1 || o.port_max > 65535 || o.port_min > o.port_max)
		return Error{"option out of range (see --help)"};
	if (o.srtp != "none" && o.srtp != "caller" && o.srtp != "dtls")
		return Error{"--srtp is none, caller or dtls"};
	if (!find_srtp_suite(o.srtp_suite))
		return Error{"--srtp-suite is one of " + srtp_suite_names()};
	return o;
}

void print_usage(const char* argv0)
{
	printf("usage: %s [--max-rate | --setup-rate] --ng=ADDR:PORT [--relay-pid=PID] "
	       "[options]\n\nWithout a mode option: --calls N calls at --pps packets/s per "
	       "direction for --duration s.\n\n",
	       argv0);
	for (const OptionDef& d : table())
		printf("  --%-16s %s\n", d.name, d.help);
	printf("\nSRTP suites: %s\n", srtp_suite_names().c_str());
}

} // namespace rtpload
