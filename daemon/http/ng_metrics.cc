// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/ng_metrics.h"

namespace rtprelay::http {

void write_ng_metrics(Exposition& out, const ng::CommandStats& stats)
{
	out.family("rtprelay_ng_requests_total", Exposition::Type::kCounter,
	           "ng requests answered, by command and result (ok: any result but error).");
	for (const auto& c : stats.commands()) {
		out.sample({{"command", c.name}, {"result", "ok"}},
		           c.counts.requests - c.counts.errors);
		out.sample({{"command", c.name}, {"result", "error"}}, c.counts.errors);
	}
	out.family("rtprelay_ng_request_duration_seconds", Exposition::Type::kHistogram,
	           "Time from an ng request's arrival to its final reply, by command.");
	for (const auto& c : stats.commands())
		out.histogram({{"command", c.name}},
		              HistogramData{ng::CommandStats::kBucketBounds, c.counts.buckets,
		                            c.counts.seconds});
}

} // namespace rtprelay::http
