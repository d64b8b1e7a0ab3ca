// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelayd start-up: load the configuration, detach, start the control loop with the ng
// server, run until SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "call/registry.h"
#include "call/service_status.h"
#include "cli/server.h"
#include "config/help.h"
#include "config/loader.h"
#include "event/loop.h"
#include "ha/node.h"
#include "http/ng_metrics.h"
#include "http/quality_metrics.h"
#include "http/relay_metrics.h"
#include "http/server.h"
#include "kernel/channel.h"
#include "kernel/nft_rules.h"
#include "media/interfaces.h"
#include "media/media_loop.h"
#include "media/own_endpoints.h"
#include "ng/command.h"
#include "ng/command_stats.h"
#include "ng/dispatch.h"
#include "ng/message.h"
#include "ng/server.h"
#include "util/daemon.h"
#include "util/log.h"
#include "version.h"

namespace rtprelay {
namespace {

constexpr auto kLog = log::Subsystem::kCore;

void log_config(const Config& config, const std::string& file)
{
	log::notice(kLog, "rtprelayd %s starting (config file: %s)", RTPRELAY_VERSION,
	            file.empty() ? "none" : file.c_str());
	for (const auto& i : config.interfaces)
		log::info(kLog, "media interface %s", i.to_string().c_str());
	log::info(kLog, "media ports %u-%u", config.port_min, config.port_max);
}

kernel::nft::Spec nft_spec(const Config& config)
{
	return {config.nftables_chain, config.nftables_base_chain, config.table};
}

// The table, then the nftables rule that steers packets into it (none with an empty
// --nftables-chain). Members are destroyed in reverse: the rule goes before the table.
struct Kernel {
	std::unique_ptr<kernel::Channel> channel;
	std::unique_ptr<kernel::NftRules> rules;
};

Result<Kernel> setup_kernel(const Config& config)
{
	auto channel = kernel::Channel::open(config.table);
	if (!channel)
		return channel.error();
	Kernel k{std::move(channel).value(), nullptr};
	if (config.nftables_chain.empty()) {
		log::info(kLog,
		          "no nftables rule (nftables-chain is empty): steer UDP to table %d "
		          "yourself",
		          config.table);
		return k;
	}
	auto rules = kernel::NftRules::install(nft_spec(config));
	if (!rules)
		return rules.error(); // the table is closed (and deleted if ours) with k
	k.rules = std::move(rules).value();
	return k;
}

// Opens the kernel table and its rule unless --table=-1. When that fails the relay forwards
// in userspace and says why and how to fix it, or, with --no-fallback, refuses to start.
Result<Kernel> open_kernel(const Config& config)
{
	if (config.table < 0) {
		log::info(kLog, "forwarding in userspace (table=-1)");
		return Kernel{};
	}
	auto k = setup_kernel(config);
	if (k) {
		log::notice(kLog, "kernel forwarding: table %d", config.table);
		return k;
	}
	std::string reason = "kernel forwarding (table " + std::to_string(config.table) +
	                     ") is not available: " + k.error().reason;
	if (config.no_fallback)
		return Error{reason +
		             "; --no-fallback is set (use --table=-1 to forward in userspace)"};
	log::warn(kLog, "%s; forwarding in userspace (use --table=-1 to silence this)",
	          reason.c_str());
	return Kernel{};
}

// --nftables-start / --nftables-stop: only the rule, for init scripts; no daemon.
int nft_one_shot(const Config& config)
{
	if (config.nftables_chain.empty()) {
		log::info(kLog, "no nftables rule to manage (nftables-chain is empty)");
		return 0;
	}
	auto r = config.nftables_start ? kernel::nft_install(nft_spec(config))
	                               : kernel::nft_remove(nft_spec(config));
	if (r)
		return 0;
	fprintf(stderr, "rtprelayd: %s\n", r.error().reason.c_str());
	return 1;
}

// Logs what limits the relay (the open-files limit against the port range, the media sockets'
// receive buffer) and returns the open-files limit, raised as far as allowed.
uint64_t check_limits(const Config& config)
{
	// One socket per media port in use; say so when the limit caps the calls.
	uint64_t fds = raise_fd_limit();
	uint64_t wanted = media::Interfaces::wanted_fds(config);
	if (fds < wanted)
		log::warn(kLog,
		          "open-files limit %llu caps the relay below its port range (%u-%u "
		          "wants %llu) and stops it from reusing the sockets of ended calls; raise "
		          "it (ulimit -n, LimitNOFILE=)",
		          static_cast<unsigned long long>(fds), config.port_min, config.port_max,
		          static_cast<unsigned long long>(wanted));
	if (config.socket_rcvbuf <= 0)
		return fds;
	int got = media::SocketOptions::effective_rcvbuf(config.socket_rcvbuf);
	if (got < config.socket_rcvbuf)
		log::warn(kLog,
		          "media sockets get a receive buffer of %d bytes, not the %d of "
		          "socket-rcvbuf: raise net.core.rmem_max, or run with CAP_NET_ADMIN",
		          got, config.socket_rcvbuf);
	else
		log::info(kLog, "media socket receive buffer: %d bytes", got);
	return fds;
}

// SIGTERM and SIGINT stop the control loop; SIGHUP is logged and ignored.
Result<void> handle_signals(event::Loop& l)
{
	for (int sig : {SIGTERM, SIGINT}) {
		auto r = l.on_signal(sig, [&l, sig] {
			log::notice(kLog, "received %s, shutting down",
			            sig == SIGTERM ? "SIGTERM" : "SIGINT");
			l.stop();
		});
		if (!r)
			return r;
	}
	return l.on_signal(SIGHUP, [] { log::notice(kLog, "received SIGHUP; ignored"); });
}

// SIGUSR1 starts draining (new calls refused, existing ones run to their end), SIGUSR2 ends
// it. `registry` is null once serving has ended.
Result<void> handle_drain_signals(event::Loop& l, call::Registry*& registry)
{
	for (bool on : {true, false}) {
		auto r = l.on_signal(on ? SIGUSR1 : SIGUSR2, [&registry, on] {
			if (!registry)
				return;
			registry->admission().set_draining(on);
			log::notice(kLog, "received %s: %s", on ? "SIGUSR1" : "SIGUSR2",
			            on ? "draining, new calls are refused"
			               : "drain ended, serving");
		});
		if (!r)
			return r;
	}
	return {};
}

// The relay's listeners, which no party's media may be sent to; the media loops add the media
// sockets as they lease them.
void add_listeners(media::OwnEndpoints& own, const Config& config)
{
	for (const auto& ep : config.listen_ng)
		own.add_listener(ep, "ng");
	for (const auto& ep : config.listen_tcp_ng)
		own.add_listener(ep, "ng over tcp");
	if (config.listen_cli)
		own.add_listener(*config.listen_cli, "cli");
	if (config.listen_http)
		own.add_listener(*config.listen_http, "http");
}

// ng over HTTP through the ng server, so POST /ng shares the reply cache of UDP and TCP. A
// message without a cookie has nobody to be answered as: it gets a bare error reply.
http::NgSubmit cached_ng(ng::Server& server)
{
	return [&server](const std::string& message, bool plain, const net::Endpoint& peer,
	                 const std::function<void(std::string)>& done) {
		auto answer = [done](std::string reply) {
			if (reply.empty()) {
				Arena arena;
				reply = ng::encode_body(ng::error_reply(arena, "no cookie"),
				                        ng::Encoding::kBencode);
			}
			done(std::move(reply));
		};
		if (plain)
			server.submit_plain(message, peer, answer);
		else
			server.submit(message, peer, answer);
	};
}

// GET /metrics: the relay's families, the ng control plane's, then call quality.
http::MetricsSource metrics_of(call::Registry& calls, const ng::CommandStats& commands)
{
	return [&calls, &commands] {
		http::Exposition out;
		http::write_relay_metrics(out, calls);
		http::write_ng_metrics(out, commands);
		http::write_quality_metrics(out, calls.quality());
		return out.take();
	};
}

// The media loops, the calls and the ng and CLI servers, serving until the control loop `l`
// stops. Destruction runs in reverse: the servers first, then the calls (destroyed on their
// still-running media loops), then the loops, then the own endpoints and the port pools the
// calls used.
Result<void> serve(const Config& config, event::Loop& l, kernel::Channel* kernel, uint64_t fds,
                   std::optional<UniqueFd>& ready_pipe)
{
	media::Interfaces interfaces(config, fds);
	auto dtls = config.dtls_cert_file.empty()
	                    ? crypto::DtlsIdentity::generate()
	                    : crypto::DtlsIdentity::load(config.dtls_cert_file);
	if (!dtls)
		return dtls.error();
	log::info(kLog, "DTLS certificate %s", (*dtls)->fingerprint().c_str());
	media::OwnEndpoints own(config, media::OwnEndpoints::host_addresses());
	add_listeners(own, config);
	call::Registry* registry = nullptr; // control thread only
	auto loops = media::MediaLoops::create(
	        config,
	        [&l, &registry](const std::string& id, const std::string& reason) {
		        l.post([&registry, id, reason] {
			        if (registry)
				        registry->on_timeout(id, reason);
		        });
	        },
	        [&l, &registry](const std::string& id) {
		        l.post([&registry, id] {
			        if (registry && registry->journaling())
				        registry->changed(id);
		        });
	        });
	if (!loops)
		return loops.error();
	{
		call::Registry calls(config, interfaces, **loops, l);
		registry = &calls;
		calls.set_kernel(kernel);
		calls.set_own_endpoints(&own);
		calls.set_dtls(dtls->get());
		// The relay's role in its HA group is known, and an active's calls rebuilt, before
		// anything can signal them.
		std::unique_ptr<ha::Node> ha_node;
		if (!config.redis.empty()) {
			auto n = ha::Node::start(config, calls, l);
			if (!n)
				return n.error();
			ha_node = std::move(n).value();
		}
		// Declared before the servers that count into it, so it outlives them.
		ng::CommandStats command_stats;
		ng::CommandTable commands = ng::builtin_commands();
		commands.record_into(&command_stats);
		auto ng = ng::Server::create(l, config.listen_ng, commands, &calls,
		                             config.listen_tcp_ng);
		if (!ng)
			return ng.error();
		if (auto r = handle_drain_signals(l, registry); !r)
			return r;
		// The CLI's own table: `list jsonstats` runs `statistics`, but is no ng request to
		// count with them.
		ng::CommandTable cli_commands = ng::builtin_commands();
		std::unique_ptr<cli::Server> cli;
		if (config.listen_cli) {
			auto s = cli::Server::create(l, *config.listen_cli, calls, cli_commands);
			if (!s)
				return s.error();
			cli = std::move(s).value();
		}
		std::unique_ptr<http::Server> web;
		if (config.listen_http) {
			auto h = http::Server::create(l, *config.listen_http, cached_ng(**ng),
			                              metrics_of(calls, command_stats));
			if (!h)
				return h.error();
			web = std::move(h).value();
		}

		log::notice(kLog, "ready: %zu media thread(s)", (*loops)->size());
		auto service = call::ServiceStatus::start(calls, l);
		if (!service)
			return service.error();
		if (ready_pipe)
			report_ready(*ready_pipe);
		l.run();
		(*service)->stopping();
		registry = nullptr;
		// Commands still at work on a media loop reply from there through the servers
		// about to go.
		(*loops)->settle();
	}
	(*loops)->stop_and_join();
	return {};
}

// Everything from the first log line to the end of serving, in the order that lets each part
// rely on the ones before it.
Result<void> start_and_serve(const Config& config, const std::string& config_file,
                             std::optional<UniqueFd>& ready_pipe)
{
	log_config(config, config_file);
	uint64_t fds = check_limits(config);
	// Kept for the daemon's life: destroyed (its rule removed, its table deleted) after the
	// calls.
	auto kernel = open_kernel(config);
	if (!kernel)
		return kernel.error();

	std::optional<PidFile> pidfile;
	if (!config.pidfile.empty()) {
		auto p = PidFile::create(config.pidfile);
		if (!p)
			return p.error();
		pidfile.emplace(std::move(p).value());
	}

	auto loop = event::Loop::create();
	if (!loop)
		return loop.error();
	if (auto r = handle_signals(**loop); !r)
		return r;
	return serve(config, **loop, kernel->channel.get(), fds, ready_pipe);
}

// Detaches unless --foreground; a start-up failure reaches the launching command either way.
int run(const Config& config, const std::string& config_file)
{
	std::optional<UniqueFd> ready_pipe;
	if (!config.foreground) {
		auto pipe = daemonize();
		if (!pipe) {
			log::err(kLog, "cannot daemonize: %s", pipe.error().reason.c_str());
			return 1;
		}
		ready_pipe = std::move(pipe).value();
	}
	if (auto r = start_and_serve(config, config_file, ready_pipe); !r) {
		const std::string& message = r.error().reason;
		log::err(kLog, "%s", message.c_str());
		if (ready_pipe)
			report_failure(*ready_pipe, message);
		else
			fprintf(stderr, "rtprelayd: %s\n", message.c_str());
		return 1;
	}
	log::notice(kLog, "stopped");
	return 0;
}

// What main() does, inside the namespace: names like event:: stay unambiguous with the
// C libraries' (libevent's struct event).
int start(int argc, char** argv)
{
	signal(SIGPIPE, SIG_IGN);
	auto loaded = config::load(argc, argv);
	if (!loaded) {
		fprintf(stderr, "rtprelayd: %s\n", loaded.error().reason.c_str());
		return 2;
	}
	switch (loaded->action) {
	case config::Loaded::Action::kHelp: fputs(config::help_text().c_str(), stdout); return 0;
	case config::Loaded::Action::kVersion: printf("rtprelayd %s\n", RTPRELAY_VERSION); return 0;
	case config::Loaded::Action::kRun: break;
	}
	log::init(loaded->config.log);
	const Config& config = loaded->config;
	int rc = config.nftables_start || config.nftables_stop ? nft_one_shot(config)
	                                                       : run(config, loaded->config_file);
	log::shutdown();
	return rc;
}

} // namespace
} // namespace rtprelay

int main(int argc, char** argv)
{
	// Nothing should throw past start-up's own error handling (std::bad_alloc could): exit
	// with a message rather than std::terminate's.
	try {
		return rtprelay::start(argc, argv);
	} catch (const std::exception& e) {
		fprintf(stderr, "rtprelayd: %s\n", e.what());
		return 1;
	}
}
