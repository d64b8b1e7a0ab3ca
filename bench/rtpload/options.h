// rtpload's command line: one option table feeds the parser and --help.
#pragma once

#include <string>

#include "result.h"

namespace rtpload {

enum class Mode { calls, max_rate, setup_rate, help };

struct Options {
	Mode mode = Mode::calls;
	std::string ng = "127.0.0.1:2223";
	std::string local = "127.0.0.1";
	std::string label;  // scenario name in the RESULT line
	long relay_pid = 0; // 0: no relay CPU figures
	long calls = 100;
	double pps = 50; // per direction of each call
	double duration = 10;
	double warmup = 1; // after every stream flows, before measuring
	double flow_timeout = 10;
	long payload = 160;
	long port_min = 50000;
	long port_max = 59999;
	long relay_port_min = 40000; // only for attributing socket drops
	long relay_port_max = 49999;
	long window = 16;
	double trial = 1;
	double start_rate = 1000;
	double rate_limit = 1'000'000;
	long bisect = 4;
	long tick_us = 1000; // max-rate uses 200 unless given
	bool tick_us_set = false;
	long rcvbuf_kb = 1024;
	long ng_timeout_ms = 1000;
	long ng_retries = 2;
	bool verbose = false;
	bool realtime = false;     // SCHED_FIFO: offered load independent of the relay's CPU use
	bool mark_window = false;  // "WINDOW open"/"WINDOW closed" on stdout around the window
	std::string srtp = "none"; // "caller": the caller side of every call speaks SDES-SRTP;
	                           // "dtls": DTLS-SRTP (AES_CM_128_HMAC_SHA1_80)
	std::string srtp_suite = "AES_CM_128_HMAC_SHA1_80";
};

Result<Options> parse_options(int argc, char** argv);
void print_usage(const char* argv0);

} // namespace rtpload
