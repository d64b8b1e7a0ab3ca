// SPDX-License-Identifier: GPL-3.0-or-later
// The o= line (RFC 8866 5.2): six fields the relay reads and rewrites (it replaces the
// address and bumps the version when it changes an SDP). Plain value.
#pragma once

#include <string>
#include <string_view>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::sdp {

struct Origin {
	std::string username;
	std::string session_id;
	std::string session_version;
	std::string nettype;
	std::string addrtype;
	std::string address;

	// Exactly six space-separated fields. The fields themselves are not checked further:
	// the relay rewrites o= and never connects to its address.
	static Result<Origin> parse(std::string_view value);
	// Empty fields become "-", whitespace inside a field is dropped.
	std::string to_string() const;
	// nettype IN, addrtype IP4/IP6 and the address.
	void set_address(const net::IpAddress& ip);

	bool operator==(const Origin&) const = default;
};

} // namespace rtprelay::sdp
