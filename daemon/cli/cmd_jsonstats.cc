// SPDX-License-Identifier: GPL-3.0-or-later
// list jsonstats: the ng `statistics` reply, run through the same handler, written as JSON as
// rtpengine prints it: the statistics themselves, without the reply's `result`.
#include <memory>

#include "cli/command.h"
#include "ng/dispatch.h"
#include "ng/json.h"

namespace rtprelay::cli {
namespace {

// rtpengine's reply nests the figures under `statistics`; when ours does too, that dictionary
// is the answer, else the reply's own keys are.
ng::Value statistics_of(const ng::Value& reply, Arena& arena)
{
	if (const ng::Value* nested = reply.find("statistics"); nested && nested->is_dict())
		return *nested;
	ng::Value out = ng::Value::dict(arena);
	for (const auto& m : reply.as_dict())
		if (m.key != "result")
			out.append(m.key, m.value);
	return out;
}

} // namespace

void cmd_jsonstats(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	auto arena = std::make_shared<Arena>();
	ng::Value request = ng::Value::dict(*arena);
	request.set("command", ng::Value::string("statistics"));
	ng::dispatch(ctx.ng, request, *arena, "cli", net::Endpoint(), &ctx.calls,
	             [arena, done](ng::Value reply) {
		             const ng::Value* result = reply.find("result");
		             if (!result || !result->is_string() || result->as_string() != "ok") {
			             const ng::Value* why = reply.find("error-reason");
			             std::string reason = why && why->is_string()
			                                          ? std::string(why->as_string())
			                                          : "no reason given";
			             done("Failed to get statistics: " + reason + "\n");
			             return;
		             }
		             std::string json;
		             ng::json_encode(statistics_of(reply, *arena), json);
		             done(json + "\n");
	             });
}

} // namespace rtprelay::cli
