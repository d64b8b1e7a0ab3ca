// SPDX-License-Identifier: GPL-3.0-or-later
// ng over UDP (--listen-ng): "<cookie> <bencode dictionary>" out, the reply with the same
// cookie back. One socket serves many requests, so `top` asks once a second without
// reconnecting.
#pragma once

#include <string>

#include "net/address.h"
#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::ctl {

class NgClient {
public:
	static Result<NgClient> create(const net::Endpoint& ng, int timeout_ms);

	// Sends `request` and returns the reply dictionary, decoded into `arena`. Replies to
	// other cookies (late answers to a request that timed out) are skipped. A reply with
	// `result: error` is still a reply: the caller decides what it means.
	Result<ng::Value> request(const ng::Value& request, Arena& arena);

private:
	NgClient(UniqueFd fd, const net::Endpoint& ng, int timeout_ms)
	    : fd_(std::move(fd)), ng_(ng), timeout_ms_(timeout_ms)
	{
	}

	Result<std::string> receive_reply(const std::string& cookie, int64_t deadline);

	UniqueFd fd_;
	net::Endpoint ng_;
	int timeout_ms_;
	std::string cookie_prefix_;
	uint64_t sequence_ = 0;
};

} // namespace rtprelay::ctl
