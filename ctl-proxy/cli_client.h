// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's text CLI (--listen-cli), rtpengine's protocol: connect over TCP, send the
// command words and a newline, read until the server closes.
#pragma once

#include <string>
#include <vector>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::ctl {

// The whole answer to one command; an error when the connection fails or the answer does not
// end (server closed) within timeout_ms.
Result<std::string> cli_request(const net::Endpoint& cli, const std::vector<std::string>& words,
                                int timeout_ms);

} // namespace rtprelay::ctl
