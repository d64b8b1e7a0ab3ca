// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/signalling_command.h"

#include "call/registry.h"
#include "call/signalling.h"
#include "ng/flags.h"
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
	call::Registry::Handle* handle = reg.find(flags->call_id);
	if (!handle) {
		if (!is_offer) {
			done(Error{"Unknown call-id"});
			return;
		}
		handle = &reg.create(flags->call_id);
	}

	Arena* arena = &request.arena;
	std::string call_id = flags->call_id;
	std::vector<std::string> unknown = flags->unknown;
	const Config* config = &reg.config();
	const media::Interfaces* interfaces = &reg.interfaces();
	reg.run<Result<call::SignalResult>>(
	        *handle,
	        [options = flags->options, session = std::move(session).value(), config, interfaces,
	         is_offer](call::Call& c) {
		        log::CallScope scope(c.id());
		        call::SignalContext ctx{*config, *interfaces, util::now_ms()};
		        return is_offer ? call::offer(c, options, session, ctx)
		                        : call::answer(c, options, session, ctx);
	        },
	        [done, arena, &reg, call_id, unknown, is_offer](Result<call::SignalResult> r) {
		        log::CallScope scope(call_id);
		        call::Registry::Handle* h = reg.find(call_id);
		        if (!r) {
			        if (is_offer && h && !h->established) {
				        reg.destroy(call_id, "offer failed: " + r.error().reason);
				        reg.count_rejected();
			        }
			        done(r.error());
			        return;
		        }
		        if (h)
			        h->established = true;
		        Value reply = Value::dict(*arena);
		        reply.set("result", Value::string("ok"));
		        reply.set("sdp", Value::string(arena->copy(r->sdp)));
		        std::string warning = join_warnings(unknown, r->warnings);
		        if (!warning.empty())
			        reply.set("warning", Value::string(arena->copy(warning)));
		        done(reply);
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
