// SPDX-License-Identifier: GPL-3.0-or-later
// list: the call-ids the relay holds (at most `limit`, default 32, as rtpengine).
#include "call/registry.h"
#include "ng/command.h"
#include "ng/flags.h"

namespace rtprelay::ng {

void cmd_list(Request& request, Completion done)
{
	if (!registry_or_error(request, done))
		return;
	int64_t limit = 32;
	if (const Value* v = find_key(request.params, "limit")) {
		if (!v->is_int() || v->as_int() < 0) {
			done(Error{"key 'limit' must be a non-negative integer"});
			return;
		}
		limit = v->as_int();
	}
	Value calls = Value::list(request.arena);
	for (const auto& id : request.calls->ids(static_cast<size_t>(limit)))
		calls.push(Value::string(request.arena.copy(id)));
	Value reply = Value::dict(request.arena);
	reply.set("result", Value::string("ok"));
	reply.set("calls", calls);
	done(reply);
}

} // namespace rtprelay::ng
