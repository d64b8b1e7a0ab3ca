// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/persistence.h"

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

// The calls `target` holds, rebuilt.
void restore(const RedisTarget& target, const RedisLimits& limits, call::Registry& calls)
{
	int64_t start = util::now_ms();
	auto documents = load_all(target, limits, kDocumentPattern);
	if (!documents) {
		log::err(kLog, "no call restored: Redis %s: %s", target.to_string().c_str(),
		         documents.error().reason.c_str());
		return;
	}
	int64_t read = util::now_ms();
	RestoreReport r = restore_calls(calls, *documents);
	log::notice(kLog,
	            "restored %zu call(s) from Redis %s in %lld ms (%lld ms to read them), %zu "
	            "failed",
	            r.restored, target.to_string().c_str(),
	            static_cast<long long>(util::now_ms() - start),
	            static_cast<long long>(read - start), r.failed);
}

} // namespace

Result<std::unique_ptr<Persistence>> Persistence::start(const Config& config, call::Registry& calls,
                                                        event::Loop& control)
{
	auto read = parse_redis_target(config.redis);
	if (!read)
		return Error{"redis: " + read.error().reason};
	auto write = config.redis_write.empty() ? read : parse_redis_target(config.redis_write);
	if (!write)
		return Error{"redis-write: " + write.error().reason};
	RedisLimits limits = limits_of(config);
	restore(*read, limits, calls);
	auto link = RedisLink::create(control.base(), *write, limits);
	if (!link)
		return link.error();
	std::unique_ptr<Persistence> p(new Persistence());
	p->link_ = std::move(link).value();
	p->store_ =
	        std::make_unique<Store>(calls, *p->link_, write->to_string(), config.redis_expires);
	log::notice(kLog, "call state written to Redis %s", write->to_string().c_str());
	return p;
}

} // namespace rtprelay::ha
