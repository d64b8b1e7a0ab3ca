// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/quality_metrics.h"

#include <array>

namespace rtprelay::http {
namespace {

struct Family {
	call::QualityTotals::Kind kind;
	const char* name;
	const char* help;
};

constexpr Family kFamilies[] = {
        {call::QualityTotals::kMos, "rtprelay_stream_mos",
         "MOS (1-4.5) of ended calls' media sources, each its call-long average."},
        {call::QualityTotals::kJitterSeconds, "rtprelay_stream_jitter_seconds",
         "Interarrival jitter of ended calls' media sources."},
        {call::QualityTotals::kLossRatio, "rtprelay_stream_loss_ratio",
         "Packet loss (0-1) of ended calls' media sources."},
        {call::QualityTotals::kRttSeconds, "rtprelay_stream_rtt_seconds",
         "Round-trip time of ended calls' media sources, where RTCP let the relay measure it."},
};

} // namespace

void write_quality_metrics(Exposition& out, const call::QualityTotals& quality)
{
	constexpr size_t n = call::QualityTotals::kBuckets;
	for (const Family& f : kFamilies) {
		call::QualityTotals::Histogram h = quality.read(f.kind);
		// The totals keep cumulative counts with +Inf as the last bound; the writer wants
		// the finite bounds and a count per bucket.
		std::array<uint64_t, n> per_bucket{};
		for (size_t i = 0; i < n; i++)
			per_bucket[i] = h.cumulative[i] - (i ? h.cumulative[i - 1] : 0);
		out.family(f.name, Exposition::Type::kHistogram, f.help);
		out.histogram({}, HistogramData{h.bounds.first(n - 1), per_bucket, h.sum});
	}
}

} // namespace rtprelay::http
