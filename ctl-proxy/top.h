// SPDX-License-Identifier: GPL-3.0-or-later
// `rtprelay-ctl top`: once a second, ng `list` then `query` for each call, drawn busiest
// first until q or Ctrl-C.
#pragma once

#include "options.h"

namespace rtprelay::ctl {

// The exit status: 0 when the user quit, 1 when the terminal or the ng socket cannot be set up.
int run_top(const Options& opts);

} // namespace rtprelay::ctl
