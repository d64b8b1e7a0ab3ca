// SPDX-License-Identifier: GPL-3.0-or-later
// delete: ends a call (or one party of it) and replies with its final statistics. With a
// delete-delay the call lingers that long before its ports are freed.
#include "call/kernelizer.h"
#include "call/registry.h"
#include "call/snapshot.h"
#include "ng/call_stats.h"
#include "ng/command.h"
#include "ng/flags.h"
#include "ng/json.h"
#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::ng {
namespace {

struct DeleteOutcome {
	call::CallSnapshot snap;
	bool whole_call = true;
	bool replied = false; // the reply went out from the loop (ng/command.h EarlyReply)
};

Value ok_reply(Arena& arena, const call::CallSnapshot& snap)
{
	Value reply = Value::dict(arena);
	reply.set("result", Value::string("ok"));
	add_call_stats(reply, snap, arena);
	return reply;
}

// On the call's loop: take the statistics, then drop the party the tags name (one fork of
// a forked call, say) if two others still talk, else mark the whole call (whose parties
// then stay for the delete delay). Tags that name no party end the whole call too.
// A delete that ended one party goes into the call's journal (call/journal.h), as the
// offers and answers do, when `journal` holds the request.
DeleteOutcome delete_on_loop(call::Call& c, const call::SignalOptions& party, int delay_s,
                             std::string& journal)
{
	DeleteOutcome out;
	call::kernel_refresh(c);
	out.snap = call::snapshot(c);
	if (c.remove_named(party.from_tag, party.to_tag, party.via_branch)) {
		out.whole_call = false;
		if (!journal.empty())
			c.journal.add_request(std::move(journal));
	}
	if (out.whole_call && delay_s > 0)
		c.delete_at_ms = util::now_ms() + delay_s * 1000LL;
	else if (out.whole_call)
		c.stop_forwarding(); // the call object itself goes after the reply
	return out;
}

} // namespace

void cmd_delete(Request& request, Completion done)
{
	if (!registry_or_error(request, done))
		return;
	auto flags = parse_flags(request.params);
	if (!flags) {
		done(flags.error());
		return;
	}
	if (flags->call_id.empty()) {
		done(Error{"missing key 'call-id'"});
		return;
	}
	call::Registry& reg = *request.calls;
	call::Registry::Handle* h = reg.find(flags->call_id);
	if (!h) {
		if (flags->fatal) {
			done(Error{"Call-ID not found or tags didn't match"});
			return;
		}
		Value reply = Value::dict(request.arena);
		reply.set("result", Value::string("ok"));
		reply.set("warning", Value::string("Call-ID not found or tags didn't match"));
		done(reply);
		return;
	}
	int delay = flags->delete_delay.value_or(reg.config().delete_delay);
	Arena* arena = &request.arena;
	std::string call_id = flags->call_id;
	std::string journal;
	if (reg.journaling())
		json_encode(request.params, journal);
	reg.run_replying<DeleteOutcome>(
	        *h,
	        [party = flags->options, delay, journal = std::move(journal)](
	                call::Call& c) mutable { return delete_on_loop(c, party, delay, journal); },
	        [early = request.early, arena](DeleteOutcome& out) {
		        SendReply send = early ? early(ok_reply(*arena, out.snap)) : SendReply();
		        out.replied = static_cast<bool>(send);
		        return send;
	        },
	        [done, arena, &reg, call_id, delay](const DeleteOutcome& out) {
		        if (out.whole_call) {
			        reg.count_deleted();
			        if (delay == 0)
				        reg.destroy(call_id, "deleted", true);
			        else {
				        log::CallScope scope(call_id);
				        log::info(log::Subsystem::kControl,
				                  "call deleted; freed in %d s", delay);
				        // Over for signalling: a relay started meanwhile must not
				        // bring it back.
				        if (call::CallStore* store = reg.store())
					        store->ended(call_id);
			        }
		        } else {
			        reg.changed(call_id);
		        }
		        if (out.replied)
			        done(Value()); // the Completion answers with what was sent
		        else
			        done(ok_reply(*arena, out.snap));
	        });
}

} // namespace rtprelay::ng
