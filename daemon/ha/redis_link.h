// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's connection to Redis: where it is (RedisTarget, parsed from rtpengine's --redis
// syntax), a RedisLink that writes keys asynchronously on the control loop through hiredis and
// keeps reconnecting (optionally fenced by a lease key, and carrying one-off commands such as
// the lease's scripts), and load_all(), the blocking read of every stored key at start-up.
// RedisLink lives on and is used from the control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event/loop.h"
#include "ha/write_queue.h"
#include "util/result.h"

struct redisAsyncContext;
struct redisReply;

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

// A reply of Redis, owned (hiredis' own is freed once its callback returns). A status reply
// ("OK") is a kString; an error reply is never a RedisValue but the Error of a Reply.
struct RedisValue {
	enum class Type { kNil, kInteger, kString, kArray };
	Type type = Type::kNil;
	long long integer = 0;            // kInteger
	std::string str;                  // kString
	std::vector<RedisValue> elements; // kArray
};

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

// Shared by RedisLink and RedisFollower (the same hiredis plumbing).
namespace redis_detail {

// Detaches the context from its owner (ac->data), then redisAsyncFree: the callbacks hiredis
// still runs for pending commands see no owner and return. Inside one of the context's reply
// callbacks hiredis defers the free until the callback returns.
struct AsyncFree {
	void operator()(redisAsyncContext* ac) const;
};
using AsyncContextPtr = std::unique_ptr<redisAsyncContext, AsyncFree>;

// An argument vector for hiredis' *CommandArgv: binary-safe (values are JSON with keys in
// them; no format string ever sees them). The views must outlive the command call only.
class Argv {
public:
	Argv() = default;
	Argv(std::initializer_list<std::string_view> args)
	{
		for (std::string_view a : args)
			add(a);
	}
	void add(std::string_view a)
	{
		ptrs_.push_back(a.data());
		lens_.push_back(a.size());
	}
	int argc() const { return static_cast<int>(ptrs_.size()); }
	const char** argv() { return ptrs_.data(); }
	const size_t* lens() const { return lens_.data(); }

private:
	std::vector<const char*> ptrs_;
	std::vector<size_t> lens_;
};

// A host name becomes an address once, at start-up, so that reconnecting never waits for DNS
// on the control loop (hiredis would resolve synchronously at each connect).
Result<std::string> resolve(const std::string& host);
// An error or status reply's text, printable and cut short, for logs and Errors.
std::string reply_text(const redisReply& r);
// Arms a timer event for `ms` from now.
void arm(const event::EventPtr& ev, int64_t ms);

} // namespace redis_detail

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
	// Frees the hiredis context without calling back into this object: commands still
	// unanswered never get their `done`. Destroy the link before its event_base. It may be
	// destroyed from inside any of its callbacks (a command's done, on_up, on_fenced,
	// on_resync).
	~RedisLink();
	RedisLink(const RedisLink&) = delete;
	RedisLink& operator=(const RedisLink&) = delete;

	// Queue a write (WriteQueue's rules: per key only the newest waits; a del and a set
	// supersede each other; keys go in first-queued order). expires_s 0 = no expiry, else
	// SET key value EX expires_s.
	void set(const std::string& key, std::string value, int expires_s);
	void del(const std::string& key);
	// Forget every queued write, those in flight included (their answers are ignored, none
	// is sent again), and any resync owed: for a node that stops owning the keys. Commands
	// and the fence are left as they are.
	void discard();

	// Called on the loop when the link is up after writes were dropped (queue over
	// max_queued_bytes): the owner must then write everything again. It fires on the next
	// connect or, if the drops happened while connected, once the queue has drained. Set once
	// after create.
	void on_resync(std::function<void()> fn) { on_resync_ = std::move(fn); }

	// A command outside the write queue (the lease's EVALs). While the link is up it is sent
	// at once, whatever the queue's state (even fenced or pausing after a refusal), behind the
	// writes already sent; `done` then gets the reply, or an Error (refused by Redis: its
	// error text; no reply within cmd_timeout_ms or the connection lost: "link down: ..."),
	// exactly once, on the loop, unless the link is destroyed first. It is never sent again
	// after a reconnect. While the link is not up (connected() false) `done` gets Error
	// "not connected" before command() returns.
	using Reply = Result<RedisValue>;
	void command(const std::vector<std::string>& argv, std::function<void(Reply)> done);

	// Fencing: from now on every write (set and del) runs as a Lua script that first checks
	// GET fence_key == fence_value and otherwise refuses with "FENCED", writing nothing. The
	// first FENCED refusal stops all writing (the queue is kept and grows, nothing more is
	// sent; command() still works) and calls on_fenced once. set_fence() again (a new lease
	// value) or clear_fence() (plain writes) resumes writing, the refused writes first.
	// Writes already sent when the fence changes finish under the fence they were sent with.
	void set_fence(std::string fence_key, std::string fence_value);
	void clear_fence();
	void on_fenced(std::function<void()> fn) { on_fenced_ = std::move(fn); }
	// Called each time the link comes up (the handshake answered), before the queued writes
	// are sent, so a command() sent from it (a lease claim) runs before them. Also after a
	// reconnect.
	void on_up(std::function<void()> fn) { on_up_ = std::move(fn); }
	// Whether the link is up (handshake answered): command() would be sent.
	bool connected() const { return connected_; }

	struct Stats {
		bool connected = false;
		uint64_t written = 0;    // commands Redis answered OK
		uint64_t failed = 0;     // commands refused or timed out (they are retried)
		uint64_t dropped = 0;    // writes dropped because the queue was full
		uint64_t reconnects = 0; // connections made after the first
		size_t queued = 0;       // writes waiting (incl. in flight)
		size_t queued_bytes = 0;
		bool fenced = false;    // a write was FENCED: writing stops until the fence changes
		std::string last_error; // the latest, kept after a recovery; empty if none yet
	};
	Stats stats() const;

private:
	// For log lines: each change is logged once, not each command or attempt.
	enum class Health { kStarting, kUp, kRefusing, kDown };

	RedisLink(event_base* base, RedisTarget target, std::string address, RedisLimits limits);
	Result<void> make_timers();
	void connect();
	void handshake();
	void up();
	void pump();
	bool send(redis_detail::Argv& a);
	void on_reply(const redisReply& r);
	void on_write_reply(uint64_t id, uint64_t fence_gen, bool ok, const std::string& error);
	void fenced_refusal(uint64_t fence_gen);
	void refused(const std::string& error);
	void drop(const std::string& reason);
	void went_down(const std::string& reason);
	bool maybe_resync(bool connecting);
	void note_drops(bool was_needed);

	static void connect_cb(const redisAsyncContext* ac, int status);
	static void disconnect_cb(const redisAsyncContext* ac, int status);
	// What a handshake reply means: an error of a required step fails the connection.
	enum class HandshakeStep { kRequired, kKillPrevious, kClientId };
	static void* step_tag(HandshakeStep step); // the privdata naming it
	static void handshake_cb(redisAsyncContext* ac, void* reply, void* privdata);
	static void reply_cb(redisAsyncContext* ac, void* reply, void* privdata);
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
	std::function<void()> on_fenced_;
	std::function<void()> on_up_;
	// Expires with the link: a caller of a callback that may destroy it checks this after.
	std::shared_ptr<int> life_ = std::make_shared<int>(0);

	redis_detail::AsyncContextPtr ac_; // null while down
	int handshake_left_ = 0;           // replies to the handshake's commands still to come
	// Redis' CLIENT ID of the last connection that got through its handshake (and so may
	// have sent writes); -1: none, or Redis would not say.
	long long client_id_ = -1;
	bool connected_ = false; // handshake answered: writes may go
	bool ever_connected_ = false;
	bool holding_ = false; // a write was refused: nothing more is sent until the retry timer
	// What was sent, in the order Redis answers: a write (its queue id, and the fence it went
	// under) or a command (its done).
	struct Sent {
		uint64_t write_id = 0;
		uint64_t fence_gen = 0;
		std::function<void(Reply)> done; // set for a command
	};
	std::deque<Sent> sent_;
	bool fence_set_ = false;
	std::string fence_key_;
	std::string fence_value_;
	uint64_t fence_gen_ = 0; // counts set_fence/clear_fence: tells stale FENCED replies apart
	bool fenced_ = false;    // a write under the current fence was refused: not writing
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
