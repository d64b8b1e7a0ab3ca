// What the three scenarios share: the run context, call naming, setting up and deleting the
// media calls over ng, the measurement window (relay CPU, generator CPU, socket drops) and the
// media metrics every media scenario reports.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dtls_party.h"
#include "media_engine.h"
#include "ng_client.h"
#include "ng_requests.h"
#include "options.h"
#include "report.h"
#include "sdes.h"

namespace rtpload {

struct Context {
	const Options& opt;
	in_addr local{};
	NgClient& ng;
	std::string run_id;              // makes call-ids unique across runs against one relay
	const DtlsParty* dtls = nullptr; // --srtp=dtls: the caller's DTLS identity
};

CallIds call_ids(const Context& ctx, size_t call);
// A fresh key for the caller's offer with --srtp=caller; without, an SdesKey with no suite.
Result<SdesKey> caller_key(const Context& ctx);

struct CallSetup {
	std::vector<size_t> ok_calls; // call numbers, for call_ids() and delete_calls()
	size_t failed = 0;
	std::string first_error;
	double seconds = 0;
};

// Offer + answer for calls first..first+n-1, call first+k using engine endpoints 2k/2k+1;
// pairs every call that succeeded with the relay ports from the rewritten SDPs, and with
// --srtp=caller gives endpoint 2k its SRTP sessions (--srtp=dtls: keyed by its handshake).
CallSetup setup_media_calls(Context& ctx, MediaEngine& engine, size_t first, size_t n);
// Deletes the given calls; returns how many deletes failed (first reason in `first_error`).
size_t delete_calls(Context& ctx, const std::vector<size_t>& calls, std::string& first_error);

// Relay and generator CPU between start() and stop(). Socket drops come from read_drops(),
// called after the in-flight packets have drained: the generator's own sockets (SO_MEMINFO,
// cheap) since start(), and sockets in the relay's port range (/proc/net/udp, which is slow to
// read with thousands of sockets, so only read outside the window) since they were created.
class Measure {
public:
	void start(const Context& ctx, const MediaEngine* engine = nullptr);
	void stop(const Context& ctx);
	void read_drops(const Context& ctx, const MediaEngine& engine);

	double seconds = 0;
	double relay_cpu_s = 0; // NaN without --relay-pid
	double gen_cpu_s = 0;
	uint64_t gen_drops = 0;   // drops on the generator's sockets (its own receive queues)
	uint64_t relay_drops = 0; // drops on sockets in the relay's port range

private:
	int64_t t0_ = 0;
	double relay0_ = 0, gen0_ = 0;
	uint64_t gen_drops0_ = 0;
};

void add_media_metrics(Report& r, const WindowTotals& t, const Histogram& latency, const Measure& m,
                       int64_t max_lag_ns);

} // namespace rtpload
