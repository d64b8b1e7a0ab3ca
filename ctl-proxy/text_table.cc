// SPDX-License-Identifier: GPL-3.0-or-later
#include "text_table.h"

#include <algorithm>

namespace rtprelay::ctl {
namespace {

bool numeric(const std::string& cell)
{
	return !cell.empty() && std::all_of(cell.begin(), cell.end(), [](char c) {
		return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '%';
	});
}

} // namespace

std::string TextTable::render(size_t max_width) const
{
	std::vector<size_t> widths;
	for (const auto& row : rows_) {
		widths.resize(std::max(widths.size(), row.size()), 0);
		for (size_t i = 0; i < row.size(); i++)
			widths[i] = std::max(widths[i], row[i].size());
	}
	std::string out;
	for (const auto& row : rows_) {
		std::string line;
		for (size_t i = 0; i < row.size(); i++) {
			std::string pad(widths[i] - row[i].size(), ' ');
			if (i)
				line += "  ";
			bool last = i + 1 == row.size();
			line += numeric(row[i]) ? pad + row[i] : row[i] + (last ? "" : pad);
		}
		if (max_width && line.size() > max_width)
			line.resize(max_width);
		out += line + "\n";
	}
	return out;
}

} // namespace rtprelay::ctl
