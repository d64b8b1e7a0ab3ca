// SPDX-License-Identifier: GPL-3.0-or-later
// A plain-text table for the human output: columns padded to their widest cell, numbers
// right-aligned so digits line up.
#pragma once

#include <string>
#include <vector>

namespace rtprelay::ctl {

class TextTable {
public:
	explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}

	void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
	size_t rows() const { return rows_.size() - 1; }

	// Every row on its own line; each line is cut at max_width columns when that is set.
	std::string render(size_t max_width = 0) const;

private:
	std::vector<std::vector<std::string>> rows_;
};

} // namespace rtprelay::ctl
