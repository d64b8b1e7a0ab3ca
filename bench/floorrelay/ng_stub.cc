// The ng side of floorrelay: enough of offer/answer for rtpload. A call gets the next pair
// (round robin); the offer's reply carries the callee's port, the answer's the caller's. Also
// the benchmark's floor for lone commands (bench/README.md), answered by the receiving thread
// or, with hop, by a second one.
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "../rtpload/bencode.h"
#include "floor.h"

namespace floorrelay {
namespace {

using rtpload::BValue;

// The SDP with every c= on address and every m= on port.
std::string rewrite_sdp(std::string_view sdp, const std::string& address, uint16_t port)
{
	std::istringstream in{std::string(sdp)};
	std::string line, out;
	while (std::getline(in, line)) {
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (line.rfind("c=", 0) == 0) {
			line = "c=IN IP4 " + address;
		} else if (line.rfind("m=", 0) == 0) {
			size_t sp = line.find(' '), rest = line.find(' ', sp + 1);
			if (sp != std::string::npos && rest != std::string::npos)
				line = line.substr(0, sp + 1) + std::to_string(port) +
				       line.substr(rest);
		}
		out += line + "\r\n";
	}
	return out;
}

BValue reply(const BValue& req, std::map<std::string, size_t>& calls, size_t& next,
             const std::string& address, uint16_t port_min, size_t pairs)
{
	BValue r = BValue::dict();
	std::string_view cmd = req.get_str("command");
	if (cmd == "ping") {
		r.add("result", BValue::str("pong"));
		return r;
	}
	if (cmd == "offer" || cmd == "answer") {
		auto [it, fresh] = calls.try_emplace(std::string(req.get_str("call-id")), next);
		if (fresh)
			next = (next + 1) % pairs;
		auto port =
		        static_cast<uint16_t>(port_min + 2 * it->second + (cmd == "offer" ? 1 : 0));
		r.add("result", BValue::str("ok"));
		r.add("sdp", BValue::str(rewrite_sdp(req.get_str("sdp"), address, port)));
		return r;
	}
	if (cmd == "delete")
		calls.erase(std::string(req.get_str("call-id")));
	r.add("result", BValue::str("ok"));
	return r;
}

struct Request {
	std::string bytes;
	sockaddr_storage from;
	socklen_t len;
};

// What each request gets, on whichever thread answers.
class Answerer {
public:
	Answerer(int fd, std::string address, uint16_t port_min, size_t pairs)
	    : fd_(fd), address_(std::move(address)), port_min_(port_min), pairs_(pairs)
	{
	}
	void answer(const Request& r)
	{
		std::string_view msg(r.bytes);
		size_t sp = msg.find(' ');
		if (sp == std::string_view::npos)
			return;
		auto req = rtpload::bencode_decode(msg.substr(sp + 1));
		if (!req)
			return;
		std::string out(msg.substr(0, sp + 1));
		rtpload::bencode_encode(reply(*req, calls_, next_, address_, port_min_, pairs_),
		                        out);
		sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<const sockaddr*>(&r.from),
		       r.len);
	}

private:
	int fd_;
	std::string address_;
	uint16_t port_min_;
	size_t pairs_;
	std::map<std::string, size_t> calls_;
	size_t next_ = 0;
};

// The second thread of --ng-hop: sleeps in read() on the eventfd until requests are queued.
void answer_queued(Answerer& a, int wake, std::mutex& m, std::deque<Request>& queue)
{
	for (;;) {
		uint64_t n;
		if (read(wake, &n, sizeof n) != sizeof n)
			continue;
		std::deque<Request> taken;
		{
			std::lock_guard lock(m);
			taken.swap(queue);
		}
		for (const auto& r : taken)
			a.answer(r);
	}
}

} // namespace

void serve_ng(int fd, std::string address, uint16_t port_min, size_t pairs, bool hop)
{
	Answerer a(fd, std::move(address), port_min, pairs);
	std::mutex m;
	std::deque<Request> queue;
	int wake = hop ? eventfd(0, EFD_CLOEXEC) : -1;
	if (hop)
		std::thread(answer_queued, std::ref(a), wake, std::ref(m), std::ref(queue))
		        .detach();
	std::string buf(65536, '\0');
	for (;;) {
		Request r{};
		r.len = sizeof r.from;
		ssize_t n = recvfrom(fd, buf.data(), buf.size(), 0,
		                     reinterpret_cast<sockaddr*>(&r.from), &r.len);
		if (n <= 0)
			continue;
		r.bytes.assign(buf.data(), static_cast<size_t>(n));
		if (!hop) {
			a.answer(r);
			continue;
		}
		{
			std::lock_guard lock(m);
			queue.push_back(std::move(r));
		}
		uint64_t one = 1;
		if (write(wake, &one, sizeof one) != sizeof one)
			perror("floorrelay: eventfd");
	}
}

} // namespace floorrelay
