// Remembers ng replies by cookie so that a retransmitted command is answered with the identical
// bytes and never runs twice, including while its first copy is still running. Entries live
// 30-60 s: two generations, swapped by rotate() every kRotateSeconds. Control thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/address.h"

namespace rtprelay::ng {

class CookieCache {
public:
	static constexpr int kRotateSeconds = 30;
	// A flood of distinct cookies rotates early instead of growing without bound.
	static constexpr size_t kMaxEntriesPerGeneration = 200000;

	// Who to send the reply to: a listening socket (by index) and the client's address.
	struct Waiter {
		size_t listener = 0;
		net::Endpoint peer;
	};

	enum class Status {
		kStarted, // new cookie, now marked running: run the command, then call finish()
		kRunning, // first copy still running: the waiter gets the reply from finish()
		kCached,  // answered before: send *reply again
	};

	Status begin(std::string_view cookie, const Waiter& waiter, const std::string** reply);

	// Stores the reply for a cookie begun with kStarted and returns the waiters that sent the
	// same cookie meanwhile (the first sender is not among them).
	std::vector<Waiter> finish(std::string_view cookie, std::string reply);

	void rotate();
	size_t size() const { return current_.size() + previous_.size(); }

private:
	struct Entry {
		std::string reply;
		bool done = false;
		std::vector<Waiter> waiters;
	};
	using Map = std::unordered_map<std::string, Entry>;

	Map current_;
	Map previous_;
};

} // namespace rtprelay::ng
