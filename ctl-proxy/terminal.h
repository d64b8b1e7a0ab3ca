// SPDX-License-Identifier: GPL-3.0-or-later
// The terminal for `top`: non-canonical, no echo, on the alternate screen with the cursor
// hidden while it lives; the destructor puts every setting back. SIGINT, SIGTERM and SIGHUP
// end the view through stop_requested() instead of killing the process, so the terminal is
// always restored. Plain ANSI escapes, no curses.
#pragma once

#include <termios.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "util/result.h"

namespace rtprelay::ctl {

class Terminal {
public:
	static Result<std::unique_ptr<Terminal>> open();
	Terminal(const Terminal&) = delete;
	Terminal& operator=(const Terminal&) = delete;
	~Terminal();

	// Columns and rows now (read on every call, so a resize shows on the next frame).
	void size(size_t& width, size_t& height) const;

	// Replaces the screen with `frame` (lines ending in "\n").
	void draw(std::string_view frame) const;

	// Waits until deadline_ms (monotonic) for a key; true when the user asked to quit
	// (q, Q, Ctrl-C) or a signal did. Returns early on a resize, so it is redrawn at once.
	bool wait_for_quit(int64_t deadline_ms) const;

	static bool stop_requested();

private:
	explicit Terminal(const termios& saved) : saved_(saved) {}

	termios saved_;
};

} // namespace rtprelay::ctl
