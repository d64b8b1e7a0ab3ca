// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelay-ctl's command line: where the daemon listens, how long to wait, how to print, and
// the command words that follow the options.
#pragma once

#include <string>
#include <vector>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::ctl {

struct Options {
	net::Endpoint cli{net::IpAddress::loopback_v4(), 9900};
	net::Endpoint ng{net::IpAddress::loopback_v4(), 2223};
	int timeout_ms = 3000;
	bool json = false;
	bool help = false;
	std::vector<std::string> words;
};

// Options come first, the command after them; "--" ends the options, so a call-id that starts
// with "-" can still be named.
Result<Options> parse_options(int argc, char** argv);

} // namespace rtprelay::ctl
