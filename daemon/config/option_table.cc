// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/option_table.h"

#include <netinet/in.h>

#include <array>
#include <cctype>
#include <cstdlib>

#include "util/strings.h"

namespace rtprelay::config {
namespace {

Result<int64_t> in_range(std::string_view value, int64_t lo, int64_t hi)
{
	auto v = parse_int(trim(value));
	if (!v || *v < lo || *v > hi)
		return Error{strprintf("expected an integer from %lld to %lld",
		                       static_cast<long long>(lo), static_cast<long long>(hi))};
	return *v;
}

template <auto Member, int64_t Lo, int64_t Hi>
Result<void> set_int(Config& c, std::string_view value)
{
	auto v = in_range(value, Lo, Hi);
	if (!v)
		return v.error();
	c.*Member = static_cast<std::remove_reference_t<decltype(c.*Member)>>(*v);
	return {};
}

template <auto Member>
Result<void> set_bool(Config& c, std::string_view value)
{
	auto v = parse_bool(trim(value));
	if (!v)
		return Error{"expected true or false"};
	c.*Member = *v;
	return {};
}

template <log::Subsystem Sub>
Result<void> set_log_level(Config& c, std::string_view value)
{
	auto v = in_range(value, 0, 7);
	if (!v)
		return v.error();
	c.log.levels[static_cast<size_t>(Sub)] = static_cast<int>(*v);
	return {};
}

Result<void> set_all_log_levels(Config& c, std::string_view value)
{
	auto v = in_range(value, 0, 7);
	if (!v)
		return v.error();
	c.log.levels.fill(static_cast<int>(*v));
	return {};
}

Result<void> set_log_stderr(Config& c, std::string_view value)
{
	auto v = parse_bool(trim(value));
	if (!v)
		return Error{"expected true or false"};
	c.log.to_stderr = *v;
	return {};
}

Result<void> set_log_facility(Config& c, std::string_view value)
{
	int f = log::facility_from_name(trim(value));
	if (f < 0)
		return Error{"expected daemon, user or local0..local7"};
	c.log.facility = f;
	return {};
}

Result<void> set_pidfile(Config& c, std::string_view value)
{
	if (value.empty())
		return Error{"expected a file path"};
	c.pidfile = value;
	return {};
}

Result<void> set_dtls_cert_file(Config& c, std::string_view value)
{
	if (value.empty())
		return Error{"expected a file path"};
	c.dtls_cert_file = value;
	return {};
}

// [PASSWORD@]HOST:PORT/DB, checked where it is used (ha/redis_link.h) at start.
template <auto Member>
Result<void> set_redis(Config& c, std::string_view value)
{
	if (trim(value).empty())
		return Error{"expected [PASSWORD@]HOST:PORT/DB"};
	c.*Member = trim(value);
	return {};
}

// One word: lease values are "<node> <epoch>".
Result<void> set_ha_node(Config& c, std::string_view value)
{
	value = trim(value);
	if (value.empty() || value.size() > 64 || value.find_first_of(" \t") != value.npos)
		return Error{"expected a name of 1-64 characters without spaces"};
	c.ha_node = value;
	return {};
}

Result<void> add_listen_ng(Config& c, std::string_view value)
{
	auto ep = net::Endpoint::parse(trim(value), net::IpAddress::loopback_v4());
	if (!ep)
		return ep.error();
	c.listen_ng.push_back(*ep);
	return {};
}

Result<void> set_listen_http(Config& c, std::string_view value)
{
	auto ep = net::Endpoint::parse(trim(value), net::IpAddress::loopback_v4());
	if (!ep)
		return ep.error();
	c.listen_http = *ep;
	return {};
}

Result<void> add_listen_tcp_ng(Config& c, std::string_view value)
{
	auto ep = net::Endpoint::parse(trim(value), net::IpAddress::loopback_v4());
	if (!ep)
		return ep.error();
	c.listen_tcp_ng.push_back(*ep);
	return {};
}

Result<void> set_listen_cli(Config& c, std::string_view value)
{
	auto ep = net::Endpoint::parse(trim(value), net::IpAddress::loopback_v4());
	if (!ep)
		return ep.error();
	c.listen_cli = *ep;
	return {};
}

// Interface and nftables chain names: letters, digits, - _ .
bool valid_name(std::string_view name)
{
	if (name.empty() || name.size() > 64)
		return false;
	for (char ch : name)
		if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
		      ch == '.'))
			return false;
	return true;
}

// 0.0.0.0, :: and ::ffff:0.0.0.0: "any local address" to bind(), "on hold" in SDP.
bool is_unspecified(const net::IpAddress& ip)
{
	if (!ip.is_v6())
		return ip.v4().s_addr == INADDR_ANY;
	const uint8_t* b = ip.v6().s6_addr;
	bool v4_any = IN6_IS_ADDR_V4MAPPED(&ip.v6()) && (b[12] | b[13] | b[14] | b[15]) == 0;
	return IN6_IS_ADDR_UNSPECIFIED(&ip.v6()) || v4_any;
}

// A media socket must be bound to the one address its packets arrive at: the kernel path keys
// its targets on it, symmetric RTP sends from it, and each address has its own port pool.
// A wildcard socket would break all three quietly, so it is refused whatever is advertised.
Error wildcard_interface(const net::IpAddress& ip)
{
	return Error{strprintf("%s is the wildcard address, but media sockets bind to one concrete "
	                       "local address each: name that address (ADDR, or ADDR!ADVERTISED "
	                       "behind 1:1 NAT), and repeat --interface for each address",
	                       ip.to_string().c_str())};
}

Error unspecified_advertised(const net::IpAddress& ip)
{
	return Error{strprintf("advertised address %s means 'on hold' in SDP: advertise the "
	                       "address peers send media to",
	                       ip.to_string().c_str())};
}

Result<void> add_interface(Config& c, std::string_view value)
{
	value = trim(value);
	InterfaceSpec spec;
	if (size_t slash = value.find('/'); slash != std::string_view::npos) {
		spec.name = value.substr(0, slash);
		if (!valid_name(spec.name))
			return Error{strprintf(
			        "'%s' is not a valid interface name (letters, digits, - _ .)",
			        printable(spec.name).c_str())};
		value.remove_prefix(slash + 1);
	}
	std::string_view addr = value;
	if (size_t bang = value.find('!'); bang != std::string_view::npos) {
		addr = value.substr(0, bang);
		auto adv = net::IpAddress::parse(value.substr(bang + 1));
		if (!adv)
			return Error{"advertised address " + adv.error().reason};
		if (is_unspecified(*adv))
			return unspecified_advertised(*adv);
		spec.advertised = *adv;
	}
	auto ip = net::IpAddress::parse(addr);
	if (!ip)
		return ip.error();
	if (is_unspecified(*ip))
		return wildcard_interface(*ip);
	spec.address = *ip;
	c.interfaces.push_back(std::move(spec));
	return {};
}

// An empty chain name turns the feature off, so it is allowed.
template <auto Member>
Result<void> set_chain(Config& c, std::string_view value)
{
	value = trim(value);
	if (!value.empty() && !valid_name(value))
		return Error{
		        "expected a chain name (letters, digits, - _ .; at most 64) or nothing"};
	c.*Member = value;
	return {};
}

Result<void> set_base_chain(Config& c, std::string_view value)
{
	return set_chain<&Config::nftables_base_chain>(c, trim(value) == "none" ? "" : value);
}

Result<void> set_num_threads(Config& c, std::string_view value)
{
	auto v = in_range(value, 0, 256);
	if (!v)
		return v.error();
	c.num_threads = static_cast<int>(*v);
	return {};
}

// A non-negative decimal such as 2.5 (load average, CPU percent); 0 turns a limit off.
template <auto Member>
Result<void> set_limit(Config& c, std::string_view value)
{
	std::string text(trim(value));
	char* end = nullptr;
	double v = text.empty() ? -1 : strtod(text.c_str(), &end);
	if (text.empty() || *end != '\0' || !(v >= 0 && v <= 1e6))
		return Error{"expected a number from 0 to 1000000 (0 = no limit)"};
	c.*Member = v;
	return {};
}

Result<void> set_endpoint_learning(Config& c, std::string_view value)
{
	static constexpr std::pair<std::string_view, LearningMode> kModes[] = {
	        {"delayed", LearningMode::kDelayed},
	        {"immediate", LearningMode::kImmediate},
	        {"off", LearningMode::kOff},
	        {"heuristic", LearningMode::kHeuristic},
	};
	for (auto [name, mode] : kModes)
		if (iequals(trim(value), name)) {
			c.endpoint_learning = mode;
			return {};
		}
	return Error{"expected delayed, immediate, off or heuristic"};
}

Result<void> set_media_io(Config& c, std::string_view value)
{
	static constexpr std::pair<std::string_view, MediaIo> kEngines[] = {
	        {"auto", MediaIo::kAuto},
	        {"io_uring", MediaIo::kUring},
	        {"epoll", MediaIo::kEpoll},
	};
	for (auto [name, engine] : kEngines)
		if (iequals(trim(value), name)) {
			c.media_io = engine;
			return {};
		}
	return Error{"expected auto, io_uring or epoll"};
}

using K = OptionKind;
using C = Config;

const std::array kOptions = {
        OptionSpec{"help", 'h', K::kLoader, "", "", "Print this help and exit.", nullptr},
        OptionSpec{"version", 'v', K::kLoader, "", "", "Print the version and exit.", nullptr},
        OptionSpec{"config-file", 0, K::kLoader, "FILE", "/etc/rtprelay/rtprelay.conf if it exists",
                   "Read options from this INI file; 'none' reads no file. Command-line options "
                   "override the file.",
                   nullptr},
        OptionSpec{"config-section", 0, K::kLoader, "NAME", "rtprelay, else rtpengine",
                   "INI section to read options from.", nullptr},
        OptionSpec{"interface", 'i', K::kList, "[NAME/]ADDR[!ADVERTISED]", "127.0.0.1",
                   "Local media address of a logical interface (name 'default' if omitted): a "
                   "concrete address, not the wildcard 0.0.0.0 or ::. ADVERTISED is written into "
                   "SDP instead of ADDR (for 1:1 NAT); never 0.0.0.0 or ::, which mean 'on hold'. "
                   "Repeat for several addresses or interfaces.",
                   add_interface},
        OptionSpec{"listen-ng", 'n', K::kList, "[ADDR:]PORT", "127.0.0.1:2223",
                   "UDP address for the ng control protocol; IPv6 as [ADDR]:PORT. A bare port "
                   "listens on 127.0.0.1 only. Repeat to listen on several addresses.",
                   add_listen_ng},
        OptionSpec{"listen-tcp-ng", 0, K::kList, "[ADDR:]PORT", "none",
                   "TCP address for the ng control protocol: messages 'cookie SP "
                   "bencode-dictionary' back to back, replies in request order. A bare port "
                   "listens on 127.0.0.1 only. Repeat to listen on several addresses.",
                   add_listen_tcp_ng},
        OptionSpec{"listen-cli", 'c', K::kValue, "[ADDR:]PORT", "none",
                   "TCP address for the text CLI that rtpengine-ctl speaks (one command per "
                   "connection); IPv6 as [ADDR]:PORT. A bare port listens on 127.0.0.1 only. "
                   "Without it there is no CLI.",
                   set_listen_cli},
        OptionSpec{"listen-http", 0, K::kValue, "[ADDR:]PORT", "",
                   "TCP address for HTTP: GET /metrics (Prometheus), GET /ping, POST /ng and "
                   "/ng-plain (ng over HTTP); IPv6 as [ADDR]:PORT. A bare port listens on "
                   "127.0.0.1 only. No HTTP when absent.",
                   set_listen_http},
        OptionSpec{"table", 't', K::kValue, "N", "0",
                   "Kernel forwarding table; -1 forwards in userspace only.",
                   set_int<&C::table, -1, 63>},
        OptionSpec{
                "no-fallback", 'F', K::kFlag, "", "false",
                "Exit instead of falling back to userspace when kernel forwarding is unavailable.",
                set_bool<&C::no_fallback>},
        OptionSpec{"nftables-chain", 0, K::kValue, "NAME", "rtprelay",
                   "nftables chain, in table filter of families ip and ip6, created at start "
                   "(when the kernel table is open) and removed at stop; its one rule sends UDP "
                   "to the RTPRELAY target with the --table id. Empty: no nftables rule; steer "
                   "packets to the table yourself.",
                   set_chain<&C::nftables_chain>},
        OptionSpec{"nftables-base-chain", 0, K::kValue, "NAME", "INPUT",
                   "Base chain (filter, hook input, priority 0, created if missing) that gets a "
                   "jump to --nftables-chain at its top. Empty or 'none' (rtpengine's "
                   "spelling): no jump; hook the chain in yourself.",
                   set_base_chain},
        OptionSpec{"nftables-start", 0, K::kFlag, "", "false",
                   "Create the nftables chain, rule and jump for --table, then exit (for init "
                   "scripts; the kernel table is not needed).",
                   set_bool<&C::nftables_start>},
        OptionSpec{"nftables-stop", 0, K::kFlag, "", "false",
                   "Remove the nftables chain and jump, then exit.", set_bool<&C::nftables_stop>},
        OptionSpec{"port-min", 'm', K::kValue, "PORT", "30000",
                   "Lowest local UDP port used for media.", set_int<&C::port_min, 1024, 65535>},
        OptionSpec{"port-max", 'M', K::kValue, "PORT", "40000",
                   "Highest local UDP port used for media.", set_int<&C::port_max, 1024, 65535>},
        OptionSpec{"tos", 'T', K::kValue, "N", "184", "IP TOS byte of relayed media (184 = EF).",
                   set_int<&C::tos, 0, 255>},
        OptionSpec{"socket-rcvbuf", 0, K::kValue, "BYTES", "0",
                   "Receive buffer of each media socket (SO_RCVBUF): room for bursts and "
                   "scheduling stalls in userspace forwarding. 0 keeps the system's default "
                   "(net.core.rmem_default).",
                   set_int<&C::socket_rcvbuf, 0, 1 << 28>},
        OptionSpec{"timeout", 'o', K::kValue, "SECS", "60",
                   "End a call after this long without media.", set_int<&C::timeout, 1, 86400>},
        OptionSpec{"silent-timeout", 's', K::kValue, "SECS", "3600",
                   "End a call on hold after this long without media.",
                   set_int<&C::silent_timeout, 1, 86400 * 7>},
        OptionSpec{"final-timeout", 'a', K::kValue, "SECS", "0",
                   "End any call this long after it started; 0 = never.",
                   set_int<&C::final_timeout, 0, 86400 * 365>},
        OptionSpec{"offer-timeout", 0, K::kValue, "SECS", "3600",
                   "End a call whose offer was never answered after this long.",
                   set_int<&C::offer_timeout, 1, 86400 * 7>},
        OptionSpec{"delete-delay", 'd', K::kValue, "SECS", "30",
                   "Keep a deleted call this long (for late retransmissions); 0 = delete at once.",
                   set_int<&C::delete_delay, 0, 3600>},
        OptionSpec{"reply-cache-bytes", 0, K::kValue, "BYTES", "33554432",
                   "Memory for ng replies kept for retransmissions; the oldest go first when "
                   "it is full. Each cached reply lives up to a minute.",
                   set_int<&C::reply_cache_bytes, 65536, int64_t{1} << 34>},
        OptionSpec{"max-sessions", 0, K::kValue, "N", "-1",
                   "Refuse new calls while this many are up (re-offers, answers and deletes of "
                   "existing calls still work); 0 refuses every new call, -1 = no limit.",
                   set_int<&C::max_sessions, -1, 1 << 30>},
        OptionSpec{"max-load", 0, K::kValue, "LOAD", "0",
                   "Refuse new calls while the 1-minute load average is at or above this; "
                   "0 = no limit.",
                   set_limit<&C::max_load>},
        OptionSpec{"max-cpu", 0, K::kValue, "PERCENT", "0",
                   "Refuse new calls while the machine's CPU usage (all cores, from "
                   "/proc/stat, sampled every second) is at or above this percentage; "
                   "0 = no limit.",
                   set_limit<&C::max_cpu>},
        OptionSpec{"max-bandwidth", 0, K::kValue, "BYTES", "0",
                   "Refuse new calls while the relay forwards at least this many bytes per "
                   "second (kernel and userspace, over the last second); 0 = no limit.",
                   set_int<&C::max_bandwidth, 0, int64_t{1} << 40>},
        OptionSpec{"endpoint-learning", 0, K::kValue, "MODE", "delayed",
                   "How a party's media address is learned from its packets. The SDP's address "
                   "is taken at its first packet in every mode; another source only after the "
                   "answer: delayed (RTP in sequence from one source, alone, for 0.5 s), "
                   "immediate (the same over 60 ms), heuristic (like delayed; the SDP's host on "
                   "another port at 3 packets), off (trust SDP only). docs/security.md.",
                   set_endpoint_learning},
        OptionSpec{"num-threads", 0, K::kValue, "N", "0",
                   "Number of media threads; 0 = one per CPU core.", set_num_threads},
        OptionSpec{"media-io", 0, K::kValue, "ENGINE", "auto",
                   "What the media threads wait and move packets with: io_uring (multishot "
                   "receives, every send of a wake-up in one system call; Linux 6.1+), epoll, "
                   "or auto: io_uring unless the kernel or a seccomp profile refuses it. "
                   "`statistics` says which runs and why.",
                   set_media_io},
        OptionSpec{"log-level", 'L', K::kValue, "N", "6",
                   "Syslog level for all subsystems: 3 err, 4 warning, 5 notice, 6 info, 7 debug.",
                   set_all_log_levels},
        OptionSpec{"log-level-core", 0, K::kValue, "N", "6",
                   "Log level of the core subsystem (start-up, signals, configuration).",
                   set_log_level<log::Subsystem::kCore>},
        OptionSpec{"log-level-control", 0, K::kValue, "N", "6",
                   "Log level of the control subsystem (ng protocol).",
                   set_log_level<log::Subsystem::kControl>},
        OptionSpec{"log-stderr", 'E', K::kFlag, "", "false", "Log to stderr instead of syslog.",
                   set_log_stderr},
        OptionSpec{"log-facility", 0, K::kValue, "NAME", "daemon", "Syslog facility.",
                   set_log_facility},
        OptionSpec{"foreground", 'f', K::kFlag, "", "false", "Do not daemonize.",
                   set_bool<&C::foreground>},
        OptionSpec{"pidfile", 'p', K::kValue, "FILE", "none", "Write the daemon's PID to FILE.",
                   set_pidfile},
        OptionSpec{"dtls-cert-file", 0, K::kValue, "FILE", "none",
                   "DTLS-SRTP certificate and private key (PEM, one file); default: an ECDSA "
                   "P-256 certificate made at start.",
                   set_dtls_cert_file},
        OptionSpec{"redis", 0, K::kValue, "[PW@]HOST:PORT/DB", "none",
                   "Keep every call's state in this Redis database: written after each offer "
                   "and answer, removed when the call ends, and read at start, where the calls "
                   "found are rebuilt on their ports before ng is served. docs/ha.md.",
                   set_redis<&C::redis>},
        OptionSpec{"redis-write", 0, K::kValue, "[PW@]HOST:PORT/DB", "none",
                   "Write call state here instead of to --redis (which is then only read at "
                   "start).",
                   set_redis<&C::redis_write>},
        OptionSpec{"redis-expires", 0, K::kValue, "SECS", "86400",
                   "A call's state expires from Redis this long after its last write.",
                   set_int<&C::redis_expires, 1, 365 * 86400>},
        OptionSpec{"redis-allowed-errors", 0, K::kValue, "N", "-1",
                   "After this many writes Redis refused in a row, wait redis-disable-time "
                   "before trying again; -1 = never (a refused write is retried a second "
                   "later). Writes are kept meanwhile.",
                   set_int<&C::redis_allowed_errors, -1, 1 << 30>},
        OptionSpec{"redis-disable-time", 0, K::kValue, "SECS", "10",
                   "Time between attempts to reach Redis while it is away.",
                   set_int<&C::redis_disable_time, 1, 3600>},
        OptionSpec{"redis-cmd-timeout", 0, K::kValue, "MS", "1000",
                   "A Redis command not answered in this time counts as failed; the connection "
                   "is made again and the write retried.",
                   set_int<&C::redis_cmd_timeout, 10, 60000>},
        OptionSpec{"redis-connect-timeout", 0, K::kValue, "MS", "1000",
                   "Time a connection to Redis may take.",
                   set_int<&C::redis_connect_timeout, 10, 60000>},
        OptionSpec{"ha-node", 0, K::kValue, "NAME", "the host name",
                   "This relay's name in its group (the relays sharing one --redis database): "
                   "the lease of the active relay names it, and a relay of the same name "
                   "takes the lease back at once when it restarts.",
                   set_ha_node},
        OptionSpec{"ha-lease", 0, K::kValue, "MS", "3000",
                   "The active relay's lease lives this long unless renewed (every third of "
                   "it); a standby takes over once it has expired. docs/ha.md.",
                   set_int<&C::ha_lease_ms, 300, 600000>},
};

static_assert(static_cast<size_t>(log::Subsystem::kCount) == 2,
              "add a log-level-<subsystem> option for each subsystem");

} // namespace

std::span<const OptionSpec> option_table()
{
	return kOptions;
}

const OptionSpec* find_option(std::string_view name)
{
	for (const auto& o : kOptions)
		if (o.name == name)
			return &o;
	return nullptr;
}

const OptionSpec* find_short_option(char c)
{
	for (const auto& o : kOptions)
		if (c != 0 && o.short_name == c)
			return &o;
	return nullptr;
}

bool is_unimplemented_rtpengine_option(std::string_view name)
{
	static constexpr std::string_view kNames[] = {
	        "listen-tcp",
	        "listen-udp",
	        "listen-https",
	        "control-tos",
	        "redis-num-threads",
	        "b2b-url",
	        "xmlrpc-format",
	        "homer",
	        "homer-protocol",
	        "homer-id",
	        "recording-dir",
	        "recording-method",
	        "recording-format",
	        "iptables-chain",
	        "nftables-append",
	        "nftables-family",
	        "nftables-status",
	        "dtls-passive",
	        "dtls-cert-cipher",
	        "dtls-rsa-key-size",
	        "dtls-signature",
	        "graphite",
	        "graphite-interval",
	        "graphite-prefix",
	        "log-format",
	        "log-srtp-keys",
	        "num-threads-media",
	        "media-num-threads",
	        "codec-num-threads",
	        "poller-per-thread",
	        "dtx-delay",
	        "mqtt-host",
	        "janus-secret",
	        "jitter-buffer",
	        "sip-source",
	        "dtmf-log-dest",
	        "measure-rtp",
	        "mos",
	        "scheduling",
	        "priority",
	        "idle-scheduling",
	        "idle-priority",
	        "user",
	        "group",
	        "mysql-host",
	        "http-threads",
	        "log-mark-prefix",
	};
	for (auto n : kNames)
		if (n == name)
			return true;
	return false;
}

} // namespace rtprelay::config
