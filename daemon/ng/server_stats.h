// SPDX-License-Identifier: GPL-3.0-or-later
// The ng server's own counters, shared by the request core and its transports (UDP, TCP,
// in-process). Control thread only, but for send_errors: a UDP reply may go out from a media
// loop (ng/command.h EarlyReply).
#pragma once

#include <atomic>
#include <cstdint>

namespace rtprelay::ng {

struct ServerStats {
	uint64_t received = 0;          // datagrams read
	uint64_t no_cookie = 0;         // dropped: no parseable cookie
	uint64_t oversized = 0;         // dropped: larger than kMaxMessageSize
	uint64_t retransmits = 0;       // answered from the reply cache or joined a running command
	uint64_t commands = 0;          // requests executed
	uint64_t errors = 0;            // replies with result=error
	uint64_t sip_options = 0;       // OPTIONS answered
	uint64_t sip_ignored = 0;       // other SIP requests, responses, OPTIONS without headers
	uint64_t sip_too_large = 0;     // OPTIONS whose answer would be larger: not answered
	uint64_t replies_too_large = 0; // replaced by an error: the transport could not carry them
	std::atomic<uint64_t> send_errors{0};

	// ng over TCP (--listen-tcp-ng)
	uint64_t tcp_accepted = 0;
	uint64_t tcp_open = 0;        // connections now
	uint64_t tcp_refused = 0;     // closed at once: kMaxConnections were open
	uint64_t tcp_oversized = 0;   // closed: more unparsed input than one message may have
	uint64_t tcp_malformed = 0;   // closed: input that cannot be "cookie SP bencode"
	uint64_t tcp_idle = 0;        // closed: idle for kIdleSeconds
	uint64_t tcp_slow_reader = 0; // closed: replies piled up unread
};

} // namespace rtprelay::ng
