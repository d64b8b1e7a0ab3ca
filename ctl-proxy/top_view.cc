// SPDX-License-Identifier: GPL-3.0-or-later
#include "top_view.h"

#include <algorithm>

#include "text_table.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

// Long call-ids (SIP ones often are) would push the numbers off a narrow terminal.
constexpr size_t kCallIdColumn = 36;
// Title, status, a blank line and the table header.
constexpr size_t kHeaderLines = 4;

std::string optional_int(const std::optional<int64_t>& v)
{
	return v ? std::to_string(*v) : "-";
}

std::string fit(std::string line, size_t width)
{
	if (line.size() > width)
		line.resize(width);
	return line + "\n";
}

} // namespace

void TopView::update(std::vector<CallSample> samples)
{
	std::map<std::string, CallSample> next;
	rows_.clear();
	for (auto& s : samples) {
		TopRow row{s, 0};
		auto prev = previous_.find(s.call_id);
		if (prev != previous_.end() && s.at_ms > prev->second.at_ms &&
		    s.packets >= prev->second.packets)
			row.packets_per_second =
			        static_cast<double>(s.packets - prev->second.packets) * 1000 /
			        static_cast<double>(s.at_ms - prev->second.at_ms);
		rows_.push_back(std::move(row));
		next.emplace(s.call_id, std::move(s));
	}
	previous_ = std::move(next);
	std::stable_sort(rows_.begin(), rows_.end(), [](const TopRow& a, const TopRow& b) {
		if (a.packets_per_second != b.packets_per_second)
			return a.packets_per_second > b.packets_per_second;
		return a.sample.call_id < b.sample.call_id;
	});
}

std::string TopView::render(size_t width, size_t height, const std::string& title,
                            const std::string& status) const
{
	double total = 0;
	for (const auto& r : rows_)
		total += r.packets_per_second;
	std::string out = fit(
	        strprintf("%s  calls: %zu  packets/s: %.0f", title.c_str(), rows_.size(), total),
	        width);
	if (height < kHeaderLines)
		return out;
	out += fit(status, width) + "\n";
	TextTable table({"CALL-ID", "PKT/S", "PACKETS", "LOSS%", "JITTER", "MOS", "PATH"});
	size_t fits = height - kHeaderLines;
	for (size_t i = 0; i < rows_.size() && i < fits; i++) {
		const auto& r = rows_[i];
		std::string id = r.sample.call_id.substr(0, kCallIdColumn);
		table.add({id, strprintf("%.0f", r.packets_per_second),
		           std::to_string(r.sample.packets), optional_int(r.sample.loss_percent),
		           optional_int(r.sample.jitter_ms),
		           r.sample.mos ? strprintf("%.1f", *r.sample.mos) : "-", r.sample.path});
	}
	out += table.render(width);
	return out;
}

} // namespace rtprelay::ctl
