// The three scenarios rtpload runs; each prints its report and returns the exit status.
#pragma once

#include "scenario.h"

namespace rtpload {

int run_calls(Context& ctx);
int run_max_rate(Context& ctx);
int run_setup_rate(Context& ctx);

} // namespace rtpload
