// The ng side of floorrelay: enough of offer/answer for rtpload. A call gets the next pair
// (round robin); the offer's reply carries the callee's port, the answer's the caller's.
#include <sys/socket.h>

#include <map>
#include <sstream>
#include <string>

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

} // namespace

void serve_ng(int fd, std::string address, uint16_t port_min, size_t pairs)
{
	std::map<std::string, size_t> calls;
	size_t next = 0;
	std::string buf(65536, '\0');
	for (;;) {
		sockaddr_storage from{};
		socklen_t len = sizeof from;
		ssize_t n = recvfrom(fd, buf.data(), buf.size(), 0,
		                     reinterpret_cast<sockaddr*>(&from), &len);
		if (n <= 0)
			continue;
		std::string_view msg(buf.data(), static_cast<size_t>(n));
		size_t sp = msg.find(' ');
		if (sp == std::string_view::npos)
			continue;
		auto req = rtpload::bencode_decode(msg.substr(sp + 1));
		if (!req)
			continue;
		std::string out(msg.substr(0, sp + 1));
		rtpload::bencode_encode(reply(*req, calls, next, address, port_min, pairs), out);
		sendto(fd, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
	}
}

} // namespace floorrelay
