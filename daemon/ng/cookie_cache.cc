#include "ng/cookie_cache.h"

namespace rtprelay::ng {

CookieCache::Status CookieCache::begin(std::string_view cookie, const Waiter& waiter,
                                       const std::string** reply)
{
	std::string key(cookie);
	for (Map* m : {&current_, &previous_}) {
		auto it = m->find(key);
		if (it == m->end())
			continue;
		if (it->second.done) {
			*reply = &it->second.reply;
			return Status::kCached;
		}
		it->second.waiters.push_back(waiter);
		return Status::kRunning;
	}
	if (current_.size() >= kMaxEntriesPerGeneration)
		rotate();
	current_.emplace(std::move(key), Entry{});
	return Status::kStarted;
}

std::vector<CookieCache::Waiter> CookieCache::finish(std::string_view cookie, std::string reply)
{
	std::string key(cookie);
	Entry entry;
	if (auto it = current_.find(key); it != current_.end()) {
		// The usual case: begun in this generation, finished in place.
		it->second.reply = std::move(reply);
		it->second.done = true;
		return std::move(it->second.waiters);
	}
	if (auto it2 = previous_.find(key); it2 != previous_.end()) {
		entry = std::move(it2->second);
		previous_.erase(it2);
	}
	std::vector<Waiter> waiters = std::move(entry.waiters);
	// Kept in the newest generation, so the reply lives at least one full period from now.
	Entry& stored = current_[std::move(key)];
	stored.reply = std::move(reply);
	stored.done = true;
	return waiters;
}

void CookieCache::rotate()
{
	// Commands still running keep their entry, or a retransmission would run them again.
	for (auto it = previous_.begin(); it != previous_.end();) {
		if (!it->second.done) {
			current_.insert(previous_.extract(it++));
		} else
			++it;
	}
	previous_ = std::move(current_);
	current_.clear();
}

} // namespace rtprelay::ng
