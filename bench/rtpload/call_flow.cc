// Windowed ng call flows: each flow submits its next step from the previous step's callback.
#include "call_flow.h"

#include <list>
#include <memory>

#include "clock.h"

namespace rtpload {

const char* step_name(Step s)
{
	switch (s) {
	case Step::offer: return "offer";
	case Step::answer: return "answer";
	case Step::del: return "delete";
	}
	return "?";
}

namespace {

struct ActiveFlow {
	FlowSpec spec;
	FlowOutcome out;
	size_t next_step = 0;
	bool finished = false;
};

BValue request_for(const FlowSpec& f, Step s)
{
	static uint64_t session_id = 1;
	switch (s) {
	case Step::offer:
		if (!f.caller_fingerprint.empty())
			return make_offer(f.ids,
			                  make_pcmu_sdp(f.local_addr, f.caller_port, session_id++,
			                                {}, f.caller_fingerprint),
			                  "RTP/AVP");
		if (f.caller_key.suite)
			return make_offer(f.ids,
			                  make_pcmu_sdp(f.local_addr, f.caller_port, session_id++,
			                                crypto_attribute(f.caller_key)),
			                  "RTP/AVP");
		return make_offer(f.ids, make_pcmu_sdp(f.local_addr, f.caller_port, session_id++));
	case Step::answer:
		return make_answer(f.ids, make_pcmu_sdp(f.local_addr, f.callee_port, session_id++));
	case Step::del: return make_delete(f.ids);
	}
	return {};
}

// Checks one reply; on success records what the step learned.
void absorb_reply(ActiveFlow& f, Step s, Result<BValue>& reply, int64_t elapsed_ns)
{
	f.out.step_ns[static_cast<size_t>(s)] = elapsed_ns;
	auto fail = [&](std::string why) {
		f.out.ok = false;
		f.out.failed_step = s;
		f.out.error = std::string(step_name(s)) + ": " + why;
	};
	if (!reply)
		return fail(reply.error().reason);
	std::string_view result = reply->get_str("result");
	if (result != "ok")
		return fail("result '" + std::string(result) + "' " +
		            std::string(reply->get_str("error-reason")));
	if (s == Step::del)
		return;
	auto media = parse_audio_endpoint(reply->get_str("sdp"));
	if (!media)
		return fail(media.error().reason);
	if (f.spec.caller_key.suite) {
		const char* want = s == Step::offer ? "RTP/AVP" : "RTP/SAVP";
		if (media->proto != want)
			return fail("the relay's SDP says " + media->proto + ", not " + want);
		if (s == Step::offer && !media->crypto.empty())
			return fail("a=crypto towards the plain callee");
		if (s == Step::answer && media->crypto.empty())
			return fail("no a=crypto towards the SRTP caller");
	}
	if (!f.spec.caller_fingerprint.empty()) {
		const char* want = s == Step::offer ? "RTP/AVP" : "UDP/TLS/RTP/SAVP";
		if (media->proto != want)
			return fail("the relay's SDP says " + media->proto + ", not " + want);
		if (s == Step::answer && (media->setup != "passive" || media->fingerprint.empty()))
			return fail(
			        "the answer to the DTLS caller is not passive with a fingerprint");
	}
	(s == Step::offer ? f.out.offer_media : f.out.answer_media) = std::move(*media);
}

} // namespace

void run_flows(NgClient& ng, size_t window, const FlowSource& next, const FlowSink& done,
               int64_t stop_issuing_ns, int64_t give_up_ns)
{
	std::list<ActiveFlow> active;
	bool source_open = true;

	std::function<void(ActiveFlow&)> advance = [&](ActiveFlow& f) {
		if (!f.out.ok || f.next_step == f.spec.steps.size()) {
			f.finished = true;
			return;
		}
		Step s = f.spec.steps[f.next_step++];
		ng.submit(request_for(f.spec, s),
		          [&f, s, &advance](Result<BValue> reply, int64_t ns) {
			          absorb_reply(f, s, reply, ns);
			          advance(f);
		          });
	};

	for (;;) {
		// Finished calls leave first, so that their places are refilled before the wait:
		// otherwise, with one call in flight, the next waited for poll()'s timeout.
		for (auto it = active.begin(); it != active.end();) {
			if (!it->finished) {
				++it;
				continue;
			}
			done(it->spec, std::move(it->out));
			it = active.erase(it);
		}
		while (source_open && active.size() < window) {
			if (mono_ns() >= stop_issuing_ns) {
				source_open = false;
				break;
			}
			std::optional<FlowSpec> spec = next();
			if (!spec) {
				source_open = false;
				break;
			}
			active.push_back(ActiveFlow{std::move(*spec), {}, 0, false});
			advance(active.back());
		}
		if (active.empty() && !source_open)
			return;
		if (mono_ns() >= give_up_ns) {
			ng.cancel_all(); // their callbacks reference `active`
			for (ActiveFlow& f : active) {
				f.out.ok = false;
				f.out.failed_step = f.spec.steps[f.next_step - 1];
				f.out.error = "gave up waiting for a reply";
				done(f.spec, std::move(f.out));
			}
			return;
		}
		ng.poll(50);
	}
}

} // namespace rtpload
