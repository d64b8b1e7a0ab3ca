// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/dispatch.h"

#include <chrono>
#include <exception>
#include <memory>

#include "ng/command_stats.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ng {

Value error_reply(Arena& arena, std::string_view reason)
{
	Value reply = Value::dict(arena);
	reply.set("result", Value::string("error"));
	reply.set("error-reason", Value::string(arena.copy(reason)));
	return reply;
}

namespace {

Value finalize(Arena& arena, const Result<Value>& outcome)
{
	if (!outcome)
		return error_reply(arena, outcome.error().reason);
	Value reply = *outcome;
	if (!reply.is_dict())
		return error_reply(arena, "internal error: handler returned no dictionary");
	if (!reply.find("result")) {
		// `result` goes first, as clients reading the reply by eye expect.
		Value ordered = Value::dict(arena);
		ordered.append("result", Value::string("ok"));
		for (const auto& m : reply.as_dict())
			ordered.append(m.key, m.value);
		return ordered;
	}
	return reply;
}

// Counted before the reply goes out, so a `statistics` reply does not include itself (nor
// does rtpengine's).
void record(CommandStats& stats, std::string_view command, const net::IpAddress& peer,
            const Value& reply, std::chrono::duration<double> took)
{
	const Value* result = reply.find("result");
	bool ok = !(result && result->is_string() && result->as_string() == "error");
	stats.record(command, peer, ok, took.count());
}

// One request's answer: whether the Completion ran, and the reply an EarlyReply sent before
// it (written on the thread that sent it, read by the Completion posted after).
struct Answer {
	bool answered = false;
	bool sent_early = false;
	Value early_reply;
	std::chrono::duration<double> took{};
};

} // namespace

void dispatch(const CommandTable& table, const Value& params, Arena& arena, std::string_view cookie,
              const net::Endpoint& peer, call::Registry* calls,
              std::function<void(Value reply)> done, EarlyReply early)
{
	CommandStats* stats = table.recorder();
	auto command = params.get_string("command");
	const Handler* handler = command ? table.find(*command) : nullptr;
	if (!handler) {
		if (stats)
			stats->record_unknown(peer.ip());
		if (!command)
			done(error_reply(arena, command.error().reason));
		else
			done(error_reply(arena, strprintf("unknown command '%s'",
			                                  printable(*command).c_str())));
		return;
	}
	// Guards against a handler answering twice or, after throwing, not at all.
	auto answer = std::make_shared<Answer>();
	auto started = std::chrono::steady_clock::now();
	Completion completion = [&arena, done = std::move(done), answer, stats, started,
	                         name = *command, ip = peer.ip()](const Result<Value>& outcome) {
		if (answer->answered)
			return;
		answer->answered = true;
		Value reply = answer->sent_early ? answer->early_reply : finalize(arena, outcome);
		if (stats)
			record(*stats, name, ip, reply,
			       answer->sent_early ? answer->took
			                          : std::chrono::steady_clock::now() - started);
		done(reply);
	};
	EarlyReply early_reply;
	if (early)
		early_reply = [&arena, early = std::move(early), answer,
		               started](const Value& reply) {
			if (answer->sent_early)
				return SendReply();
			Value final_reply = finalize(arena, reply);
			SendReply send = early(final_reply);
			if (!send)
				return send;
			answer->sent_early = true;
			answer->early_reply = final_reply;
			answer->took = std::chrono::steady_clock::now() - started;
			return send;
		};
	Request request{cookie, *command, params, arena,
	                peer,   calls,    stats,  std::move(early_reply)};
	try {
		(*handler)(request, completion);
	} catch (const std::exception& e) {
		log::err(log::Subsystem::kControl, "command '%s' failed: %s",
		         printable(*command).c_str(), e.what());
		completion(Error{strprintf("internal error: %s", e.what())});
	} catch (...) {
		log::err(log::Subsystem::kControl, "command '%s' failed with an unknown exception",
		         printable(*command).c_str());
		completion(Error{"internal error"});
	}
}

} // namespace rtprelay::ng
