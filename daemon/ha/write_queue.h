// SPDX-License-Identifier: GPL-3.0-or-later
// The writes a RedisLink has not yet had answered, in first-queued order under a byte bound:
// per key at most one write waiting (a newer value replaces it, a del replaces a set and vice
// versa) and at most one in flight. Pure bookkeeping with no I/O, so it is tested without a
// server; its RedisLink owns it on the control thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace rtprelay::ha {

struct Write {
	enum class Op { kSet, kDel };
	uint64_t id = 0; // names the write while it is in flight (set by WriteQueue::next)
	Op op = Op::kSet;
	std::string key;
	std::string value; // kSet only
	int expires_s = 0; // kSet only; 0 = no expiry
};

class WriteQueue {
public:
	// What an entry costs beyond its key and value: the list node, the index entry and the
	// command framing hiredis adds to its copy.
	static constexpr size_t kEntryOverhead = 64;

	explicit WriteQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

	// Queue a write; over the byte bound, the oldest writes not in flight are dropped (which
	// may be this one).
	void set(std::string key, std::string value, int expires_s);
	void del(std::string key);

	// The oldest waiting write whose key has no write in flight, now marked in flight; nullptr
	// when none is ready. The pointer is valid until complete(), fail() or requeue_in_flight().
	const Write* next();
	// Redis answered OK: the write is done. A newer write for its key stays queued.
	void complete(uint64_t id);
	// Redis refused it: it waits again where it was, unless a newer write for its key waits.
	void fail(uint64_t id);
	// The connection is gone: every write in flight waits again, by fail()'s rule.
	void requeue_in_flight();
	// Forget every write, waiting and in flight (complete() and fail() of those in flight
	// then do nothing), and any resync owed: the owner no longer writes these keys.
	void clear();

	size_t size() const { return entries_.size(); } // waiting and in flight
	size_t bytes() const { return bytes_; }
	size_t in_flight() const { return flying_.size(); }
	uint64_t dropped() const { return dropped_; }
	// Whether writes were dropped since the last take_resync(): the owner must write all again.
	bool resync_needed() const { return resync_needed_; }
	bool take_resync();

private:
	struct Entry {
		Write w;
		bool in_flight = false;
	};
	using List = std::list<Entry>;
	// Where a key's writes sit in entries_; end() for none.
	struct Slots {
		List::iterator waiting;
		List::iterator flying;
	};

	static size_t cost(const Write& w)
	{
		return w.key.size() + w.value.size() + kEntryOverhead;
	}
	void push(Write w);
	void enforce_bound();
	void unfly(List::iterator it);
	void erase(List::iterator it);

	size_t max_bytes_;
	List entries_; // first-queued order
	std::unordered_map<std::string, Slots> keys_;
	std::unordered_map<uint64_t, List::iterator> flying_;
	size_t bytes_ = 0;
	uint64_t next_id_ = 0;
	uint64_t dropped_ = 0;
	bool resync_needed_ = false;
};

} // namespace rtprelay::ha
