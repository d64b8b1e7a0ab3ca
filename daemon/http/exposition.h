// SPDX-License-Identifier: GPL-3.0-or-later
// A writer of Prometheus' text exposition format 0.0.4: one family at a time, its # HELP and
// # TYPE lines first and its samples right after, label values and help text escaped, and
// histograms as cumulative _bucket{le=...}, _sum and _count. Knows nothing of the relay.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace rtprelay::http {

struct Label {
	std::string_view name;
	std::string_view value;
};
using Labels = std::initializer_list<Label>;

// Observations counted per bucket: counts[i] are those <= bounds[i] and above the bound
// before, counts[bounds.size()] those above the last bound (+Inf). Not cumulative.
struct HistogramData {
	std::span<const double> bounds;
	std::span<const uint64_t> counts; // bounds.size() + 1
	double sum = 0;
};

class Exposition {
public:
	enum class Type { kCounter, kGauge, kHistogram };

	// Starts a family; the samples that follow belong to it. Counters' names end in _total.
	void family(std::string_view name, Type type, std::string_view help);

	// A sample of the current counter or gauge family.
	void sample(Labels labels, uint64_t value);
	void sample(Labels labels, int64_t value);
	void sample(Labels labels, double value);
	// The buckets, sum and count of the current histogram family for one label set.
	void histogram(Labels labels, const HistogramData& h);

	const std::string& text() const { return out_; }
	std::string take() { return std::move(out_); }

private:
	void begin(std::string_view suffix, Labels labels, const Label* extra = nullptr);

	std::string out_;
	std::string name_;
};

// A label value with \, " and newline escaped, as the format asks.
std::string escape_label(std::string_view value);
// A sample value: integers as such, +Inf/-Inf/NaN spelled as the format wants.
std::string format_value(double v);

} // namespace rtprelay::http
