// SPDX-License-Identifier: GPL-3.0-or-later
// What an ng command handler sees and how it answers. Handlers run on the control thread and
// answer exactly once through their Completion, at once or later (after work on a media loop).
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "net/address.h"
#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::call {
class Registry;
}

namespace rtprelay::ng {

class CommandStats;

// Encodes the reply on the thread the command's work ran on (a media loop), where the transport
// allows sending from there, so that the control thread need not be woken to send it; returns
// what sends it, which the caller runs once the Completion is queued (call/registry.h
// run_replying). The handler's Completion still follows, on the control thread, for its
// bookkeeping; what it answers then is not sent again: the reply sent here is the one cached,
// counted and timed. Returns an empty function, having encoded nothing, where the reply must
// wait for the Completion.
using SendReply = std::function<void()>;
using EarlyReply = std::function<SendReply(const Value& reply)>;

// Valid during the handler call; params and arena stay valid until `done` is called, so an
// asynchronous handler keeps pointers to those, not to the Request.
struct Request {
	std::string_view cookie;
	std::string_view command;
	const Value& params; // the whole request dictionary
	Arena& arena;        // lives until the reply is sent; build the reply here
	net::Endpoint peer;
	call::Registry* calls; // null only in tests that need no calls
	// Where finished requests are counted (the table's recorder); null when not counted.
	const CommandStats* command_stats = nullptr;
	// Empty where the transport replies on the control thread only; copy it into the work.
	EarlyReply early{};
};

// The reply dictionary, or an Error whose reason becomes `error-reason`. A reply without a
// `result` key gets `result: ok`.
using Completion = std::function<void(Result<Value>)>;
// A function, or a closure over what a front-end such as rtprelay-ctl-proxy routes with.
using Handler = std::function<void(Request& request, Completion done)>;

struct CommandEntry {
	std::string_view name;
	Handler handler;
};

class CommandTable {
public:
	void add(std::string_view name, Handler handler)
	{
		entries_.push_back({name, std::move(handler)});
	}
	// Runs every command no entry names (a proxy forwards those it does not know itself);
	// without one such commands get "unknown command".
	void set_fallback(Handler handler) { fallback_ = std::move(handler); }
	// Null when neither an entry nor the fallback takes the command.
	const Handler* find(std::string_view name) const;
	// dispatch() counts every request it finishes there from now on; the recorder must
	// outlive the table (main() keeps it, so that other reporters read the same counts).
	void record_into(CommandStats* stats) { recorder_ = stats; }
	CommandStats* recorder() const { return recorder_; }

private:
	std::vector<CommandEntry> entries_;
	Handler fallback_;
	CommandStats* recorder_ = nullptr;
};

// The call registry for a call command; without one (protocol-layer tests) answers `error`
// through `done` and returns nullptr.
call::Registry* registry_or_error(Request& request, Completion& done);

// The commands rtprelayd serves; one cmd_<name>.cc file per handler.
CommandTable builtin_commands();

void cmd_ping(Request& request, Completion done);
void cmd_offer(Request& request, Completion done);
void cmd_answer(Request& request, Completion done);
void cmd_delete(Request& request, Completion done);
void cmd_query(Request& request, Completion done);
void cmd_list(Request& request, Completion done);
void cmd_statistics(Request& request, Completion done);

} // namespace rtprelay::ng
