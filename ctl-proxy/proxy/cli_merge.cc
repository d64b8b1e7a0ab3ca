// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli_merge.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

std::vector<std::string_view> lines_of(std::string_view text)
{
	std::vector<std::string_view> out;
	while (!text.empty()) {
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (!trim(line).empty())
			out.push_back(line);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
	}
	return out;
}

} // namespace

std::string merge_session_lists(const std::vector<std::string>& answers)
{
	std::string none(kNoSessions);
	none.pop_back(); // without its newline, as lines_of gives it
	std::string out;
	for (const std::string& a : answers)
		for (std::string_view line : lines_of(a))
			if (line != none)
				out.append(line).append("\n");
	return out.empty() ? std::string(kNoSessions) : out;
}

std::string sum_counts(const std::vector<std::string>& answers)
{
	struct Row {
		std::string label; // up to and with the ':', or the whole line
		std::optional<int64_t> sum;
	};
	std::vector<Row> rows;
	for (const std::string& a : answers)
		for (std::string_view line : lines_of(a)) {
			size_t colon = line.rfind(':');
			std::optional<int64_t> n;
			if (colon != std::string_view::npos)
				n = parse_int(trim(line.substr(colon + 1)));
			std::string label(n ? line.substr(0, colon + 1) : line);
			auto it = std::find_if(rows.begin(), rows.end(),
			                       [&](const Row& r) { return r.label == label; });
			if (it == rows.end())
				rows.push_back({std::move(label), n});
			else if (n && it->sum)
				*it->sum += *n;
		}
	std::string out;
	for (const Row& r : rows)
		out += r.sum ? strprintf("%s %lld\n", r.label.c_str(),
		                         static_cast<long long>(*r.sum))
		             : r.label + "\n";
	return out;
}

} // namespace rtprelay::proxy
