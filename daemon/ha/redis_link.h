// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's connection to Redis: where it is (RedisTarget, parsed from rtpengine's --redis
// syntax), a RedisLink that writes keys asynchronously on the control loop through hiredis and
// keeps reconnecting, and load_all(), the blocking read of every stored key at start-up.
// RedisLink lives on and is used from the control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event/loop.h"
#include "ha/write_queue.h"
#include "util/result.h"

struct redisAsyncContext;

namespace rtprelay::ha {

// [PASSWORD@]HOST:PORT[/DB] as rtpengine's --redis takes it (it requires /DB; 0 here when
// left out). The password ends at the last '@', so it may hold '@' itself. HOST is an IPv4
// literal, an IPv6 literal in brackets ([::1]) or a name.
struct RedisTarget {
	std::string password; // empty: no AUTH
	std::string host;     // without brackets
	uint16_t port = 6379;
	int db = 0; // any non-negative number; Redis itself refuses one it does not have
	// HOST:PORT/DB, brackets around an IPv6 host, never the password: for logs and replies.
	std::string to_string() const;
};

Result<RedisTarget> parse_redis_target(std::string_view spec);

struct RedisLimits {
	int connect_timeout_ms = 1000; // TCP connect plus AUTH, SELECT and PING answered
	// Commands outstanding and no reply for this long: the connection is dropped and the
	// commands are sent again once it is back.
	int cmd_timeout_ms = 1000;
	// After a failed connection attempt or a lost connection, wait this long before the next
	// (rtpengine's --redis-disable-time).
	int disable_time_s = 10;
	// rtpengine's --redis-allowed-errors: this many refused commands in a row are tolerated
	// (each is retried after a pause); one more and the link drops the connection for
	// disable_time_s. -1 = never.
	int allowed_errors = -1;
	// Bounded memory for writes waiting while Redis is away.
	size_t max_queued_bytes = size_t{64} << 20;
};

class RedisLink {
public:
	// Commands in flight at most; more wait in the queue.
	static constexpr size_t kMaxInFlight = 64;
	// The pause before a refused command is sent again.
	static constexpr int kRetryDelayMs = 1000;

	// Connects asynchronously on `base` (the control loop's) and keeps reconnecting. HOST,
	// when a name, is resolved here, once (blocking): a reconnect must not block the loop.
	static Result<std::unique_ptr<RedisLink>> create(event_base* base, RedisTarget target,
	                                                 RedisLimits limits);
	// Frees the hiredis context without calling back into this object. Destroy the link before
	// its event_base, and not from inside its own on_resync function.
	~RedisLink();
	RedisLink(const RedisLink&) = delete;
	RedisLink& operator=(const RedisLink&) = delete;

	// Queue a write (WriteQueue's rules: per key only the newest waits; a del and a set
	// supersede each other; keys go in first-queued order). expires_s 0 = no expiry, else
	// SET key value EX expires_s.
	void set(const std::string& key, std::string value, int expires_s);
	void del(const std::string& key);

	// Called on the loop when the link is up after writes were dropped (queue over
	// max_queued_bytes): the owner must then write everything again. It fires on the next
	// connect or, if the drops happened while connected, once the queue has drained. Set once
	// after create.
	void on_resync(std::function<void()> fn) { on_resync_ = std::move(fn); }

	struct Stats {
		bool connected = false;
		uint64_t written = 0;    // commands Redis answered OK
		uint64_t failed = 0;     // commands refused or timed out (they are retried)
		uint64_t dropped = 0;    // writes dropped because the queue was full
		uint64_t reconnects = 0; // connections made after the first
		size_t queued = 0;       // writes waiting (incl. in flight)
		size_t queued_bytes = 0;
		std::string last_error; // the latest, kept after a recovery; empty if none yet
	};
	Stats stats() const;

private:
	// Detaches the context from its link (ac->data), then redisAsyncFree: the callbacks hiredis
	// still runs for pending commands see no link and return.
	struct AsyncFree {
		void operator()(redisAsyncContext* ac) const;
	};
	using AsyncContextPtr = std::unique_ptr<redisAsyncContext, AsyncFree>;
	// For log lines: each change is logged once, not each command or attempt.
	enum class Health { kStarting, kUp, kRefusing, kDown };

	RedisLink(event_base* base, RedisTarget target, std::string address, RedisLimits limits);
	Result<void> make_timers();
	void connect();
	void handshake();
	void up();
	void pump();
	void on_write_reply(bool ok, const std::string& error);
	void refused(const std::string& error);
	void drop(const std::string& reason);
	void went_down(const std::string& reason);
	void maybe_resync(bool connecting);
	void note_drops(bool was_needed);

	static void connect_cb(const redisAsyncContext* ac, int status);
	static void disconnect_cb(const redisAsyncContext* ac, int status);
	// What a handshake reply means: an error of a required step fails the connection.
	enum class HandshakeStep { kRequired, kKillPrevious, kClientId };
	static void* step_tag(HandshakeStep step); // the privdata naming it
	static void handshake_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void write_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void reconnect_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void connect_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void cmd_timer_cb(evutil_socket_t fd, short what, void* arg);
	static void retry_timer_cb(evutil_socket_t fd, short what, void* arg);

	event_base* base_;
	RedisTarget target_;
	std::string address_; // the numeric host hiredis connects to
	std::string name_;    // target_.to_string(), for log lines
	RedisLimits limits_;
	WriteQueue queue_;
	std::function<void()> on_resync_;

	AsyncContextPtr ac_;     // null while down
	int handshake_left_ = 0; // replies to the handshake's commands still to come
	// Redis' CLIENT ID of the last connection that got through its handshake (and so may
	// have sent writes); -1: none, or Redis would not say.
	long long client_id_ = -1;
	bool connected_ = false; // handshake answered: writes may go
	bool ever_connected_ = false;
	bool holding_ = false; // a write was refused: nothing more is sent until the retry timer
	std::deque<uint64_t> sent_; // ids of the writes in flight, in the order Redis answers
	int errors_in_row_ = 0;
	Health health_ = Health::kStarting;

	uint64_t written_ = 0;
	uint64_t failed_ = 0;
	uint64_t reconnects_ = 0;
	std::string last_error_;

	event::EventPtr reconnect_timer_{nullptr, event_free};
	event::EventPtr connect_timer_{nullptr, event_free};
	event::EventPtr cmd_timer_{nullptr, event_free};
	event::EventPtr retry_timer_{nullptr, event_free};
};

// Synchronous (blocking, within the connect and command timeouts), for start-up before serving:
// every key matching `pattern` (SCAN, not KEYS) with its string value (MGET per batch). Keys
// that vanish meanwhile or hold no string are left out. Error when Redis cannot be reached or
// refuses a command.
Result<std::vector<std::pair<std::string, std::string>>>
load_all(const RedisTarget& target, const RedisLimits& limits, std::string_view pattern);

} // namespace rtprelay::ha
