// SPDX-License-Identifier: GPL-3.0-or-later
// query: a call's parties, streams and counters, in rtpengine's reply shape.
#include "call/kernelizer.h"
#include "call/registry.h"
#include "call/snapshot.h"
#include "ng/call_stats.h"
#include "ng/command.h"
#include "ng/flags.h"

namespace rtprelay::ng {

void cmd_query(Request& request, Completion done)
{
	if (!registry_or_error(request, done))
		return;
	std::string call_id;
	if (const Value* v = find_key(request.params, "call-id"); v && v->is_string())
		call_id = v->as_string();
	if (call_id.empty()) {
		done(Error{"missing key 'call-id'"});
		return;
	}
	call::Registry::Handle* h = request.calls->find(call_id);
	if (!h) {
		done(Error{"Unknown call-id"});
		return;
	}
	Arena* arena = &request.arena;
	request.calls->run<call::CallSnapshot>(
	        *h,
	        [](call::Call& c) {
		        call::kernel_refresh(c);
		        return call::snapshot(c);
	        },
	        [done, arena](const call::CallSnapshot& snap) {
		        Value reply = Value::dict(*arena);
		        reply.set("result", Value::string("ok"));
		        add_call_stats(reply, snap, *arena);
		        done(reply);
	        });
}

} // namespace rtprelay::ng
