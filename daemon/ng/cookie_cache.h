// SPDX-License-Identifier: GPL-3.0-or-later
// Remembers ng replies by cookie so that a retransmitted command is answered with the identical
// bytes and never runs twice, including while its first copy is still running. Entries live
// 30-60 s: two generations, the older dropped when the newer is kRotateSeconds old (tick()
// counts the seconds). Control thread only.
// Cookies and replies live in their generation's arena and go with it at once: hundreds of
// thousands of long-lived replies in the general heap made every other allocation slower.
// The cache is bounded in bytes, not entries: 8,000 distinct cookies with 63 KB replies took
// half a gigabyte when only the count was bounded. A generation that holds half of max_bytes
// ends early, so the older one, with the oldest replies, goes first (those drops are counted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/address.h"

namespace rtprelay::ng {

class CookieCache {
public:
	static constexpr int kRotateSeconds = 30;

	// Who to send the reply to: the request core's handle for the transport's reply sink
	// (a UDP socket, a TCP connection, an HTTP request), and the client's address for logs.
	struct Waiter {
		uint64_t sink = 0;
		net::Endpoint peer;
	};

	enum class Status {
		kStarted, // new cookie, now marked running: run the command, then call finish()
		kRunning, // first copy still running: the waiter gets the reply from finish()
		kCached,  // answered before: send *reply again
	};

	explicit CookieCache(size_t max_bytes) : max_bytes_(max_bytes) {}

	// With kCached, *reply stays valid until the next begin(), finish(), tick() or rotate().
	Status begin(std::string_view cookie, const Waiter& waiter, std::string_view* reply);

	// Stores the reply for a cookie begun with kStarted and returns the waiters that sent the
	// same cookie meanwhile (the first sender is not among them).
	std::vector<Waiter> finish(std::string_view cookie, std::string_view reply);

	// Called once a second: ages the newer generation and rotates when it is due.
	void tick();
	// Drops the older generation (except commands still running) and starts a new one.
	void rotate();

	size_t size() const { return current_->map.size() + previous_->map.size(); }
	// Cookies, replies and per-entry bookkeeping held now; about max_bytes at most.
	size_t bytes() const { return current_->bytes + previous_->bytes; }
	// Finished replies dropped before their time because the cache was full.
	uint64_t dropped() const { return dropped_; }

private:
	struct Entry {
		std::string_view reply; // in the generation's arena
		bool done = false;
		std::vector<Waiter> waiters;
	};
	struct Generation {
		std::pmr::monotonic_buffer_resource arena{size_t{64} * 1024};
		// Keys point into the arena too; nodes and buckets come from it.
		std::pmr::unordered_map<std::string_view, Entry> map{&arena};
		size_t bytes = 0; // what the entries took from the arena, roughly
		int age_s = 0;
		std::string_view keep(std::string_view s);
		Entry& add(std::string_view cookie);
	};

	// Ends the newer generation early when it holds its half of the budget.
	void make_room();

	size_t max_bytes_;
	uint64_t dropped_ = 0;
	std::unique_ptr<Generation> current_ = std::make_unique<Generation>();
	std::unique_ptr<Generation> previous_ = std::make_unique<Generation>();
};

} // namespace rtprelay::ng
