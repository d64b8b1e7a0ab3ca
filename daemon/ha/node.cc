// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/node.h"

#include <unistd.h>

#include <limits>

#include "ha/call_document.h"
#include "ha/restore.h"
#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::ha {
namespace {

constexpr auto kLog = log::Subsystem::kControl;

RedisLimits limits_of(const Config& config)
{
	RedisLimits l;
	l.connect_timeout_ms = config.redis_connect_timeout;
	l.cmd_timeout_ms = config.redis_cmd_timeout;
	l.disable_time_s = config.redis_disable_time;
	l.allowed_errors = config.redis_allowed_errors;
	return l;
}

std::string host_name()
{
	char name[256] = {};
	if (gethostname(name, sizeof name - 1) != 0 || !name[0])
		return "rtprelay";
	return name;
}

// Runs `base` until `done` or `ms` passed: before the control loop runs for real. A timer of
// its own wakes each round (event_base_loopexit would stay armed and end the real run).
void pump(event_base* base, int64_t ms, const std::function<bool()>& done)
{
	event::EventPtr tick(event_new(
	                             base, -1, 0, [](evutil_socket_t, short, void*) {}, nullptr),
	                     event_free);
	int64_t end = util::now_ms() + ms;
	while (tick && !done() && util::now_ms() < end) {
		timeval slice{0, 10000};
		event_add(tick.get(), &slice);
		event_base_loop(base, EVLOOP_ONCE);
	}
}

} // namespace

Node::Node(const Config& config, call::Registry& calls, event::Loop& control, RedisTarget read,
           RedisTarget write)
    : config_(config), calls_(calls), control_(control), read_(std::move(read)),
      write_(std::move(write)), limits_(limits_of(config)),
      node_(config.ha_node.empty() ? host_name() : config.ha_node)
{
}

Node::~Node()
{
	calls_.set_store(nullptr);
}

Result<std::unique_ptr<Node>> Node::start(const Config& config, call::Registry& calls,
                                          event::Loop& control)
{
	auto read = parse_redis_target(config.redis);
	if (!read)
		return Error{"redis: " + read.error().reason};
	auto write = config.redis_write.empty() ? read : parse_redis_target(config.redis_write);
	if (!write)
		return Error{"redis-write: " + write.error().reason};
	std::unique_ptr<Node> n(new Node(config, calls, control, *read, *write));
	if (auto r = n->connect(); !r)
		return r.error();
	calls.set_store(n.get());
	n->decide_before_serving();
	return n;
}

Result<void> Node::connect()
{
	auto link = RedisLink::create(control_.base(), write_, limits_);
	if (!link)
		return link.error();
	link_ = std::move(link).value();
	store_ = std::make_unique<Store>(calls_, *link_, config_.redis_expires);
	auto lease = Lease::create(control_.base(), *link_, node_, config_.ha_lease_ms,
	                           {[this](const std::string& v) { gained(v); },
	                            [this](const std::string& h) { taken(h); }});
	if (!lease)
		return lease.error();
	lease_ = std::move(lease).value();
	link_->on_up([this] { lease_->claim(false); });
	link_->on_fenced([this] { lease_->fenced(); });
	link_->on_resync([this] {
		if (role_ == Role::kActive)
			store_->write_all();
	});
	return {};
}

void Node::decide_before_serving()
{
	pump(control_.base(), int64_t{limits_.connect_timeout_ms} + limits_.cmd_timeout_ms,
	     [this] { return decided_; });
	if (decided_)
		return;
	log::err(kLog,
	         "no call restored: Redis %s did not answer within %d ms; serving as the active "
	         "relay, the lease is claimed once Redis answers",
	         read_.to_string().c_str(), limits_.connect_timeout_ms + limits_.cmd_timeout_ms);
	decided_ = true;
}

void Node::gained(const std::string& lease)
{
	link_->set_fence(std::string(kLeaseKey), lease);
	bool start = !decided_;
	decided_ = true;
	if (role_ == Role::kActive && !start)
		return; // renewed under a new epoch (it had expired): the calls are the same
	if (!start) {
		takeovers_++;
		log::notice(kLog, "taking over as '%s'", lease.c_str());
	}
	follower_.reset();
	foreign_.clear();
	role_ = Role::kActive;
	calls_.admission().set_standby(false);
	restore();
}

void Node::taken(const std::string& holder)
{
	bool start = !decided_;
	decided_ = true;
	if (role_ == Role::kStandby)
		return;
	if (start) {
		// Another relay of the group is active: follow it from the start.
		role_ = Role::kStandby;
		calls_.admission().set_standby(true);
		log::notice(kLog, "standby: '%s' is active; following its calls", holder.c_str());
		follow();
		return;
	}
	stand_down(holder);
}

void Node::restore()
{
	int64_t start = util::now_ms();
	auto documents = load_all(read_, limits_, kDocumentPattern);
	if (!documents) {
		log::err(kLog, "no call restored: Redis %s: %s", read_.to_string().c_str(),
		         documents.error().reason.c_str());
		return;
	}
	int64_t read = util::now_ms();
	RestoreReport r = restore_calls(calls_, *documents);
	log::notice(kLog,
	            "restored %zu call(s) from Redis %s in %lld ms (%lld ms to read them), %zu "
	            "failed",
	            r.restored, read_.to_string().c_str(),
	            static_cast<long long>(util::now_ms() - start),
	            static_cast<long long>(read - start), r.failed);
}

void Node::stand_down(const std::string& holder)
{
	stand_downs_++;
	role_ = Role::kStandby;
	calls_.admission().set_standby(true);
	link_->discard();
	// Their documents stay: the calls are the new active's now.
	dropping_ = true;
	std::vector<std::string> ids = calls_.ids(std::numeric_limits<size_t>::max());
	for (const std::string& id : ids)
		calls_.destroy(id, "standby: '" + holder + "' took over");
	dropping_ = false;
	log::warn(kLog, "stood down: '%s' holds the lease; %zu call(s) left to it, following",
	          holder.c_str(), ids.size());
	follow();
}

void Node::follow()
{
	RedisFollower::Events events;
	events.snapshot = [this](const std::vector<std::pair<std::string, std::string>>& all) {
		foreign_.replace(all);
	};
	events.stored = [this](const std::string& key, const std::string& value) {
		foreign_.store(key, value);
	};
	events.removed = [this](const std::string& key) { foreign_.remove(key); };
	auto f = RedisFollower::create(control_.base(), read_, limits_,
	                               std::string(kDocumentPattern), std::move(events));
	if (!f) {
		log::err(kLog, "cannot follow Redis %s: %s", read_.to_string().c_str(),
		         f.error().reason.c_str());
		return;
	}
	follower_ = std::move(f).value();
}

void Node::changed(const std::string& call_id)
{
	if (role_ == Role::kActive)
		store_->changed(call_id);
}

void Node::ended(const std::string& call_id)
{
	if (role_ == Role::kActive && !dropping_)
		store_->ended(call_id);
}

call::CallStore::Status Node::status() const
{
	RedisLink::Stats s = link_->stats();
	Status out;
	out.target = write_.to_string();
	out.node = node_;
	out.role = role_;
	out.lease = lease_->holder();
	out.connected = s.connected;
	out.written = s.written;
	out.failed = s.failed;
	out.dropped = s.dropped;
	out.queued = s.queued;
	out.takeovers = takeovers_;
	out.stand_downs = stand_downs_;
	out.last_error = s.last_error;
	return out;
}

std::vector<call::CallStore::Foreign> Node::foreign(size_t limit) const
{
	return foreign_.calls(limit);
}

Result<void> Node::activate()
{
	if (role_ == Role::kActive)
		return Error{"this relay is active already"};
	if (!link_->connected())
		return Error{"Redis " + write_.to_string() + " does not answer"};
	log::notice(kLog, "the operator asks this relay to take over");
	lease_->claim(true);
	return {};
}

} // namespace rtprelay::ha
