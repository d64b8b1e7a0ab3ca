// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/signalling_command.h"

#include "call/registry.h"
#include "call/signalling.h"
#include "ng/flags.h"
#include "ng/json.h"
#include "sdp/parser.h"
#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::ng {

std::string join_warnings(const std::vector<std::string>& unknown_flags,
                          const std::vector<std::string>& warnings)
{
	std::string out;
	if (!unknown_flags.empty()) {
		out = "unknown flag(s) ignored: ";
		for (size_t i = 0; i < unknown_flags.size(); i++)
			out += (i ? ", " : "") + unknown_flags[i];
	}
	for (const auto& w : warnings)
		out += (out.empty() ? "" : "; ") + w;
	return out;
}

namespace {

// The call an offer or answer signals: an offer creates one that does not exist yet.
Result<call::Registry::Handle*> handle_for(call::Registry& reg, const std::string& call_id,
                                           bool is_offer)
{
	if (call::Registry::Handle* h = reg.find(call_id))
		return h;
	if (!is_offer)
		return Error{"Unknown call-id"};
	return &reg.create(call_id);
}

// An offer that would create a call while the relay is draining or at a limit gets rtpengine's
// answer: `load limit` with the reason for a client that understands it, else the error that
// OpenSIPS and older Kamailio fail over to the next relay on. Returns whether it refused.
bool refuse_new_call(Request& request, call::Registry& reg, const Completion& done)
{
	call::Refusal refusal = reg.admission().admit(reg.size());
	if (refusal == call::Refusal::kNone)
		return false;
	if (refusal == call::Refusal::kSessions || refusal == call::Refusal::kDraining)
		reg.count_rejected(); // rtpengine's rejectedsessions counts the session limit only
	if (!supports_load_limit(request.params)) {
		done(Error{std::string(call::Admission::message(call::Refusal::kSessions))});
		return true;
	}
	Value reply = Value::dict(request.arena);
	reply.set("result", Value::string("load limit"));
	reply.set("message", Value::string(call::Admission::message(refusal)));
	done(reply);
	return true;
}

// Back on the control thread: the signalling that ran on call `serial` is no longer in
// flight. A failed offer removes a call no offer ever succeeded on, once no other offer or
// answer for it is pending (one may still succeed). Returns the reply's outcome.
Result<void> settle(call::Registry& reg, const std::string& call_id, uint64_t serial,
                    const Result<call::SignalResult>& r, bool is_offer)
{
	call::Registry::Handle* h = reg.find(call_id);
	if (!h || h->serial != serial) {
		// Deleted while this ran: "ok" would send the parties to sockets that are gone.
		if (!r)
			return r.error();
		return Error{is_offer ? "the call was deleted while the offer was processed"
		                      : "the call was deleted while the answer was processed"};
	}
	h->in_flight--;
	if (r) {
		reg.mark_established(*h);
		return {};
	}
	if (is_offer && !h->established && h->in_flight == 0) {
		reg.destroy(call_id, "offer failed: " + r.error().reason);
		reg.count_rejected();
	}
	return r.error();
}

// What an offer or answer's work on the call's loop gives back.
struct Outcome {
	Result<call::SignalResult> result;
	bool replied = false; // the reply went out from the loop (ng/command.h EarlyReply)
};

Value ok_reply(Arena& arena, const call::SignalResult& r, const std::vector<std::string>& unknown)
{
	Value reply = Value::dict(arena);
	reply.set("result", Value::string("ok"));
	reply.set("sdp", Value::string(arena.copy(r.sdp)));
	std::string warning = join_warnings(unknown, r.warnings);
	if (!warning.empty())
		reply.set("warning", Value::string(arena.copy(warning)));
	return reply;
}

} // namespace

bool supports_load_limit(const Value& params)
{
	const Value* v = find_key(params, "supports");
	if (!v || !v->is_list())
		return false;
	for (const Value& item : v->as_list())
		if (item.is_string() && flag_equals(item.as_string(), "load-limit"))
			return true;
	return false;
}

void run_signalling(Request& request, Completion done, bool is_offer)
{
	if (!registry_or_error(request, done))
		return;
	auto flags = parse_flags(request.params);
	if (!flags) {
		done(flags.error());
		return;
	}
	for (auto [value, key] : {std::pair{&flags->call_id, "call-id"},
	                          {&flags->options.from_tag, "from-tag"},
	                          {&flags->sdp, "sdp"}})
		if (value->empty()) {
			done(Error{std::string("missing key '") + key + "'"});
			return;
		}
	auto session = sdp::parse(flags->sdp);
	if (!session) {
		done(session.error());
		return;
	}
	call::Registry& reg = *request.calls;
	if (is_offer && !reg.find(flags->call_id) && refuse_new_call(request, reg, done))
		return;
	auto handle = handle_for(reg, flags->call_id, is_offer);
	if (!handle) {
		done(handle.error());
		return;
	}
	(*handle)->in_flight++;

	Arena* arena = &request.arena;
	std::string call_id = flags->call_id;
	std::vector<std::string> unknown = flags->unknown;
	const Config* config = &reg.config();
	const media::Interfaces* interfaces = &reg.interfaces();
	media::OwnEndpoints* own = reg.own_endpoints();
	const crypto::DtlsIdentity* dtls = reg.dtls();
	// What rebuilds the call (ha/): the request as it came, minus nothing it needs.
	std::string journal;
	if (reg.journaling())
		json_encode(request.params, journal);
	reg.run_replying<Outcome>(
	        **handle,
	        [options = flags->options, session = std::move(session).value(), config, interfaces,
	         own, dtls, is_offer, journal = std::move(journal)](call::Call& c) mutable {
		        log::CallScope scope(c.id());
		        call::SignalContext ctx{*config, *interfaces, util::now_ms(), own, dtls};
		        // The work runs once: the parsed SDP moves into the exchange.
		        auto r = is_offer ? call::offer(c, options, std::move(session), ctx)
		                          : call::answer(c, options, std::move(session), ctx);
		        if (r && !journal.empty())
			        c.journal.add_request(std::move(journal));
		        return Outcome{std::move(r)};
	        },
	        // A success is answered from the call's loop; a failure may yet remove the call
	        // (settle), which only the control thread knows.
	        [early = request.early, arena, unknown](Outcome& out) {
		        if (!early || !out.result)
			        return SendReply();
		        SendReply send = early(ok_reply(*arena, *out.result, unknown));
		        out.replied = static_cast<bool>(send);
		        return send;
	        },
	        [done, arena, &reg, call_id, serial = (*handle)->serial, unknown,
	         is_offer](Outcome out) {
		        log::CallScope scope(call_id);
		        // A reply already sent stands: the call was deleted after the work that
		        // answered it, whatever settle() says.
		        if (auto settled = settle(reg, call_id, serial, out.result, is_offer);
		            !settled) {
			        done(settled.error());
			        return;
		        }
		        reg.changed(call_id);
		        if (out.replied)
			        done(Value()); // the Completion answers with what was sent
		        else
			        done(ok_reply(*arena, *out.result, unknown));
	        });
}

void cmd_offer(Request& request, Completion done)
{
	run_signalling(request, std::move(done), true);
}

void cmd_answer(Request& request, Completion done)
{
	run_signalling(request, std::move(done), false);
}

} // namespace rtprelay::ng
