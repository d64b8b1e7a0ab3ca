// SPDX-License-Identifier: GPL-3.0-or-later
#include "call_sample.h"

#include <algorithm>

#include "ng_output.h"

namespace rtprelay::ctl {
namespace {

bool kernelized(const ng::Value& stream)
{
	const ng::Value* flags = stream.find("flags");
	if (!flags || !flags->is_list())
		return false;
	return std::any_of(
	        flags->as_list().begin(), flags->as_list().end(),
	        [](const ng::Value& f) { return f.is_string() && f.as_string() == "kernelized"; });
}

// Counts the streams that carried packets, by whether the kernel forwards them.
void count_paths(const ng::Value& reply, int& kernel, int& user)
{
	const ng::Value* tags = reply.find("tags");
	if (!tags || !tags->is_dict())
		return;
	for (const auto& tag : tags->as_dict()) {
		const ng::Value* medias = tag.value.find("medias");
		if (!medias || !medias->is_list())
			continue;
		for (const auto& m : medias->as_list()) {
			const ng::Value* streams = m.find("streams");
			if (!streams || !streams->is_list())
				continue;
			for (const auto& s : streams->as_list())
				if (int_at(s, {"stats", "packets"}) > 0)
					(kernelized(s) ? kernel : user)++;
		}
	}
}

void worst_quality(const ng::Value& reply, CallSample& sample)
{
	const ng::Value* ssrcs = reply.find("SSRC");
	if (!ssrcs || !ssrcs->is_dict())
		return;
	for (const auto& m : ssrcs->as_dict()) {
		const ng::Value* avg = m.value.find("average MOS");
		if (!avg || !avg->is_dict())
			continue;
		double mos = static_cast<double>(int_at(*avg, {"MOS"})) / 10;
		int64_t loss = int_at(*avg, {"packet loss"});
		int64_t jitter = int_at(*avg, {"jitter"});
		sample.mos = std::min(sample.mos.value_or(mos), mos);
		sample.loss_percent = std::max(sample.loss_percent.value_or(loss), loss);
		sample.jitter_ms = std::max(sample.jitter_ms.value_or(jitter), jitter);
	}
}

} // namespace

CallSample sample_call(std::string call_id, const ng::Value& query_reply, int64_t at_ms)
{
	CallSample sample;
	sample.call_id = std::move(call_id);
	sample.at_ms = at_ms;
	sample.packets = static_cast<uint64_t>(int_at(query_reply, {"totals", "RTP", "packets"}) +
	                                       int_at(query_reply, {"totals", "RTCP", "packets"}));
	int kernel = 0, user = 0;
	count_paths(query_reply, kernel, user);
	if (kernel || user)
		sample.path = !user ? "kernel" : !kernel ? "user" : "mixed";
	worst_quality(query_reply, sample);
	return sample;
}

} // namespace rtprelay::ctl
