// SPDX-License-Identifier: GPL-3.0-or-later
// The immutable run-time configuration, produced once at start-up by config/loader and passed
// by const reference from then on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/learning_mode.h"
#include "config/media_io.h"
#include "net/address.h"
#include "util/log.h"

namespace rtprelay {

// One address of a logical media interface: --interface=[NAME/]ADDR[!ADVERTISED].
struct InterfaceSpec {
	std::string name = "default";
	net::IpAddress address;
	std::optional<net::IpAddress> advertised; // written into SDP instead of address

	std::string to_string() const;
};

struct Config {
	std::vector<InterfaceSpec> interfaces;
	std::vector<net::Endpoint> listen_ng;
	std::vector<net::Endpoint> listen_tcp_ng; // empty: no ng over TCP
	std::optional<net::Endpoint> listen_cli;  // TCP, rtpengine-ctl's protocol; none: no CLI
	std::optional<net::Endpoint> listen_http; // none: no HTTP server

	int table = 0; // kernel forwarding table; -1 = userspace only
	bool no_fallback = false;
	std::string nftables_chain = "rtprelay";   // empty: no nftables rule management
	std::string nftables_base_chain = "INPUT"; // empty: no jump to nftables_chain
	bool nftables_start = false;               // one-shot: create the rule and exit
	bool nftables_stop = false;                // one-shot: remove the rule and exit

	uint16_t port_min = 30000;
	uint16_t port_max = 40000;
	int tos = 184;         // DSCP EF
	int socket_rcvbuf = 0; // bytes per media socket; 0 = the system's default

	int timeout = 60;
	int silent_timeout = 3600;
	int final_timeout = 0; // 0 = no absolute limit
	int offer_timeout = 3600;
	int delete_delay = 30;

	size_t reply_cache_bytes = size_t{32} << 20; // ng replies kept for retransmissions

	// Admission of new calls (call/admission); 0 turns the last three off, as in rtpengine.
	int max_sessions = -1;      // -1 = no limit; 0 admits no new call
	double max_load = 0;        // 1-minute load average
	double max_cpu = 0;         // percent of the machine's CPU time, all cores together
	uint64_t max_bandwidth = 0; // relayed bytes per second

	int num_threads = 0; // 0 = one media loop per CPU core
	MediaIo media_io = MediaIo::kAuto;
	LearningMode endpoint_learning = LearningMode::kDelayed;

	log::Settings log;
	bool foreground = false;
	std::string pidfile;
	std::string dtls_cert_file; // empty: a certificate made at start

	// High availability (ha/): call documents in Redis, [PASSWORD@]HOST:PORT/DB; empty: none.
	std::string redis;         // read at start (restore), and written unless redis_write is set
	std::string redis_write;   // where documents are written, when not `redis`
	int redis_expires = 86400; // seconds a document outlives its last write
	int redis_allowed_errors = -1;    // failures in a row before a pause; -1 = never pause
	int redis_disable_time = 10;      // seconds between attempts to reach Redis
	int redis_cmd_timeout = 1000;     // ms
	int redis_connect_timeout = 1000; // ms
	std::string ha_node;              // this relay's name in its group; empty: host name
	int ha_lease_ms = 3000;           // the active's lease lives this long unrenewed
};

} // namespace rtprelay
