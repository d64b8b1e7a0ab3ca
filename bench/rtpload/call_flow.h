// Runs ng call flows (offer → answer → delete, or any prefix/suffix of that) for many calls at
// once, keeping at most `window` calls with a request outstanding. Used to set up and tear down
// the media scenarios' calls and, back to back, by the setup-rate scenario.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ng_client.h"
#include "ng_requests.h"
#include "sdes.h"
#include "sdp.h"

namespace rtpload {

enum class Step { offer, answer, del };
constexpr size_t kSteps = 3;
const char* step_name(Step s);

struct FlowSpec {
	size_t tag = 0; // caller's index, handed back in the outcome
	CallIds ids;
	std::string local_addr;
	uint16_t caller_port = 0; // the caller's SDP port (offer)
	uint16_t callee_port = 0; // the callee's SDP port (answer)
	std::vector<Step> steps;
	// With a suite: the caller offers RTP/SAVP with this key and asks for plain RTP/AVP
	// towards the callee; the replies must show that translation (see run_flows).
	SdesKey caller_key;
	// Not empty: the caller offers DTLS-SRTP (UDP/TLS/RTP/SAVP, a=setup:active) with this
	// a=fingerprint instead, and plain RTP/AVP towards the callee.
	std::string caller_fingerprint;
};

struct FlowOutcome {
	bool ok = true;
	Step failed_step = Step::offer;
	std::string error;
	MediaEndpoint offer_media;             // from the offer reply: where the callee sends
	MediaEndpoint answer_media;            // from the answer reply: where the caller sends
	std::array<int64_t, kSteps> step_ns{}; // request → reply time per step (0 if not run)
};

using FlowSource = std::function<std::optional<FlowSpec>()>;
using FlowSink = std::function<void(const FlowSpec&, FlowOutcome&&)>;

// Starts flows from `next` (until it returns nullopt or `stop_issuing_ns` passes) and reports
// each finished flow to `done`. With an SRTP caller, a flow fails unless the offer's reply
// (towards the callee) is RTP/AVP without a=crypto and the answer's (towards the caller)
// RTP/SAVP with one; with a DTLS caller, unless the answer is UDP/TLS/RTP/SAVP, passive, with
// the relay's a=fingerprint. Returns when nothing is outstanding or `give_up_ns` passes.
void run_flows(NgClient& ng, size_t window, const FlowSource& next, const FlowSink& done,
               int64_t stop_issuing_ns, int64_t give_up_ns);

} // namespace rtpload
