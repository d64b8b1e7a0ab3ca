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

Value finalize(Arena& arena, Result<Value> outcome)
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
            const Value& reply, std::chrono::steady_clock::time_point started)
{
	const Value* result = reply.find("result");
	bool ok = !(result && result->is_string() && result->as_string() == "error");
	std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
	stats.record(command, peer, ok, took.count());
}

} // namespace

void dispatch(const CommandTable& table, const Value& params, Arena& arena, std::string_view cookie,
              const net::Endpoint& peer, call::Registry* calls,
              std::function<void(Value reply)> done)
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
	auto answered = std::make_shared<bool>(false);
	auto started = std::chrono::steady_clock::now();
	Completion completion = [&arena, done = std::move(done), answered, stats, started,
	                         name = *command, ip = peer.ip()](Result<Value> outcome) {
		if (*answered)
			return;
		*answered = true;
		Value reply = finalize(arena, std::move(outcome));
		if (stats)
			record(*stats, name, ip, reply, started);
		done(reply);
	};
	Request request{cookie, *command, params, arena, peer, calls, stats};
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
