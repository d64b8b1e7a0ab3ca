// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/cookie_cache.h"

#include <cstring>

namespace rtprelay::ng {
namespace {
// A map node (key, Entry, hash, next) and its bucket, as the arena hands them out.
constexpr size_t kEntryOverhead = 128;
} // namespace

std::string_view CookieCache::Generation::keep(std::string_view s)
{
	if (s.empty())
		return {};
	auto* p = static_cast<char*>(arena.allocate(s.size(), 1));
	memcpy(p, s.data(), s.size());
	bytes += s.size();
	return {p, s.size()};
}

CookieCache::Entry& CookieCache::Generation::add(std::string_view cookie)
{
	bytes += kEntryOverhead;
	return map[keep(cookie)];
}

CookieCache::Status CookieCache::begin(std::string_view cookie, const Waiter& waiter,
                                       std::string_view* reply)
{
	for (Generation* g : {current_.get(), previous_.get()}) {
		auto it = g->map.find(cookie);
		if (it == g->map.end())
			continue;
		if (it->second.done) {
			*reply = it->second.reply;
			return Status::kCached;
		}
		it->second.waiters.push_back(waiter);
		return Status::kRunning;
	}
	make_room();
	current_->add(cookie);
	return Status::kStarted;
}

std::vector<CookieCache::Waiter> CookieCache::finish(std::string_view cookie,
                                                     std::string_view reply)
{
	Entry* entry = nullptr;
	std::vector<Waiter> waiters;
	if (auto it = current_->map.find(cookie); it != current_->map.end()) {
		entry = &it->second; // the usual case: begun in this generation
		waiters = std::move(entry->waiters);
	} else {
		// Begun before the last rotation (or unknown): kept in the newest generation, so
		// the reply lives at least one full period from now.
		if (auto old = previous_->map.find(cookie); old != previous_->map.end()) {
			waiters = std::move(old->second.waiters);
			previous_->map.erase(old);
		}
		entry = &current_->add(cookie);
	}
	entry->reply = current_->keep(reply);
	entry->done = true;
	entry->waiters.clear();
	// After storing, so that the newest reply always survives the next rotation.
	make_room();
	return waiters;
}

void CookieCache::tick()
{
	if (++current_->age_s >= kRotateSeconds)
		rotate();
}

void CookieCache::make_room()
{
	if (current_->bytes < max_bytes_ / 2)
		return;
	for (const auto& [cookie, entry] : previous_->map)
		if (entry.done)
			dropped_++;
	rotate();
}

void CookieCache::rotate()
{
	// Commands still running keep their entry, or a retransmission would run them again.
	for (auto& [cookie, entry] : previous_->map)
		if (!entry.done)
			current_->add(cookie).waiters = std::move(entry.waiters);
	previous_ = std::move(current_);
	current_ = std::make_unique<Generation>();
}

} // namespace rtprelay::ng
