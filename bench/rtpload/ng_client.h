// Asynchronous ng client: one UDP socket to the relay's ng port, many requests in flight, each
// with its own cookie (`<pid>_<counter>`, as Kamailio), retransmitted on timeout like Kamailio's
// rtpengine module does. Single-threaded; callbacks run inside poll().
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "bencode.h"
#include "result.h"
#include "unique_fd.h"

namespace rtpload {

struct NgConfig {
	sockaddr_in relay{};
	in_addr local{};
	uint32_t port_min = 50000; // the client binds the highest free port in [port_min, port_max]
	uint32_t port_max = 59999;
	int timeout_ms = 1000; // per try
	int retries = 2;       // retransmissions after the first try
	bool verbose = false;  // print every request and reply to stderr
};

// The reply dictionary (any `result`, including `error`), or an Error for a timeout or an
// undecodable reply. `elapsed_ns` runs from the first transmission to the reply.
using NgCallback = std::function<void(Result<BValue> reply, int64_t elapsed_ns)>;

class NgClient {
public:
	static Result<std::unique_ptr<NgClient>> create(const NgConfig& cfg);

	void submit(const BValue& request, NgCallback cb);
	// Waits up to `timeout_ms` for replies, runs callbacks, retransmits and expires requests.
	void poll(int timeout_ms);
	size_t outstanding() const { return pending_.size(); }
	// Forgets every outstanding request without running its callback.
	void cancel_all() { pending_.clear(); }

	uint64_t retransmits() const { return retransmits_; }
	uint64_t timeouts() const { return timeouts_; }

private:
	struct Pending {
		std::string datagram;
		int64_t first_ns = 0;
		int64_t last_ns = 0;
		int tries = 0;
		NgCallback cb;
	};

	explicit NgClient(const NgConfig& cfg) : cfg_(cfg) {}
	void transmit(Pending& p);
	void receive_all();
	void handle_timeouts();

	NgConfig cfg_;
	UniqueFd fd_;
	std::string cookie_prefix_;
	uint64_t counter_ = 0;
	uint64_t retransmits_ = 0;
	uint64_t timeouts_ = 0;
	std::unordered_map<std::string, Pending> pending_;
};

} // namespace rtpload
