// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelay-ctl-proxy's settings, from its command line and an INI file read by the daemon's
// INI reader (section [rtprelay-ctl-proxy]; list options take ';'-separated values there).
// The command line wins over the file, option by option; a list given on the command line
// replaces the file's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ha/redis_link.h"
#include "net/address.h"
#include "node_spec.h"
#include "util/result.h"

namespace rtprelay::proxy {

inline constexpr const char* kDefaultProxyConfig = "/etc/rtprelay/rtprelay-ctl-proxy.conf";
inline constexpr const char* kProxySection = "rtprelay-ctl-proxy";

struct ProxyOptions {
	std::vector<net::Endpoint> listen_ng;
	std::vector<net::Endpoint> listen_tcp_ng;
	std::vector<NodeSpec> nodes;
	std::optional<net::Endpoint> listen_cli;
	std::map<std::string, net::Endpoint> node_cli; // a node's CLI address, by its name
	std::optional<ha::RedisTarget> redis;
	int redis_connect_timeout_ms = 1000;
	int redis_cmd_timeout_ms = 1000;
	int call_expires_s = 86400;
	int forget_after_s = 40;
	int node_timeout_ms = 1000;
	int node_misses = 2;
	int refusal_hold_s = 10;
	int log_level = 6;
	bool log_stderr = false;
	bool help = false;
	bool version = false;
	std::string config_file; // the file read, empty if none
};

// default_file is read when --config-file is not given and the file exists; "none" reads none.
Result<ProxyOptions> load_proxy_options(int argc, const char* const* argv,
                                        const std::string& default_file = kDefaultProxyConfig);

// --help's text.
std::string proxy_usage();

} // namespace rtprelay::proxy
