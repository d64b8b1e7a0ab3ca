// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/redis_follower.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <iterator>

#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ha {

namespace {

using redis_detail::Argv;
using redis_detail::arm;
using redis_detail::reply_text;

constexpr log::Subsystem kLog = log::Subsystem::kCore;

// MGET this many keys at a time: one reply stays small.
constexpr size_t kMgetBatch = 256;

// The notification classes followed: K the keyspace channel, $ string commands (set),
// g generic ones (del, rename, expire), x expired, e evicted.
constexpr std::string_view kNeededEvents = "K$gxe";

// The current notify-keyspace-events value with the classes needed added. 'A' (as CONFIG GET
// writes it when every class is on) stands for all of them but K, E, n and m.
std::string with_needed_events(std::string_view current)
{
	std::string merged(current);
	bool all = current.find('A') != std::string_view::npos;
	for (char c : kNeededEvents)
		if (merged.find(c) == std::string::npos && (c == 'K' || !all))
			merged += c;
	return merged;
}

// After these the key holds nothing, for us.
bool is_removal(std::string_view event)
{
	return event == "del" || event == "expired" || event == "evicted" ||
	       event == "rename_from" || event == "move_from";
}

// These change no value: a TTL set or dropped, a key created empty, a read that missed (which
// our own GETs cause: following it would loop).
bool is_ignored(std::string_view event)
{
	return event == "expire" || event == "persist" || event == "new" || event == "keymiss";
}

std::string_view str(const redisReply& r)
{
	return {r.str, r.len};
}

} // namespace

RedisFollower::RedisFollower(event_base* base, RedisTarget target, std::string address,
                             RedisLimits limits, std::string pattern, Events events)
    : base_(base), target_(std::move(target)), address_(std::move(address)),
      name_(target_.to_string()), limits_(limits), pattern_(std::move(pattern)),
      channel_prefix_(strprintf("__keyspace@%d__:", target_.db)), events_(std::move(events))
{
}

Result<std::unique_ptr<RedisFollower>> RedisFollower::create(event_base* base, RedisTarget target,
                                                             RedisLimits limits,
                                                             std::string pattern, Events events)
{
	auto address = redis_detail::resolve(target.host);
	if (!address)
		return address.error();
	std::unique_ptr<RedisFollower> f(new RedisFollower(base, std::move(target),
	                                                   std::move(*address), limits,
	                                                   std::move(pattern), std::move(events)));
	if (auto r = f->make_timers(); !r)
		return r.error();
	f->connect();
	return f;
}

Result<void> RedisFollower::make_timers()
{
	reconnect_timer_.reset(evtimer_new(base_, reconnect_timer_cb, this));
	connect_timer_.reset(evtimer_new(base_, connect_timer_cb, this));
	cmd_timer_.reset(evtimer_new(base_, cmd_timer_cb, this));
	ping_timer_.reset(event_new(base_, -1, EV_PERSIST, ping_timer_cb, this));
	timeval every{kPingMs / 1000, static_cast<suseconds_t>(kPingMs % 1000) * 1000};
	if (!reconnect_timer_ || !connect_timer_ || !cmd_timer_ || !ping_timer_ ||
	    event_add(ping_timer_.get(), &every) < 0)
		return Error{"cannot create the Redis follower's timers"};
	return {};
}

RedisFollower::~RedisFollower()
{
	// Detached first (AsyncFree), so what hiredis calls back while freeing finds no follower.
	sub_.reset();
	cmd_.reset();
}

Result<redis_detail::AsyncContextPtr> RedisFollower::open_context()
{
	redisAsyncContext* ac = redisAsyncConnect(address_.c_str(), target_.port);
	if (!ac)
		return Error{"cannot allocate a hiredis context"};
	if (ac->err) {
		std::string why = ac->errstr;
		redisAsyncFree(ac); // not attached to the loop and no callbacks set: a plain free
		return Error{why};
	}
	ac->data = this;
	redis_detail::AsyncContextPtr owned(ac);
	if (redisLibeventAttach(ac, base_) != REDIS_OK ||
	    redisAsyncSetConnectCallback(ac, connect_cb) != REDIS_OK ||
	    redisAsyncSetDisconnectCallback(ac, disconnect_cb) != REDIS_OK)
		return Error{"cannot attach hiredis to the event loop"};
	// A peer gone without a word (no FIN) must not leave the subscription silent forever.
	redisEnableKeepAlive(&ac->c);
	return owned;
}

// The command connection first: notifications must be on before the subscription counts.
void RedisFollower::connect()
{
	state_ = State::kConnecting;
	// hiredis 0.14's async API has no timeouts of its own. This one lasts until the
	// subscription is confirmed.
	arm(connect_timer_, limits_.connect_timeout_ms);
	auto ac = open_context();
	if (!ac) {
		fail(ac.error().reason);
		return;
	}
	cmd_ = std::move(*ac);
}

void RedisFollower::open_subscriber()
{
	auto ac = open_context();
	if (!ac) {
		fail(ac.error().reason);
		return;
	}
	sub_ = std::move(*ac);
}

void RedisFollower::send(Argv& a, Cmd kind)
{
	// Fails only while the context is going away; its disconnect callback follows.
	if (redisAsyncCommandArgv(cmd_.get(), cmd_cb, cmd_tag(kind), a.argc(), a.argv(),
	                          a.lens()) != REDIS_OK)
		return;
	outstanding_++;
	if (!evtimer_pending(cmd_timer_.get(), nullptr))
		arm(cmd_timer_, limits_.cmd_timeout_ms);
}

void RedisFollower::on_cmd_reply(Cmd kind, const redisReply& r)
{
	// A reply is progress: the next command gets the full timeout from now.
	if (--outstanding_ <= 0) {
		outstanding_ = 0;
		event_del(cmd_timer_.get());
	} else
		arm(cmd_timer_, limits_.cmd_timeout_ms);
	bool error = r.type == REDIS_REPLY_ERROR;
	switch (kind) {
	case Cmd::kRequired:
		if (error)
			fail("handshake refused: " + reply_text(r));
		break;
	case Cmd::kPing:
		if (error)
			fail("PING refused: " + reply_text(r));
		break;
	case Cmd::kConfigGet:
		if (error) {
			config_refused(reply_text(r));
			open_subscriber();
		} else
			on_config(r);
		break;
	case Cmd::kConfigSet:
		if (error)
			config_refused(reply_text(r));
		open_subscriber();
		break;
	case Cmd::kScan:
		if (error)
			fail("SCAN: " + reply_text(r));
		else
			on_scan(r);
		break;
	case Cmd::kMget:
		if (error)
			fail("MGET: " + reply_text(r));
		else
			on_mget(r);
		break;
	case Cmd::kGet: on_get(r); break;
	}
}

void RedisFollower::on_config(const redisReply& r)
{
	if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 ||
	    r.element[1]->type != REDIS_REPLY_STRING) {
		config_refused("unexpected reply to CONFIG GET");
		open_subscriber();
		return;
	}
	std::string_view current = str(*r.element[1]);
	std::string merged = with_needed_events(current);
	if (merged == current) {
		open_subscriber();
		return;
	}
	log::info(kLog, "redis %s: notify-keyspace-events '%s' -> '%s'", name_.c_str(),
	          printable(current).c_str(), printable(merged).c_str());
	Argv a{"CONFIG", "SET", "notify-keyspace-events", merged};
	send(a, Cmd::kConfigSet);
}

// Going on is right: the operator may have enabled them already (and only CONFIG is barred).
void RedisFollower::config_refused(const std::string& error)
{
	if (config_warned_)
		return;
	config_warned_ = true;
	log::warn(kLog,
	          "redis %s: cannot check keyspace notifications (%s); the operator must enable "
	          "them (notify-keyspace-events K$gxe), or changes will not be followed",
	          name_.c_str(), error.c_str());
}

void RedisFollower::subscribe()
{
	if (!target_.password.empty()) {
		Argv a{"AUTH", target_.password};
		redisAsyncCommandArgv(sub_.get(), sub_auth_cb, nullptr, a.argc(), a.argv(),
		                      a.lens());
	}
	std::string channels = channel_prefix_ + pattern_;
	Argv a{"PSUBSCRIBE", channels};
	redisAsyncCommandArgv(sub_.get(), sub_cb, nullptr, a.argc(), a.argv(), a.lens());
}

// From here every change is notified: a snapshot read now misses nothing.
void RedisFollower::subscribed()
{
	if (state_ != State::kConnecting)
		return;
	event_del(connect_timer_.get());
	state_ = State::kLoading;
	cursor_ = "0";
	scan_done_ = false;
	send_scan();
}

void RedisFollower::send_scan()
{
	Argv a{"SCAN", cursor_, "MATCH", pattern_, "COUNT", "1000"};
	send(a, Cmd::kScan);
}

// The keys new to this snapshot are read (MGET, pipelined), and the next SCAN step goes
// behind them.
void RedisFollower::on_scan(const redisReply& r)
{
	if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 ||
	    r.element[0]->type != REDIS_REPLY_STRING || r.element[1]->type != REDIS_REPLY_ARRAY) {
		fail("SCAN: unexpected reply");
		return;
	}
	const redisReply& found = *r.element[1];
	std::vector<std::string> keys;
	for (size_t i = 0; i < found.elements; i++) {
		const redisReply* k = found.element[i];
		if (k->type == REDIS_REPLY_STRING && seen_.emplace(str(*k)).second)
			keys.emplace_back(str(*k));
	}
	for (size_t from = 0; from < keys.size(); from += kMgetBatch) {
		size_t n = std::min(kMgetBatch, keys.size() - from);
		std::vector<std::string> batch(keys.begin() + static_cast<ptrdiff_t>(from),
		                               keys.begin() + static_cast<ptrdiff_t>(from + n));
		Argv a{"MGET"};
		for (const std::string& k : batch)
			a.add(k);
		send(a, Cmd::kMget);
		batches_.push_back(std::move(batch));
	}
	cursor_ = str(*r.element[0]);
	if (cursor_ == "0")
		scan_done_ = true;
	else
		send_scan();
	maybe_loaded();
}

void RedisFollower::on_mget(const redisReply& r)
{
	if (batches_.empty() || r.type != REDIS_REPLY_ARRAY ||
	    r.elements != batches_.front().size()) {
		fail("MGET: unexpected reply");
		return;
	}
	std::vector<std::string> batch = std::move(batches_.front());
	batches_.pop_front();
	// A key gone meanwhile, or holding no string, is nil: left out.
	for (size_t i = 0; i < r.elements; i++)
		if (r.element[i]->type == REDIS_REPLY_STRING)
			loaded_.emplace_back(std::move(batch[i]), std::string(str(*r.element[i])));
	maybe_loaded();
}

void RedisFollower::maybe_loaded()
{
	if (!scan_done_ || !batches_.empty())
		return;
	state_ = State::kFollowing;
	snapshots_++;
	KeyValues snapshot = std::move(loaded_);
	loaded_.clear();
	seen_.clear();
	if (health_ != Health::kFollowing)
		log::notice(kLog, "redis %s: following %s (%zu keys)", name_.c_str(),
		            printable(pattern_).c_str(), snapshot.size());
	health_ = Health::kFollowing;
	// Read again what changed while loading, by what it is now: the GETs go behind
	// everything the snapshot read.
	std::vector<std::string> held = std::move(held_);
	held_.clear();
	held_set_.clear();
	for (const std::string& key : held)
		send_get(key);
	if (events_.snapshot)
		events_.snapshot(std::move(snapshot)); // last: it may destroy the follower
}

void RedisFollower::notified(std::string_view channel, std::string_view event)
{
	if (!channel.starts_with(channel_prefix_) || is_ignored(event))
		return;
	std::string key(channel.substr(channel_prefix_.size()));
	if (state_ == State::kLoading) {
		if (held_set_.insert(key).second)
			held_.push_back(std::move(key));
		return;
	}
	if (state_ != State::kFollowing)
		return;
	if (!is_removal(event)) {
		send_get(key);
		return;
	}
	// Behind the GETs sent before it, or their answers (older values) would overtake it.
	if (!pending_.empty()) {
		pending_.push_back(Pending{std::move(key), false});
		return;
	}
	emit_removed(key); // last: it may destroy the follower
}

void RedisFollower::send_get(const std::string& key)
{
	Argv a{"GET", key};
	send(a, Cmd::kGet);
	pending_.push_back(Pending{key, true});
}

void RedisFollower::on_get(const redisReply& r)
{
	if (pending_.empty() || !pending_.front().get) {
		fail("GET: reply out of order");
		return;
	}
	std::string key = std::move(pending_.front().key);
	pending_.pop_front();
	// WRONGTYPE: the key holds no string, so no document.
	if (r.type == REDIS_REPLY_ERROR && !str(r).starts_with("WRONGTYPE")) {
		fail("GET: " + reply_text(r));
		return;
	}
	std::weak_ptr<int> alive = life_;
	if (r.type == REDIS_REPLY_STRING) {
		stored_++;
		if (events_.stored)
			events_.stored(key, std::string(str(r)));
		if (alive.expired())
			return;
	} else if (!emit_removed(key))
		return;
	// The removals that waited for this answer.
	while (!pending_.empty() && !pending_.front().get) {
		std::string gone = std::move(pending_.front().key);
		pending_.pop_front();
		if (!emit_removed(gone))
			return;
	}
}

// Whether the follower still exists afterwards.
bool RedisFollower::emit_removed(const std::string& key)
{
	removed_++;
	if (!events_.removed)
		return true;
	std::weak_ptr<int> alive = life_;
	events_.removed(key);
	return !alive.expired();
}

// Both connections go, whichever failed: the picture is only whole with both.
void RedisFollower::fail(const std::string& reason)
{
	sub_.reset();
	cmd_.reset();
	state_ = State::kDown;
	outstanding_ = 0;
	seen_.clear();
	batches_.clear();
	loaded_.clear();
	held_.clear();
	held_set_.clear();
	pending_.clear();
	event_del(connect_timer_.get());
	event_del(cmd_timer_.get());
	last_error_ = reason;
	if (health_ != Health::kDown)
		log::warn(kLog, "redis %s: not following %s: %s (retrying every %d s)",
		          name_.c_str(), printable(pattern_).c_str(), reason.c_str(),
		          limits_.disable_time_s);
	else
		log::debug(kLog, "redis %s: %s", name_.c_str(), reason.c_str());
	health_ = Health::kDown;
	arm(reconnect_timer_, int64_t{limits_.disable_time_s} * 1000);
}

RedisFollower::Stats RedisFollower::stats() const
{
	Stats s;
	s.following = state_ == State::kFollowing;
	s.snapshots = snapshots_;
	s.stored = stored_;
	s.removed = removed_;
	s.last_error = last_error_;
	return s;
}

void RedisFollower::connect_cb(const redisAsyncContext* ac, int status)
{
	auto* f = static_cast<RedisFollower*>(ac->data);
	if (!f)
		return;
	bool is_cmd = ac == f->cmd_.get();
	if (status != REDIS_OK) {
		std::string why = ac->errstr ? ac->errstr : "cannot connect";
		// hiredis frees it once this returns.
		(void)(is_cmd ? f->cmd_ : f->sub_).release();
		f->fail(why);
		return;
	}
	// Nothing here may free the context: hiredis goes on using it after this returns.
	if (!is_cmd) {
		f->subscribe();
		return;
	}
	Argv auth{"AUTH", f->target_.password};
	if (!f->target_.password.empty())
		f->send(auth, Cmd::kRequired);
	std::string db = std::to_string(f->target_.db);
	Argv select{"SELECT", db};
	if (f->target_.db != 0)
		f->send(select, Cmd::kRequired);
	Argv config{"CONFIG", "GET", "notify-keyspace-events"};
	f->send(config, Cmd::kConfigGet);
}

void RedisFollower::disconnect_cb(const redisAsyncContext* ac, int /*status*/)
{
	auto* f = static_cast<RedisFollower*>(ac->data);
	if (!f)
		return;
	std::string why = ac->err && ac->errstr ? ac->errstr : "disconnected";
	// hiredis frees it once this returns.
	(void)(ac == f->cmd_.get() ? f->cmd_ : f->sub_).release();
	f->fail(why);
}

void* RedisFollower::cmd_tag(Cmd kind)
{
	static Cmd kinds[] = {Cmd::kRequired, Cmd::kConfigGet, Cmd::kConfigSet, Cmd::kScan,
	                      Cmd::kMget,     Cmd::kGet,       Cmd::kPing};
	static_assert(std::size(kinds) == static_cast<size_t>(Cmd::kPing) + 1);
	return &kinds[static_cast<size_t>(kind)];
}

void RedisFollower::cmd_cb(redisAsyncContext* ac, void* reply, void* privdata)
{
	auto* f = static_cast<RedisFollower*>(ac->data);
	// No reply: hiredis is failing the pending commands of a lost connection, and
	// disconnect_cb follows.
	if (!f || !reply)
		return;
	f->on_cmd_reply(*static_cast<Cmd*>(privdata), *static_cast<redisReply*>(reply));
}

void RedisFollower::sub_auth_cb(redisAsyncContext* ac, void* reply, void* /*privdata*/)
{
	auto* f = static_cast<RedisFollower*>(ac->data);
	if (!f || !reply)
		return;
	const auto& r = *static_cast<redisReply*>(reply);
	if (r.type == REDIS_REPLY_ERROR)
		f->fail("handshake refused: " + reply_text(r));
}

// The subscription's confirmation, then each notification: [pmessage, pattern, channel, event].
void RedisFollower::sub_cb(redisAsyncContext* ac, void* reply, void* /*privdata*/)
{
	auto* f = static_cast<RedisFollower*>(ac->data);
	if (!f || !reply)
		return;
	const auto& r = *static_cast<redisReply*>(reply);
	if (r.type == REDIS_REPLY_ERROR) {
		f->fail("PSUBSCRIBE: " + reply_text(r));
		return;
	}
	if (r.type != REDIS_REPLY_ARRAY || r.elements < 3 ||
	    r.element[0]->type != REDIS_REPLY_STRING)
		return;
	std::string_view kind = str(*r.element[0]);
	if (kind == "psubscribe")
		f->subscribed();
	else if (kind == "pmessage" && r.elements == 4 &&
	         r.element[2]->type == REDIS_REPLY_STRING &&
	         r.element[3]->type == REDIS_REPLY_STRING)
		f->notified(str(*r.element[2]), str(*r.element[3]));
}

void RedisFollower::reconnect_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	static_cast<RedisFollower*>(arg)->connect();
}

void RedisFollower::connect_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* f = static_cast<RedisFollower*>(arg);
	f->fail(strprintf("not following within %d ms", f->limits_.connect_timeout_ms));
}

void RedisFollower::ping_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* f = static_cast<RedisFollower*>(arg);
	if (f->state_ != State::kFollowing || f->outstanding_ > 0 || !f->cmd_)
		return; // a command in flight watches the connection already
	Argv ping{"PING"};
	f->send(ping, Cmd::kPing);
}

void RedisFollower::cmd_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* f = static_cast<RedisFollower*>(arg);
	f->fail(strprintf("no reply within %d ms", f->limits_.cmd_timeout_ms));
}

} // namespace rtprelay::ha
