// SPDX-License-Identifier: GPL-3.0-or-later
// Counts finished ng requests: per command (requests, errors, seconds spent, a histogram of
// durations) and per proxy (the client's address, as rtpengine's controlstatistics). dispatch()
// records each request once, when its reply is final; `statistics`, and later the CLI and HTTP
// metrics, read it. Control thread only, like dispatch: no locks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.h"

namespace rtprelay::ng {

class CommandStats {
public:
	// Upper bounds of the duration buckets, in seconds; a request falls in the first bucket
	// whose bound it does not exceed, or in the overflow bucket after the last.
	static constexpr std::array<double, 10> kBucketBounds = {
	        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0};
	// Distinct proxies kept apart; requests from further addresses still count per command.
	static constexpr size_t kMaxProxies = 256;

	struct Counts {
		uint64_t requests = 0;
		uint64_t errors = 0; // replied result: error
		double seconds = 0;  // the sum of the durations
		// Not cumulative: buckets[i] counts requests in (kBucketBounds[i-1],
		// kBucketBounds[i]]; buckets.back() those over the last bound.
		std::array<uint64_t, kBucketBounds.size() + 1> buckets{};
	};
	struct Command {
		std::string name; // as the request spelled it, one of the command table's names
		Counts counts;
	};
	struct Proxy {
		std::string address;           // the client's IP address, without its port
		std::vector<Command> commands; // only those it sent
		uint64_t errors = 0;           // error replies, unknown commands included
	};

	// A request for a command of the table, finished after `seconds`.
	void record(std::string_view command, const net::IpAddress& peer, bool ok, double seconds);
	// A request naming no command the table has (or none): an error of its proxy only, so
	// that made-up names cannot grow the per-command list.
	void record_unknown(const net::IpAddress& peer);

	// In the order first seen.
	const std::vector<Command>& commands() const { return commands_; }
	const std::vector<Proxy>& proxies() const { return proxies_; }
	// The counts of one command; all zero if it has not been seen.
	Counts find(std::string_view command) const;

private:
	static void add(Counts& c, bool ok, double seconds);
	static Counts& counts_of(std::vector<Command>& list, std::string_view command);
	Proxy* proxy_of(const net::IpAddress& peer);

	std::vector<Command> commands_;
	std::vector<Proxy> proxies_;
};

} // namespace rtprelay::ng
