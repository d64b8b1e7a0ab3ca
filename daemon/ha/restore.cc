// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/restore.h"

#include <algorithm>
#include <functional>
#include <future>
#include <map>
#include <memory>

#include "call/media_dtls.h"
#include "call/signalling.h"
#include "ha/call_document.h"
#include "ng/flags.h"
#include "ng/json.h"
#include "sdp/parser.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ha {
namespace {

constexpr auto kLog = log::Subsystem::kControl;

// One request of the journal run again: an offer, an answer or the delete of one party; on
// the call's loop.
Result<void> replay(call::Call& c, const std::string& request, const call::SignalContext& ctx)
{
	Arena arena;
	auto params = ng::json_decode(request, arena);
	if (!params)
		return params.error();
	auto command = params->get_string("command");
	std::string_view name = command ? *command : std::string_view();
	auto flags = ng::parse_flags(*params);
	if (!flags)
		return flags.error();
	const call::SignalOptions& o = flags->options;
	if (name == "delete") { // journaled only when it ended one party
		if (!c.remove_named(o.from_tag, o.to_tag, o.via_branch))
			return Error{"a delete of one party that names none"};
		return {};
	}
	bool offer = name == "offer";
	if (!offer && name != "answer")
		return Error{"a request that is neither offer, answer nor delete"};
	auto session = sdp::parse(flags->sdp);
	if (!session)
		return session.error();
	auto r = offer ? call::offer(c, flags->options, std::move(*session), ctx)
	               : call::answer(c, flags->options, std::move(*session), ctx);
	if (!r)
		return r.error();
	return {};
}

// The endpoints its parties' packets had proved, on the streams the requests rebuilt; one
// whose party or m= line is gone (not expected: the same requests ran) is skipped.
void restore_endpoints(call::Call& c, const std::vector<LearnedEndpoint>& endpoints)
{
	for (const LearnedEndpoint& e : endpoints) {
		call::Monologue* ml = c.find(e.tag);
		auto ep = net::Endpoint::parse(e.address, net::IpAddress::loopback_v4());
		if (!ml || !ep)
			continue;
		for (auto& m : ml->medias)
			if (m->index == e.media)
				(e.rtcp ? m->rtcp : m->rtp).learning.restore(*ep);
	}
}

// The pairs the parties' ICE checks had selected; the streams follow them at once.
void restore_ice(call::Call& c, const std::vector<IceSelection>& selections)
{
	int64_t now = util::now_ms();
	for (const IceSelection& sel : selections) {
		call::Monologue* ml = c.find(sel.tag);
		auto ep = net::Endpoint::parse(sel.address, net::IpAddress::loopback_v4());
		if (!ml || !ep)
			continue;
		for (auto& m : ml->medias) {
			if (m->index != sel.media || !m->ice)
				continue;
			m->ice->restore(static_cast<unsigned>(sel.component),
			                static_cast<size_t>(sel.local), *ep, sel.nominated, now);
			for (call::Stream* s : {&m->rtp, &m->rtcp})
				if (s->ice)
					s->follow_ice_if_moved();
		}
	}
}

// The sessions of m= lines a DTLS association had keyed, keyed again with its keys.
void restore_dtls(call::Call& c, const std::vector<DtlsKeys>& keys)
{
	for (const DtlsKeys& k : keys) {
		call::Monologue* ml = c.find(k.tag);
		const sdp::SrtpSuite* suite = sdp::find_srtp_suite(k.suite);
		if (!ml || !suite)
			continue;
		auto span = [](const std::string& b) {
			return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()),
			                                b.size());
		};
		for (auto& m : ml->medias)
			if (m->index == k.media)
				if (auto r = call::dtls_resume_keys(*m, *suite, span(k.local),
				                                    span(k.remote));
				    !r)
					log::warn(kLog, "call %s, m= line %d: %s",
					          printable(c.id()).c_str(), k.media,
					          r.error().reason.c_str());
	}
}

// Sessions continue where the document saw them: the rollover counters, and each SRTCP index
// this far past the one written (the relay may have sent that many since the write: the call
// is written again whenever an index grew by SrtpSession::kSrtcpStep, checked each second),
// so that no index protects a second packet.
constexpr uint32_t kSrtcpMargin = 1u << 16;

void restore_srtp(call::Call& c, const std::vector<SrtpProgress>& progress)
{
	for (const SrtpProgress& p : progress) {
		call::Monologue* ml = c.find(p.tag);
		if (!ml)
			continue;
		for (auto& m : ml->medias) {
			auto& session = p.outbound ? m->encrypt : m->decrypt;
			if (m->index != p.media || !session)
				continue;
			if (p.has_rtp) // fails only for an SSRC seen twice in one document: keep
			               // the first
				(void)session->resume({p.ssrc, p.roc, p.seq});
			uint32_t srtcp = p.srtcp_index > 0x7fffffffu - kSrtcpMargin
			                         ? 0x7fffffffu
			                         : p.srtcp_index + kSrtcpMargin;
			if (p.has_srtcp && p.outbound)
				session->advance({p.ssrc, 0, 0, false, true, srtcp});
		}
	}
}

// The whole call, on its loop: the journal first, so that the requests take its choices.
Result<void> rebuild(call::Call& c, const CallDocument& doc, const call::SignalContext& ctx)
{
	c.journal = call::Journal({}, doc.leases, doc.secrets);
	for (const std::string& request : doc.requests) {
		if (auto r = replay(c, request, ctx); !r)
			return r;
		c.journal.add_request(request);
	}
	c.last_signal_ms = doc.last_signal_ms;
	restore_endpoints(c, doc.endpoints);
	restore_ice(c, doc.ice);
	restore_dtls(c, doc.dtls); // before the SRTP progress: it continues these sessions
	restore_srtp(c, doc.srtp);
	if (c.journal.unused())
		return Error{"its requests did not ask for every port and secret it had"};
	return {};
}

} // namespace

namespace {

struct Pending {
	std::string call_id;
	std::future<Result<void>> done;
};

// The calls to rebuild on one media loop, a batch at a time: between batches the loop
// forwards the media of the calls already rebuilt, where one long piece of work would hold
// every call's packets until the last call is rebuilt.
struct LoopWork {
	static constexpr size_t kBatch = 32;
	std::vector<std::function<void()>> calls;
	size_t next = 0;

	static void run(const std::shared_ptr<LoopWork>& w, event::Loop& loop)
	{
		for (size_t end = std::min(w->next + kBatch, w->calls.size()); w->next < end;)
			w->calls[w->next++]();
		if (w->next < w->calls.size())
			loop.post([w, &loop] { run(w, loop); });
	}
};

} // namespace

RestoreReport restore_calls(call::Registry& calls,
                            const std::vector<std::pair<std::string, std::string>>& documents)
{
	RestoreReport report;
	std::vector<Pending> pending;
	std::map<media::MediaLoop*, std::shared_ptr<LoopWork>> work;
	for (const auto& [key, text] : documents) {
		auto doc = read_document(text);
		if (!doc || calls.find(doc->call_id)) {
			log::err(kLog, "call state %s not restored: %s", key.c_str(),
			         doc ? "a second document for its call-id"
			             : doc.error().reason.c_str());
			report.failed++;
			continue;
		}
		call::Registry::Handle& h = calls.create(doc->call_id, doc->created_ms);
		auto promise = std::make_shared<std::promise<Result<void>>>();
		pending.push_back({doc->call_id, promise->get_future()});
		call::SignalContext ctx{calls.config(), calls.interfaces(), util::now_ms(),
		                        calls.own_endpoints(), calls.dtls()};
		auto& w = work[h.loop];
		if (!w)
			w = std::make_shared<LoopWork>();
		w->calls.emplace_back([c = h.call, promise, doc = std::move(*doc), ctx] {
			log::CallScope scope(c->id());
			promise->set_value(rebuild(*c, doc, ctx));
		});
	}
	// Posted after the calls' registration with their loops (Registry::create), which
	// runs first.
	for (auto& [loop, w] : work)
		loop->loop().post([w = w, l = &loop->loop()] { LoopWork::run(w, *l); });
	for (Pending& p : pending) {
		Result<void> r = p.done.get();
		log::CallScope scope(p.call_id);
		if (r) {
			calls.mark_established(*calls.find(p.call_id));
			report.restored++;
			continue;
		}
		// The document stays in Redis (it expires there).
		log::err(kLog, "call not restored: %s", r.error().reason.c_str());
		calls.destroy(p.call_id, "not restored: " + r.error().reason);
		report.failed++;
	}
	return report;
}

} // namespace rtprelay::ha
