// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/write_queue.h"

namespace rtprelay::ha {

void WriteQueue::set(std::string key, std::string value, int expires_s)
{
	push(Write{0, Write::Op::kSet, std::move(key), std::move(value), expires_s});
}

void WriteQueue::del(std::string key)
{
	push(Write{0, Write::Op::kDel, std::move(key), {}, 0});
}

void WriteQueue::push(Write w)
{
	Slots& s = keys_.try_emplace(w.key, Slots{entries_.end(), entries_.end()}).first->second;
	if (s.waiting != entries_.end()) {
		// Coalesce: the newest write for a key keeps the place its first waiting one took,
		// so a busy key is not pushed back behind keys queued after it.
		Write& old = s.waiting->w;
		bytes_ -= cost(old);
		old.op = w.op;
		// Swapped, not assigned: w takes the old buffer away with it, so a del frees it.
		old.value.swap(w.value);
		old.expires_s = w.expires_s;
		bytes_ += cost(old);
	} else {
		s.waiting = entries_.insert(entries_.end(), Entry{std::move(w), false});
		bytes_ += cost(s.waiting->w);
	}
	enforce_bound();
}

void WriteQueue::enforce_bound()
{
	// Writes in flight stay: hiredis holds a copy already, and their replies name them.
	auto it = entries_.begin();
	while (bytes_ > max_bytes_ && it != entries_.end()) {
		if (it->in_flight) {
			++it;
			continue;
		}
		erase(it++);
		dropped_++;
		resync_needed_ = true;
	}
}

const Write* WriteQueue::next()
{
	// Skips at most the writes in flight and one waiting write per key in flight, so the walk
	// is bounded by the sender's window, not by the queue's length.
	for (auto it = entries_.begin(); it != entries_.end(); ++it) {
		if (it->in_flight)
			continue;
		Slots& s = keys_.find(it->w.key)->second;
		if (s.flying != entries_.end())
			continue; // the key's older write must be answered first
		it->in_flight = true;
		it->w.id = ++next_id_;
		s.flying = it;
		s.waiting = entries_.end();
		flying_.emplace(it->w.id, it);
		return &it->w;
	}
	return nullptr;
}

void WriteQueue::complete(uint64_t id)
{
	auto f = flying_.find(id);
	if (f != flying_.end())
		erase(f->second);
}

void WriteQueue::fail(uint64_t id)
{
	auto f = flying_.find(id);
	if (f != flying_.end())
		unfly(f->second);
}

void WriteQueue::requeue_in_flight()
{
	while (!flying_.empty())
		unfly(flying_.begin()->second);
}

void WriteQueue::clear()
{
	entries_.clear();
	keys_.clear();
	flying_.clear();
	bytes_ = 0;
	resync_needed_ = false;
}

bool WriteQueue::take_resync()
{
	bool needed = resync_needed_;
	resync_needed_ = false;
	return needed;
}

void WriteQueue::unfly(List::iterator it)
{
	Slots& s = keys_.find(it->w.key)->second;
	if (s.waiting != entries_.end()) {
		erase(it); // a newer write for the key waits: this one is stale
		return;
	}
	flying_.erase(it->w.id);
	it->in_flight = false;
	s.flying = entries_.end();
	s.waiting = it;
}

void WriteQueue::erase(List::iterator it)
{
	auto slot = keys_.find(it->w.key);
	if (it->in_flight) {
		slot->second.flying = entries_.end();
		flying_.erase(it->w.id);
	} else
		slot->second.waiting = entries_.end();
	if (slot->second.waiting == entries_.end() && slot->second.flying == entries_.end())
		keys_.erase(slot);
	bytes_ -= cost(it->w);
	entries_.erase(it);
}

} // namespace rtprelay::ha
