// SPDX-License-Identifier: GPL-3.0-or-later
// RedisFollower: mirrors every key matching a pattern in one Redis database, for a standby node
// that follows the active node's call documents without owning them: a complete snapshot after
// each (re)connect, then each change as Redis' keyspace notifications report it. Two hiredis
// connections (one subscribed, one for commands, which also carries a PING each second) on the
// control loop; it lives on, and is used
// from, the control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "event/loop.h"
#include "ha/redis_link.h"
#include "util/result.h"

namespace rtprelay::ha {

class RedisFollower {
public:
	// Called on the loop. Any of them may destroy the follower.
	struct Events {
		// A complete picture: every matching key with its string value. Comes first after
		// each (re)connect, and replaces whatever the owner held (keys missing from it are
		// gone).
		std::function<void(std::vector<std::pair<std::string, std::string>>)> snapshot;
		// Set or changed: the value Redis held when it was read, after the change.
		std::function<void(const std::string& key, std::string value)> stored;
		// Deleted, expired, evicted, renamed away, or found holding no string. May name a
		// key the owner does not hold (one that came and went while the snapshot loaded).
		std::function<void(const std::string& key)> removed;
	};

	// Connects asynchronously on `base` (the control loop's) and keeps reconnecting, after
	// limits.disable_time_s, until destroyed. HOST, when a name, is resolved here, once
	// (blocking). `pattern` is a Redis glob ("rtprelay:call:*").
	static Result<std::unique_ptr<RedisFollower>> create(event_base* base, RedisTarget target,
	                                                     RedisLimits limits,
	                                                     std::string pattern, Events events);
	// No callbacks after this. Destroy the follower before its event_base.
	~RedisFollower();
	RedisFollower(const RedisFollower&) = delete;
	RedisFollower& operator=(const RedisFollower&) = delete;

	struct Stats {
		bool following = false; // a snapshot delivered, and the connections still up since
		uint64_t snapshots = 0;
		uint64_t stored = 0;
		uint64_t removed = 0;
		std::string last_error; // the latest, kept after a recovery; empty if none yet
	};
	Stats stats() const;

private:
	enum class State { kDown, kConnecting, kLoading, kFollowing };
	// For log lines: each change is logged once.
	enum class Health { kStarting, kFollowing, kDown };
	// What a reply on the command connection answers (its privdata).
	enum class Cmd { kRequired, kConfigGet, kConfigSet, kScan, kMget, kGet, kPing };
	// While following with nothing outstanding, a PING this often: a server that stopped
	// answering (its host gone, the network cut: no connection is closed) is noticed within
	// this plus cmd_timeout_ms, not at the next change, which may never come.
	static constexpr int kPingMs = 1000;
	using KeyValues = std::vector<std::pair<std::string, std::string>>;
	// A notification's outcome waiting for its turn: a GET sent (get), or a removal that
	// must not overtake the GETs sent before it.
	struct Pending {
		std::string key;
		bool get = true;
	};

	RedisFollower(event_base* base, RedisTarget target, std::string address, RedisLimits limits,
	              std::string pattern, Events events);
	Result<void> make_timers();
	void connect();
	Result<redis_detail::AsyncContextPtr> open_context();
	void open_subscriber();
	void subscribe();
	void send(redis_detail::Argv& a, Cmd kind);
	void on_cmd_reply(Cmd kind, const redisReply& r);
	void on_config(const redisReply& r);
	void config_refused(const std::string& error);
	void subscribed();
	void send_scan();
	void on_scan(const redisReply& r);
	void on_mget(const redisReply& r);
	void maybe_loaded();
	void notified(std::string_view channel, std::string_view event);
	void send_get(const std::string& key);
	void on_get(const redisReply& r);
	void fail(const std::string& reason);
	bool emit_removed(const std::string& key);

	static void connect_cb(const redisAsyncContext* ac, int status);
	static void disconnect_cb(const redisAsyncContext* ac, int status);
	static void* cmd_tag(Cmd kind); // the privdata naming it
	static void cmd_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void sub_auth_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void sub_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void reconnect_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void connect_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void cmd_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void ping_timer_cb(evutil_socket_t fd, short what, void* arg);

	event_base* base_;
	RedisTarget target_;
	std::string address_; // the numeric host hiredis connects to
	std::string name_;    // target_.to_string(), for log lines
	RedisLimits limits_;
	std::string pattern_;
	std::string channel_prefix_; // "__keyspace@DB__:", before each key in a channel name
	Events events_;
	// Expires with the follower: a caller of a callback that may destroy it checks this after.
	std::shared_ptr<int> life_ = std::make_shared<int>(0);

	redis_detail::AsyncContextPtr cmd_; // AUTH, SELECT, CONFIG, SCAN, MGET, GET
	redis_detail::AsyncContextPtr sub_; // PSUBSCRIBE only
	State state_ = State::kDown;
	Health health_ = Health::kStarting;
	int outstanding_ = 0; // commands on cmd_ not yet answered
	bool config_warned_ = false;

	// While the snapshot loads.
	std::string cursor_;
	bool scan_done_ = false;
	std::unordered_set<std::string> seen_;         // SCAN may return a key more than once
	std::deque<std::vector<std::string>> batches_; // the keys of each MGET in flight
	KeyValues loaded_;
	// Keys notified meanwhile, each once, in first-notified order: read again afterwards.
	std::vector<std::string> held_;
	std::unordered_set<std::string> held_set_;

	// While following: in the order of the notifications.
	std::deque<Pending> pending_;

	uint64_t snapshots_ = 0;
	uint64_t stored_ = 0;
	uint64_t removed_ = 0;
	std::string last_error_;

	event::EventPtr reconnect_timer_{nullptr, event_free};
	event::EventPtr connect_timer_{nullptr, event_free};
	event::EventPtr cmd_timer_{nullptr, event_free};
	event::EventPtr ping_timer_{nullptr, event_free};
};

} // namespace rtprelay::ha
