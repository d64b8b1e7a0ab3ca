// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/redis_link.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netdb.h>

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <optional>
#include <unordered_set>

#include "net/address.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ha {

namespace {

// Redis has no log subsystem of its own yet: adding one also needs its log-level option and
// its line in the CLI's `list loglevels`.
constexpr log::Subsystem kLog = log::Subsystem::kCore;

timeval ms_to_tv(int64_t ms)
{
	if (ms < 0)
		ms = 0;
	timeval tv{};
	tv.tv_sec = ms / 1000;
	tv.tv_usec = ms % 1000 * 1000;
	return tv;
}

using redis_detail::Argv;
using redis_detail::arm;
using redis_detail::reply_text;

// Fenced writes: KEYS[1] the fence key, KEYS[2] the document; ARGV[1] the fence value. The
// check and the write run as one script, so nothing can change the fence in between.
constexpr std::string_view kFencedSet =
        "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED') end\n"
        "if ARGV[3] == '0' then return redis.call('SET', KEYS[2], ARGV[2]) end\n"
        "return redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])";
constexpr std::string_view kFencedDel =
        "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED') end\n"
        "return redis.call('DEL', KEYS[2])";

// Redis 7.0 puts "ERR " before a script's error_reply without a code of its own; other
// versions pass "FENCED" on as the code.
bool is_fenced_error(std::string_view error)
{
	if (error.starts_with("ERR "))
		error.remove_prefix(4);
	return error == "FENCED" || error.starts_with("FENCED ");
}

RedisValue to_value(const redisReply& r)
{
	RedisValue v;
	switch (r.type) {
	case REDIS_REPLY_INTEGER:
		v.type = RedisValue::Type::kInteger;
		v.integer = r.integer;
		break;
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
		v.type = RedisValue::Type::kString;
		v.str.assign(r.str, r.len);
		break;
	case REDIS_REPLY_ARRAY:
		v.type = RedisValue::Type::kArray;
		v.elements.reserve(r.elements);
		for (size_t i = 0; i < r.elements; i++)
			v.elements.push_back(to_value(*r.element[i]));
		break;
	default: // REDIS_REPLY_NIL
		break;
	}
	return v;
}

// Only digits, at most `max`.
std::optional<int64_t> parse_number(std::string_view text, int64_t max)
{
	if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
		return std::nullopt;
	auto v = parse_int(text);
	if (!v || *v > max)
		return std::nullopt;
	return v;
}

bool valid_host_name(std::string_view host)
{
	return !host.empty() &&
	       host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                              "0123456789.-_") == std::string_view::npos;
}

// HOST[:PORT] or [V6]:PORT into t.host and t.port.
Result<void> parse_host_port(std::string_view text, RedisTarget& t)
{
	std::string_view host = text;
	std::optional<std::string_view> port;
	if (text.starts_with('[')) {
		size_t close = text.find(']');
		if (close == std::string_view::npos)
			return Error{"'[' without ']'"};
		host = text.substr(1, close - 1);
		std::string_view after = text.substr(close + 1);
		if (!after.empty() && after[0] != ':')
			return Error{"':PORT' expected after ']'"};
		if (!after.empty())
			port = after.substr(1);
		auto ip = net::IpAddress::parse(host);
		if (!ip || !ip->is_v6())
			return Error{"no IPv6 address between '[' and ']'"};
	} else {
		size_t colon = text.rfind(':');
		if (colon != std::string_view::npos) {
			host = text.substr(0, colon);
			port = text.substr(colon + 1);
		}
		if (host.find(':') != std::string_view::npos)
			return Error{"an IPv6 address goes in brackets: [ADDRESS]:PORT"};
		if (!valid_host_name(host))
			return Error{"no host name or address"};
	}
	if (port) {
		auto p = parse_number(*port, 65535);
		if (!p || *p == 0)
			return Error{"the port must be a number from 1 to 65535"};
		t.port = static_cast<uint16_t>(*p);
	}
	t.host = host;
	return {};
}

} // namespace

namespace redis_detail {

void arm(const event::EventPtr& ev, int64_t ms)
{
	timeval tv = ms_to_tv(ms);
	event_add(ev.get(), &tv);
}

std::string reply_text(const redisReply& r)
{
	return printable(std::string_view(r.str, r.len), 200);
}

Result<std::string> resolve(const std::string& host)
{
	if (net::IpAddress::parse(host))
		return host;
	addrinfo hints{};
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	addrinfo* res = nullptr;
	int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
	if (rc != 0 || !res)
		return Error{strprintf("redis host '%s': %s", printable(host).c_str(),
		                       rc != 0 ? gai_strerror(rc) : "no address")};
	std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(res, freeaddrinfo);
	return net::Endpoint::from_sockaddr(res->ai_addr, res->ai_addrlen).ip().to_string();
}

void AsyncFree::operator()(redisAsyncContext* ac) const
{
	ac->data = nullptr;
	// Inside one of its reply callbacks hiredis defers this until the callback returns.
	redisAsyncFree(ac);
}

} // namespace redis_detail

std::string RedisTarget::to_string() const
{
	bool v6 = host.find(':') != std::string::npos;
	return strprintf("%s%s%s:%u/%d", v6 ? "[" : "", host.c_str(), v6 ? "]" : "",
	                 static_cast<unsigned>(port), db);
}

Result<RedisTarget> parse_redis_target(std::string_view spec)
{
	RedisTarget t;
	std::string_view rest = spec;
	// The last '@': a password may contain '@', a host cannot (rtpengine takes the last too).
	if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
		if (at == 0)
			return Error{"redis: empty password before '@'"};
		t.password = rest.substr(0, at);
		rest = rest.substr(at + 1);
	}
	// From here on `rest` has no password and may be shown in errors.
	auto fail = [&](const char* why) {
		return Error{strprintf("redis '%s': %s ([PASSWORD@]HOST:PORT/DB expected)",
		                       printable(rest).c_str(), why)};
	};
	if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
		auto db = parse_number(rest.substr(slash + 1), INT_MAX);
		if (!db)
			return fail("the database must be a number from 0");
		t.db = static_cast<int>(*db);
		rest = rest.substr(0, slash);
	}
	if (auto r = parse_host_port(rest, t); !r)
		return fail(r.error().reason.c_str());
	return t;
}

RedisLink::RedisLink(event_base* base, RedisTarget target, std::string address, RedisLimits limits)
    : base_(base), target_(std::move(target)), address_(std::move(address)),
      name_(target_.to_string()), limits_(limits), queue_(limits.max_queued_bytes)
{
}

Result<std::unique_ptr<RedisLink>> RedisLink::create(event_base* base, RedisTarget target,
                                                     RedisLimits limits)
{
	auto address = redis_detail::resolve(target.host);
	if (!address)
		return address.error();
	std::unique_ptr<RedisLink> link(
	        new RedisLink(base, std::move(target), std::move(*address), limits));
	if (auto r = link->make_timers(); !r)
		return r.error();
	link->connect();
	return link;
}

Result<void> RedisLink::make_timers()
{
	reconnect_timer_.reset(evtimer_new(base_, reconnect_timer_cb, this));
	connect_timer_.reset(evtimer_new(base_, connect_timer_cb, this));
	cmd_timer_.reset(evtimer_new(base_, cmd_timer_cb, this));
	retry_timer_.reset(evtimer_new(base_, retry_timer_cb, this));
	if (!reconnect_timer_ || !connect_timer_ || !cmd_timer_ || !retry_timer_)
		return Error{"cannot create the Redis link's timers"};
	return {};
}

RedisLink::~RedisLink()
{
	// Detached first, so the callbacks redisAsyncFree runs for pending commands (NULL
	// replies) and the disconnect callback find no link; then the timers go (members).
	ac_.reset();
}

void RedisLink::connect()
{
	redisAsyncContext* ac = redisAsyncConnect(address_.c_str(), target_.port);
	if (!ac) {
		went_down("cannot allocate a hiredis context");
		return;
	}
	if (ac->err) {
		std::string why = ac->errstr;
		redisAsyncFree(ac); // not attached to the loop and no callbacks set: a plain free
		went_down(why);
		return;
	}
	ac->data = this;
	ac_.reset(ac);
	if (redisLibeventAttach(ac, base_) != REDIS_OK ||
	    redisAsyncSetConnectCallback(ac, connect_cb) != REDIS_OK ||
	    redisAsyncSetDisconnectCallback(ac, disconnect_cb) != REDIS_OK) {
		drop("cannot attach hiredis to the event loop");
		return;
	}
	// hiredis 0.14's async API has no timeouts of its own.
	arm(connect_timer_, limits_.connect_timeout_ms);
}

void RedisLink::handshake()
{
	handshake_left_ = 0;
	auto send_step = [this](Argv a) {
		if (redisAsyncCommandArgv(ac_.get(), handshake_cb, nullptr, a.argc(), a.argv(),
		                          a.lens()) == REDIS_OK)
			handshake_left_++;
	};
	std::string db = std::to_string(target_.db);
	if (!target_.password.empty())
		send_step(Argv{"AUTH", target_.password});
	if (target_.db != 0)
		send_step(Argv{"SELECT", db});
	// Writes of the connection before may still wait in Redis (one frozen, then resumed):
	// applied after this connection's, they would put older documents back. Killing that
	// client discards what it has not run yet, and what it ran came before anything sent
	// here. Redis refusing CLIENT (an ACL) only loses that guard.
	auto guard = [this](Argv a, HandshakeStep step) {
		if (redisAsyncCommandArgv(ac_.get(), handshake_cb, step_tag(step), a.argc(),
		                          a.argv(), a.lens()) == REDIS_OK)
			handshake_left_++;
	};
	if (client_id_ >= 0)
		guard(Argv{"CLIENT", "KILL", "ID", std::to_string(client_id_)},
		      HandshakeStep::kKillPrevious);
	guard(Argv{"CLIENT", "ID"}, HandshakeStep::kClientId);
	// The link is up only once Redis has answered (a TCP connect alone proves little), and
	// up() then always runs inside a reply callback, where hiredis defers a free.
	send_step(Argv{"PING"});
}

void RedisLink::up()
{
	connected_ = true;
	event_del(connect_timer_.get());
	if (ever_connected_)
		reconnects_++;
	ever_connected_ = true;
	errors_in_row_ = 0;
	if (health_ != Health::kUp)
		log::notice(kLog, "redis %s: connected, %zu writes queued", name_.c_str(),
		            queue_.size());
	health_ = Health::kUp;
	std::weak_ptr<int> alive = life_;
	if (!maybe_resync(true))
		return;
	// Before the queued writes: the lease claim it sends must run ahead of them.
	if (on_up_) {
		on_up_();
		if (alive.expired())
			return;
	}
	pump();
}

void RedisLink::pump()
{
	if (!connected_ || holding_ || fenced_)
		return;
	// Commands in sent_ are not counted: they are few, and must never wait.
	while (queue_.in_flight() < kMaxInFlight) {
		const Write* w = queue_.next();
		if (!w)
			break;
		std::string ex = std::to_string(w->expires_s);
		bool del = w->op == Write::Op::kDel;
		Argv a = fence_set_ && del
		                 ? Argv{"EVAL", kFencedDel, "2", fence_key_, w->key, fence_value_}
		         : fence_set_       ? Argv{"EVAL", kFencedSet,   "2",      fence_key_,
                                             w->key, fence_value_, w->value, ex}
		         : del              ? Argv{"DEL", w->key}
		         : w->expires_s > 0 ? Argv{"SET", w->key, w->value, "EX", ex}
		                            : Argv{"SET", w->key, w->value};
		if (!send(a)) {
			queue_.fail(w->id); // the context is going away; disconnect_cb follows
			break;
		}
		sent_.push_back(Sent{w->id, fence_gen_, {}});
	}
}

// The caller pushes the matching Sent at once (no reply can come before the loop runs).
bool RedisLink::send(Argv& a)
{
	if (redisAsyncCommandArgv(ac_.get(), reply_cb, nullptr, a.argc(), a.argv(), a.lens()) !=
	    REDIS_OK)
		return false;
	if (!evtimer_pending(cmd_timer_.get(), nullptr))
		arm(cmd_timer_, limits_.cmd_timeout_ms);
	return true;
}

void RedisLink::command(const std::vector<std::string>& argv, std::function<void(Reply)> done)
{
	if (argv.empty()) {
		done(Error{"empty command"});
		return;
	}
	Argv a;
	for (const std::string& arg : argv)
		a.add(arg);
	if (!connected_ || !send(a)) {
		done(Error{"not connected"});
		return;
	}
	sent_.push_back(Sent{0, 0, std::move(done)});
}

void RedisLink::on_reply(const redisReply& r)
{
	if (sent_.empty())
		return; // cannot happen: one reply per command, in order
	Sent s = std::move(sent_.front());
	sent_.pop_front();
	// A reply is progress: the next command gets the full timeout from now.
	if (sent_.empty())
		event_del(cmd_timer_.get());
	else
		arm(cmd_timer_, limits_.cmd_timeout_ms);
	if (s.done) {
		// The caller's business, not the link's health: a refused command is not retried
		// and counts towards no limit. Last: done may destroy the link.
		if (r.type == REDIS_REPLY_ERROR)
			s.done(Error{reply_text(r)});
		else
			s.done(to_value(r));
		return;
	}
	bool ok = r.type != REDIS_REPLY_ERROR;
	on_write_reply(s.write_id, s.fence_gen, ok, ok ? std::string() : reply_text(r));
}

void RedisLink::on_write_reply(uint64_t id, uint64_t fence_gen, bool ok, const std::string& error)
{
	if (!ok) {
		queue_.fail(id);
		if (is_fenced_error(error))
			fenced_refusal(fence_gen);
		else
			refused(error);
		return;
	}
	queue_.complete(id);
	written_++;
	errors_in_row_ = 0;
	if (health_ == Health::kRefusing)
		log::info(kLog, "redis %s: writes accepted again", name_.c_str());
	health_ = Health::kUp;
	if (!maybe_resync(false))
		return;
	pump();
}

// A write found the fence key changed: this node no longer holds the lease it wrote under.
// Not a fault of Redis' (no pause, no error count): writing simply stops until the owner
// sets a new fence or clears it.
void RedisLink::fenced_refusal(uint64_t fence_gen)
{
	failed_++;
	last_error_ = "FENCED";
	if (fence_gen != fence_gen_) {
		// Sent under a fence since replaced: the write waits again under the current one.
		pump();
		return;
	}
	if (fenced_)
		return; // the other writes in flight under the same fence: once is enough
	fenced_ = true;
	log::warn(kLog, "redis %s: write fenced (%s no longer holds our value); writing stops",
	          name_.c_str(), printable(fence_key_).c_str());
	if (on_fenced_)
		on_fenced_(); // last: it may destroy the link
}

void RedisLink::set_fence(std::string fence_key, std::string fence_value)
{
	fence_set_ = true;
	fence_key_ = std::move(fence_key);
	fence_value_ = std::move(fence_value);
	fence_gen_++;
	fenced_ = false;
	pump();
}

void RedisLink::clear_fence()
{
	fence_set_ = false;
	fence_key_.clear();
	fence_value_.clear();
	fence_gen_++;
	fenced_ = false;
	pump();
}

void RedisLink::refused(const std::string& error)
{
	failed_++;
	errors_in_row_++;
	last_error_ = error;
	if (limits_.allowed_errors >= 0 && errors_in_row_ > limits_.allowed_errors) {
		drop(strprintf("%d writes refused in a row, the last: %s", errors_in_row_,
		               error.c_str()));
		return;
	}
	if (health_ != Health::kRefusing)
		log::warn(kLog, "redis %s: write refused (%s); kept and retried", name_.c_str(),
		          error.c_str());
	health_ = Health::kRefusing;
	// Pause rather than resend at once: a refusal (out of memory, a read-only replica) is
	// likely to repeat.
	if (!holding_) {
		holding_ = true;
		arm(retry_timer_, kRetryDelayMs);
	}
}

void RedisLink::drop(const std::string& reason)
{
	ac_.reset();
	went_down(reason);
}

// The context is gone (dropped here or freed by hiredis): what was in flight waits again.
void RedisLink::went_down(const std::string& reason)
{
	connected_ = false;
	handshake_left_ = 0;
	holding_ = false;
	std::vector<std::function<void(Reply)>> orphans;
	for (Sent& s : sent_)
		if (s.done)
			orphans.push_back(std::move(s.done));
	sent_.clear();
	queue_.requeue_in_flight();
	event_del(connect_timer_.get());
	event_del(cmd_timer_.get());
	event_del(retry_timer_.get());
	last_error_ = reason;
	if (health_ != Health::kDown)
		log::warn(kLog, "redis %s: %s (%zu writes queued; retrying every %d s)",
		          name_.c_str(), reason.c_str(), queue_.size(), limits_.disable_time_s);
	else
		log::debug(kLog, "redis %s: %s", name_.c_str(), reason.c_str());
	health_ = Health::kDown;
	arm(reconnect_timer_, int64_t{limits_.disable_time_s} * 1000);
	// Last, and each only while the link lives: a done may destroy it.
	Error down{"link down: " + reason};
	std::weak_ptr<int> alive = life_;
	for (auto& done : orphans) {
		if (alive.expired())
			return;
		done(down);
	}
}

// Whether the link still exists afterwards (on_resync may destroy it).
bool RedisLink::maybe_resync(bool connecting)
{
	if (!connected_ || !on_resync_ || !queue_.resync_needed())
		return true;
	// Writes dropped while connected: wait until the queue has drained, or the owner's full
	// rewrite would meet a queue still at its bound and drop again.
	if (!connecting && queue_.size() != 0)
		return true;
	queue_.take_resync();
	log::notice(kLog, "redis %s: writes were dropped; asking for everything again",
	            name_.c_str());
	std::weak_ptr<int> alive = life_;
	on_resync_();
	return !alive.expired();
}

void RedisLink::note_drops(bool was_needed)
{
	if (!was_needed && queue_.resync_needed())
		log::warn(kLog,
		          "redis %s: write queue over %zu bytes: dropping the oldest writes until "
		          "everything is written again",
		          name_.c_str(), limits_.max_queued_bytes);
}

void RedisLink::set(const std::string& key, std::string value, int expires_s)
{
	bool was_needed = queue_.resync_needed();
	queue_.set(key, std::move(value), expires_s);
	note_drops(was_needed);
	pump();
}

void RedisLink::del(const std::string& key)
{
	bool was_needed = queue_.resync_needed();
	queue_.del(key);
	note_drops(was_needed);
	pump();
}

void RedisLink::discard()
{
	if (queue_.size() != 0)
		log::info(kLog, "redis %s: %zu queued writes discarded", name_.c_str(),
		          queue_.size());
	queue_.clear();
}

RedisLink::Stats RedisLink::stats() const
{
	Stats s;
	s.connected = connected_;
	s.written = written_;
	s.failed = failed_;
	s.dropped = queue_.dropped();
	s.reconnects = reconnects_;
	s.queued = queue_.size();
	s.queued_bytes = queue_.bytes();
	s.fenced = fenced_;
	s.last_error = last_error_;
	return s;
}

void RedisLink::connect_cb(const redisAsyncContext* ac, int status)
{
	auto* link = static_cast<RedisLink*>(ac->data);
	if (!link)
		return;
	if (status == REDIS_OK) {
		link->handshake();
		return;
	}
	std::string why = ac->errstr ? ac->errstr : "cannot connect";
	(void)link->ac_.release(); // hiredis frees it once this returns
	link->went_down(why);
}

void RedisLink::disconnect_cb(const redisAsyncContext* ac, int /*status*/)
{
	auto* link = static_cast<RedisLink*>(ac->data);
	if (!link)
		return;
	std::string why = ac->err && ac->errstr ? ac->errstr : "disconnected";
	(void)link->ac_.release(); // hiredis frees it once this returns
	link->went_down(why);
}

void* RedisLink::step_tag(HandshakeStep step)
{
	static HandshakeStep steps[] = {HandshakeStep::kRequired, HandshakeStep::kKillPrevious,
	                                HandshakeStep::kClientId};
	return &steps[static_cast<size_t>(step)];
}

void RedisLink::handshake_cb(redisAsyncContext* ac, void* reply, void* privdata)
{
	auto* link = static_cast<RedisLink*>(ac->data);
	// No reply: hiredis is failing the pending commands of a lost connection, and
	// disconnect_cb follows.
	if (!link || !reply)
		return;
	const auto& r = *static_cast<redisReply*>(reply);
	HandshakeStep step =
	        privdata ? *static_cast<HandshakeStep*>(privdata) : HandshakeStep::kRequired;
	if (step == HandshakeStep::kClientId)
		link->client_id_ = r.type == REDIS_REPLY_INTEGER ? r.integer : -1;
	if (r.type == REDIS_REPLY_ERROR && step == HandshakeStep::kRequired) {
		link->drop("handshake refused: " + reply_text(r));
		return;
	}
	if (--link->handshake_left_ == 0)
		link->up();
}

void RedisLink::reply_cb(redisAsyncContext* ac, void* reply, void* /*privdata*/)
{
	auto* link = static_cast<RedisLink*>(ac->data);
	if (!link || !reply)
		return; // as in handshake_cb
	link->on_reply(*static_cast<redisReply*>(reply));
}

void RedisLink::reconnect_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	static_cast<RedisLink*>(arg)->connect();
}

void RedisLink::connect_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* link = static_cast<RedisLink*>(arg);
	link->drop(strprintf("not connected within %d ms", link->limits_.connect_timeout_ms));
}

void RedisLink::cmd_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* link = static_cast<RedisLink*>(arg);
	link->failed_ += link->queue_.in_flight();
	link->drop(strprintf("no reply within %d ms", link->limits_.cmd_timeout_ms));
}

void RedisLink::retry_timer_cb(evutil_socket_t /*fd*/, short /*what*/, void* arg)
{
	auto* link = static_cast<RedisLink*>(arg);
	link->holding_ = false;
	link->pump();
}

// load_all: plain blocking hiredis.

namespace {

struct ReplyFree {
	void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;
using ContextPtr = std::unique_ptr<redisContext, decltype(&redisFree)>;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

// MGET this many keys at a time: one reply stays small.
constexpr size_t kLoadBatch = 256;

Result<ReplyPtr> command(redisContext* c, Argv a)
{
	ReplyPtr r(static_cast<redisReply*>(redisCommandArgv(c, a.argc(), a.argv(), a.lens())));
	if (!r)
		return Error{c->errstr};
	if (r->type == REDIS_REPLY_ERROR)
		return Error{reply_text(*r)};
	return r;
}

Result<ContextPtr> connect_sync(const RedisTarget& target, const RedisLimits& limits)
{
	ContextPtr c(redisConnectWithTimeout(target.host.c_str(), target.port,
	                                     ms_to_tv(limits.connect_timeout_ms)),
	             redisFree);
	if (!c)
		return Error{"cannot allocate a hiredis context"};
	if (c->err)
		return Error{c->errstr};
	if (redisSetTimeout(c.get(), ms_to_tv(limits.cmd_timeout_ms)) != REDIS_OK)
		return Error{"cannot set the command timeout"};
	if (!target.password.empty()) {
		auto r = command(c.get(), Argv{"AUTH", target.password});
		if (!r)
			return Error{"AUTH: " + r.error().reason};
	}
	if (target.db != 0) {
		auto r = command(c.get(), Argv{"SELECT", std::to_string(target.db)});
		if (!r)
			return Error{"SELECT: " + r.error().reason};
	}
	return c;
}

// The string values of `keys` appended to out; a key gone or holding no string is skipped.
Result<void> fetch(redisContext* c, const std::vector<std::string>& keys, KeyValues& out)
{
	for (size_t from = 0; from < keys.size(); from += kLoadBatch) {
		size_t n = std::min(kLoadBatch, keys.size() - from);
		Argv a{"MGET"};
		for (size_t i = 0; i < n; i++)
			a.add(keys[from + i]);
		auto r = command(c, std::move(a));
		if (!r)
			return Error{"MGET: " + r.error().reason};
		if ((*r)->type != REDIS_REPLY_ARRAY || (*r)->elements != n)
			return Error{"MGET: unexpected reply"};
		for (size_t i = 0; i < n; i++) {
			const redisReply* v = (*r)->element[i];
			if (v->type == REDIS_REPLY_STRING)
				out.emplace_back(keys[from + i], std::string(v->str, v->len));
		}
	}
	return {};
}

// One SCAN step: the keys not seen before into `keys`; returns the next cursor.
Result<std::string> scan(redisContext* c, const std::string& cursor, std::string_view pattern,
                         std::unordered_set<std::string>& seen, std::vector<std::string>& keys)
{
	auto r = command(c, Argv{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
	if (!r)
		return Error{"SCAN: " + r.error().reason};
	const redisReply& top = **r;
	if (top.type != REDIS_REPLY_ARRAY || top.elements != 2 ||
	    top.element[0]->type != REDIS_REPLY_STRING || top.element[1]->type != REDIS_REPLY_ARRAY)
		return Error{"SCAN: unexpected reply"};
	const redisReply& found = *top.element[1];
	for (size_t i = 0; i < found.elements; i++) {
		const redisReply* k = found.element[i];
		// SCAN may return a key more than once.
		if (k->type == REDIS_REPLY_STRING && seen.emplace(k->str, k->len).second)
			keys.emplace_back(k->str, k->len);
	}
	return std::string(top.element[0]->str, top.element[0]->len);
}

} // namespace

Result<KeyValues> load_all(const RedisTarget& target, const RedisLimits& limits,
                           std::string_view pattern)
{
	auto fail = [&](const std::string& why) {
		return Error{strprintf("redis %s: %s", target.to_string().c_str(), why.c_str())};
	};
	auto c = connect_sync(target, limits);
	if (!c)
		return fail(c.error().reason);
	KeyValues out;
	std::unordered_set<std::string> seen;
	std::string cursor = "0";
	do {
		std::vector<std::string> keys;
		auto next = scan(c->get(), cursor, pattern, seen, keys);
		if (!next)
			return fail(next.error().reason);
		cursor = std::move(*next);
		if (auto got = fetch(c->get(), keys, out); !got)
			return fail(got.error().reason);
	} while (cursor != "0");
	return out;
}

} // namespace rtprelay::ha
