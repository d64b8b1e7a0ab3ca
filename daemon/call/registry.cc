// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/registry.h"

#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::call {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
}

Registry::Registry(const Config& config, const media::Interfaces& interfaces,
                   media::MediaLoops& loops, event::Loop& control)
    : config_(config), interfaces_(interfaces), loops_(loops), control_(control), limits_(config),
      started_ms_(util::now_ms())
{
}

Registry::~Registry()
{
	for (auto& [id, h] : calls_) {
		Call* c = h.call;
		h.loop->loop().post([c] { delete c; });
	}
}

Registry::Handle* Registry::find(std::string_view call_id)
{
	auto it = calls_.find(std::string(call_id));
	return it == calls_.end() ? nullptr : &it->second;
}

Registry::Handle& Registry::create(std::string_view call_id)
{
	media::MediaLoop& loop = loops_.place();
	// Built here, but from now on touched only on its loop, where it is registered first
	// (posted work runs in order, so before anything else done to the call).
	auto* c = new Call(std::string(call_id), loop, limits_, util::now_ms());
	loop.loop().post([c, &loop] { loop.add_call(*c); });
	totals_.managed++;
	return calls_.emplace(std::string(call_id), Handle{c, &loop, ++next_serial_}).first->second;
}

void Registry::destroy(std::string_view call_id, std::string_view reason)
{
	auto it = calls_.find(std::string(call_id));
	if (it == calls_.end())
		return;
	log::CallScope scope(call_id);
	log::info(kLog, "call ended: %.*s", static_cast<int>(reason.size()), reason.data());
	Call* c = it->second.call;
	it->second.loop->loop().post([c] { delete c; });
	calls_.erase(it);
}

std::vector<std::string> Registry::ids(size_t limit) const
{
	std::vector<std::string> out;
	for (const auto& [id, h] : calls_) {
		if (out.size() >= limit)
			break;
		out.push_back(id);
	}
	return out;
}

void Registry::on_timeout(const std::string& call_id, const std::string& reason)
{
	Handle* h = find(call_id);
	if (!h || h->in_flight > 0)
		return; // deleted meanwhile, reported twice, or signalling may revive it
	if (reason.rfind("silent timeout", 0) == 0)
		totals_.silent_timeouts++;
	else if (reason.rfind("final timeout", 0) == 0)
		totals_.final_timeouts++;
	else if (reason.rfind("offer timeout", 0) == 0)
		totals_.offer_timeouts++;
	else if (reason.rfind("timeout", 0) == 0)
		totals_.timeouts++;
	destroy(call_id, reason);
}

} // namespace rtprelay::call
