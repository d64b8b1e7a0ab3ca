// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelay-ctl-proxy: one ng endpoint (UDP, and TCP if asked) in front of several rtprelayd
// nodes. SIP proxies send it what they would send one relay; it places new calls on the nodes
// by weight and load, keeps every later command of a call on the node that has it, and
// answers SIP OPTIONS probes with 200 while at least one node is up (503 otherwise).
// Runs in the foreground (systemd starts it, Type=notify); SIGTERM and SIGINT end it.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>

#include "cli/server.h"
#include "ha/redis_link.h"
#include "memory_call_map.h"
#include "ng/server.h"
#include "node_set.h"
#include "proxy_cli.h"
#include "proxy_options.h"
#include "redis_call_map.h"
#include "router.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"
#include "util/systemd_notify.h"
#include "version.h"

namespace rtprelay::proxy {
namespace {

constexpr auto kLog = log::Subsystem::kCore;
constexpr int kSweepSeconds = 60;

int fail(const std::string& why)
{
	log::err(kLog, "%s", why.c_str());
	fprintf(stderr, "rtprelay-ctl-proxy: %s\n", why.c_str());
	return 1;
}

Result<std::unique_ptr<CallMap>> make_map(event::Loop& loop, const ProxyOptions& o)
{
	if (!o.redis)
		return std::unique_ptr<CallMap>(new MemoryCallMap(o.call_expires_s));
	ha::RedisLimits limits;
	limits.connect_timeout_ms = o.redis_connect_timeout_ms;
	limits.cmd_timeout_ms = o.redis_cmd_timeout_ms;
	// A refused write (OOM, a read-only replica) is retried; the link never gives up on it.
	limits.disable_time_s = 1;
	auto link = ha::RedisLink::create(loop.base(), *o.redis, limits);
	if (!link)
		return link.error();
	return std::unique_ptr<CallMap>(
	        new RedisCallMap(std::move(link).value(), o.call_expires_s));
}

int run(const ProxyOptions& o)
{
	auto loop = event::Loop::create();
	if (!loop)
		return fail(loop.error().reason);
	NodeClient::Timing timing;
	timing.timeout_ms = o.node_timeout_ms;
	timing.retransmit_ms = std::max(50, o.node_timeout_ms / 4);
	HealthSettings health;
	health.misses = o.node_misses;
	auto nodes = NodeSet::create(**loop, o.nodes, timing, health);
	if (!nodes)
		return fail(nodes.error().reason);
	auto map = make_map(**loop, o);
	if (!map)
		return fail(map.error().reason);
	RouterSettings settings;
	settings.forget_after_s = o.forget_after_s;
	settings.refusal_hold_s = o.refusal_hold_s;
	auto router = Router::create(**loop, **nodes, **map, settings);
	if (!router)
		return fail(router.error().reason);
	auto server = ng::Server::create(**loop, o.listen_ng, (*router)->commands(), nullptr,
	                                 o.listen_tcp_ng);
	if (!server)
		return fail(server.error().reason);
	NodeSet* set = nodes->get();
	(*server)->refuse_new_calls_when([set] { return !set->any_up(); });
	ProxyCli cli_commands((*loop)->base(), **nodes, **map, o.node_cli, o.node_timeout_ms);
	std::unique_ptr<cli::Server> cli;
	if (o.listen_cli) {
		auto c = cli::Server::create(
		        **loop, *o.listen_cli,
		        [&cli_commands](std::string_view line, const cli::Reply& done) {
			        cli_commands.run(line, done);
		        });
		if (!c)
			return fail(c.error().reason);
		cli = std::move(c).value();
	}
	CallMap* calls = map->get();
	auto sweep = (*loop)->every(
	        kSweepSeconds,
	        [](evutil_socket_t, short, void* arg) {
		        static_cast<CallMap*>(arg)->sweep(util::now_ms());
	        },
	        calls);
	if (!sweep)
		return fail(sweep.error().reason);
	event::Loop* l = loop->get();
	for (int sig : {SIGTERM, SIGINT})
		if (auto r = l->on_signal(sig, [l] { l->stop(); }); !r)
			return fail(r.error().reason);
	for (const auto& ep : (*server)->local_endpoints())
		log::notice(kLog, "ng on udp %s", ep.to_string().c_str());
	for (const auto& ep : (*server)->tcp_endpoints())
		log::notice(kLog, "ng on tcp %s", ep.to_string().c_str());
	std::string started = strprintf("%zu nodes, call map %s", o.nodes.size(),
	                                o.redis ? o.redis->to_string().c_str() : "in memory");
	log::notice(kLog, "rtprelay-ctl-proxy %s: %s", RTPRELAY_VERSION, started.c_str());
	util::systemd::ready(started); // a Type=notify unit is active from here
	l->run();
	util::systemd::stopping();
	log::notice(kLog, "rtprelay-ctl-proxy stopping");
	return 0;
}

int start(int argc, char** argv)
{
	signal(SIGPIPE, SIG_IGN);
	auto opts = load_proxy_options(argc, argv);
	if (!opts) {
		fprintf(stderr, "rtprelay-ctl-proxy: %s\n", opts.error().reason.c_str());
		return 2;
	}
	if (opts->help) {
		fputs(proxy_usage().c_str(), stdout);
		return 0;
	}
	if (opts->version) {
		printf("rtprelay-ctl-proxy %s\n", RTPRELAY_VERSION);
		return 0;
	}
	log::Settings ls;
	ls.to_stderr = opts->log_stderr;
	ls.levels.fill(opts->log_level);
	log::init(ls);
	int rc = run(*opts);
	log::shutdown();
	return rc;
}

} // namespace
} // namespace rtprelay::proxy

int main(int argc, char** argv)
{
	// Only std::bad_alloc could get here: exit with a message rather than std::terminate's.
	try {
		return rtprelay::proxy::start(argc, argv);
	} catch (const std::exception& e) {
		fprintf(stderr, "rtprelay-ctl-proxy: %s\n", e.what());
		return 1;
	}
}
