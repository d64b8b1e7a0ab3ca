// SPDX-License-Identifier: GPL-3.0-or-later
// The model behind `rtprelay-ctl top`: packets per second from two successive samples of
// each call, the calls ordered busiest first, and one screen's worth of text for a terminal
// of a given size. No terminal I/O here, so it can be driven by anything.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "call_sample.h"

namespace rtprelay::ctl {

struct TopRow {
	CallSample sample;
	double packets_per_second = 0; // 0 on a call's first sample
};

class TopView {
public:
	// Replaces the previous round: calls that are gone are forgotten.
	void update(std::vector<CallSample> samples);

	const std::vector<TopRow>& rows() const { return rows_; }

	// The whole screen, one "\n"-terminated line per terminal row, at most `height` lines,
	// none wider than `width`. `status` is the second line (what the daemon said, or why
	// it said nothing).
	std::string render(size_t width, size_t height, const std::string& title,
	                   const std::string& status) const;

private:
	std::map<std::string, CallSample> previous_;
	std::vector<TopRow> rows_;
};

} // namespace rtprelay::ctl
