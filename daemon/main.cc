// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelayd start-up: load the configuration, detach, start the control loop with the ng
// server, run until SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

#include "call/registry.h"
#include "cli/server.h"
#include "config/help.h"
#include "config/loader.h"
#include "event/loop.h"
#include "kernel/channel.h"
#include "kernel/nft_rules.h"
#include "media/interfaces.h"
#include "media/media_loop.h"
#include "media/own_endpoints.h"
#include "ng/command.h"
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

// The relay's listeners, which no party's media may be sent to (HTTP listeners join here as
// they come); the media loops add the media sockets as they lease them.
void add_listeners(media::OwnEndpoints& own, const Config& config)
{
	for (const auto& ep : config.listen_ng)
		own.add_listener(ep, "ng");
	if (config.listen_cli)
		own.add_listener(*config.listen_cli, "cli");
}

// The media loops, the calls and the ng and CLI servers, serving until the control loop `l`
// stops. Destruction runs in reverse: the servers first, then the calls (destroyed on their
// still-running media loops), then the loops, then the own endpoints and the port pools the
// calls used.
Result<void> serve(const Config& config, event::Loop& l, kernel::Channel* kernel, uint64_t fds,
                   std::optional<UniqueFd>& ready_pipe)
{
	media::Interfaces interfaces(config, fds);
	media::OwnEndpoints own(config, media::OwnEndpoints::host_addresses());
	add_listeners(own, config);
	call::Registry* registry = nullptr; // control thread only
	auto loops = media::MediaLoops::create(
	        config, [&l, &registry](const std::string& id, const std::string& reason) {
		        l.post([&registry, id, reason] {
			        if (registry)
				        registry->on_timeout(id, reason);
		        });
	        });
	if (!loops)
		return loops.error();
	{
		call::Registry calls(config, interfaces, **loops, l);
		registry = &calls;
		calls.set_kernel(kernel);
		calls.set_own_endpoints(&own);
		ng::CommandTable commands = ng::builtin_commands();
		auto ng = ng::Server::create(l, config.listen_ng, commands, &calls);
		if (!ng)
			return ng.error();
		std::unique_ptr<cli::Server> cli;
		if (config.listen_cli) {
			auto s = cli::Server::create(l, *config.listen_cli, calls, commands);
			if (!s)
				return s.error();
			cli = std::move(s).value();
		}

		log::notice(kLog, "ready: %zu media thread(s)", (*loops)->size());
		if (ready_pipe)
			report_ready(*ready_pipe);
		l.run();
		registry = nullptr;
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
