// SPDX-License-Identifier: GPL-3.0-or-later
// Tests NodeClient against a UDP socket on the loop: cookies, replies, retransmission, timeout
// and refusal; and decode_node_reply.
#include "ctl-proxy/proxy/node_client.h"

#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kBody = "d7:command4:pinge";

// A UDP socket bound to 127.0.0.1 on a free port; returns its port.
UniqueFd bound_socket(uint16_t& port)
{
	UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	CPPUNIT_ASSERT(fd);
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	CPPUNIT_ASSERT_EQUAL(0, bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin));
	socklen_t len = sizeof sin;
	CPPUNIT_ASSERT_EQUAL(0, getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len));
	port = ntohs(sin.sin_port);
	CPPUNIT_ASSERT(port != 0);
	return fd;
}

net::Endpoint loopback(uint16_t port)
{
	return net::Endpoint(net::IpAddress::loopback_v4(), port);
}

std::string cookie_of(const std::string& datagram)
{
	return datagram.substr(0, datagram.find(' '));
}

std::string body_of(const std::string& datagram)
{
	size_t space = datagram.find(' ');
	return space == std::string::npos ? "" : datagram.substr(space + 1);
}

bool contains(const std::string& s, const std::string& part)
{
	return s.find(part) != std::string::npos;
}

// The fake node: records every datagram; `answer` (if set) says what to send back to each.
struct FakeNode {
	explicit FakeNode(event_base* base)
	{
		fd = bound_socket(port);
		ev.reset(event_new(base, fd.get(), EV_READ | EV_PERSIST, on_readable, this));
		CPPUNIT_ASSERT(ev);
		CPPUNIT_ASSERT_EQUAL(0, event_add(ev.get(), nullptr));
	}

	static void on_readable(evutil_socket_t, short, void* arg)
	{
		auto* self = static_cast<FakeNode*>(arg);
		char buf[65536];
		for (;;) {
			sockaddr_storage from{};
			socklen_t len = sizeof from;
			ssize_t n = recvfrom(self->fd.get(), buf, sizeof buf, 0,
			                     reinterpret_cast<sockaddr*>(&from), &len);
			if (n < 0)
				return;
			self->got.emplace_back(buf, static_cast<size_t>(n));
			self->peer = from;
			self->peer_len = len;
			if (self->answer)
				for (const std::string& reply : self->answer(self->got.back()))
					self->send(reply);
		}
	}

	void send(const std::string& datagram) const
	{
		CPPUNIT_ASSERT(sendto(fd.get(), datagram.data(), datagram.size(), 0,
		                      reinterpret_cast<const sockaddr*>(&peer),
		                      peer_len) == static_cast<ssize_t>(datagram.size()));
	}

	uint16_t port = 0;
	UniqueFd fd;
	rtprelay::event::EventPtr ev{nullptr, event_free};
	std::vector<std::string> got;
	sockaddr_storage peer{};
	socklen_t peer_len = 0;
	std::function<std::vector<std::string>(const std::string& request)> answer;
};

// What a request's callback got; calls counts its runs.
struct Outcome {
	std::optional<Result<std::string>> result;
	int calls = 0;
	Clock::time_point at;

	NodeClient::Done done()
	{
		return [this](Result<std::string> r) {
			result = std::move(r);
			calls++;
			at = Clock::now();
		};
	}
	bool ok() const { return result && result->has_value(); }
	std::string datagram() const
	{
		CPPUNIT_ASSERT_MESSAGE(result && !result->has_value() ? result->error().reason : "",
		                       ok());
		return result->value();
	}
	std::string error() const
	{
		CPPUNIT_ASSERT(result.has_value());
		CPPUNIT_ASSERT_MESSAGE("expected an error", !result->has_value());
		return result->error().reason;
	}
};

// Runs the loop until `done` or max_ms; returns whether done came true.
bool run_until(event_base* base, const std::function<bool()>& done, int max_ms)
{
	auto until = Clock::now() + std::chrono::milliseconds(max_ms);
	while (!done()) {
		if (Clock::now() > until)
			return false;
		timeval tv{0, 5000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	return true;
}

void run_for(event_base* base, int ms)
{
	auto until = Clock::now() + std::chrono::milliseconds(ms);
	run_until(
	        base, [&] { return Clock::now() > until; }, ms + 1000);
}

std::unique_ptr<NodeClient> make_client(event_base* base, uint16_t port, NodeClient::Timing timing,
                                        const std::string& prefix)
{
	auto c = NodeClient::create(base, loopback(port), timing, prefix);
	CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().reason, c);
	return std::move(c).value();
}

int64_t ms_between(Clock::time_point a, Clock::time_point b)
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

} // namespace

class NodeClientTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(NodeClientTest);
	CPPUNIT_TEST(request_and_reply);
	CPPUNIT_TEST(replies_are_matched_by_cookie);
	CPPUNIT_TEST(no_reply_retransmits_then_times_out);
	CPPUNIT_TEST(nothing_listening_fails_at_once);
	CPPUNIT_TEST(nothing_listening_keeps_retrying_requests);
	CPPUNIT_TEST(decode_node_reply_reads_the_dictionary);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<rtprelay::event::Loop> loop_;

public:
	void setUp() override { loop_ = std::move(rtprelay::event::Loop::create()).value(); }
	void tearDown() override { loop_.reset(); }

	void request_and_reply()
	{
		event_base* base = loop_->base();
		FakeNode node(base);
		node.answer = [](const std::string& req) {
			return std::vector<std::string>{cookie_of(req) + " d6:result4:ponge"};
		};
		auto client = make_client(base, node.port, {}, "p1-");
		CPPUNIT_ASSERT(client->node() == loopback(node.port));
		Outcome out;
		client->send(kBody, out.done());
		CPPUNIT_ASSERT_EQUAL(0, out.calls); // never before send() returns
		CPPUNIT_ASSERT_EQUAL(size_t{1}, client->in_flight());
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return out.calls > 0; }, 1000));

		CPPUNIT_ASSERT_EQUAL(size_t{1}, node.got.size());
		const std::string& req = node.got[0];
		std::string cookie = cookie_of(req);
		CPPUNIT_ASSERT(cookie.starts_with("p1-"));
		CPPUNIT_ASSERT(cookie.size() > 3);
		CPPUNIT_ASSERT_EQUAL(std::string(kBody), body_of(req));
		CPPUNIT_ASSERT_EQUAL(cookie + " d6:result4:ponge", out.datagram());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, client->in_flight());

		// A second request gets a new cookie.
		Outcome again;
		client->send(kBody, again.done());
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return again.calls > 0; }, 1000));
		CPPUNIT_ASSERT_EQUAL(size_t{2}, node.got.size());
		std::string cookie2 = cookie_of(node.got[1]);
		CPPUNIT_ASSERT(cookie2 != cookie);
		CPPUNIT_ASSERT(cookie2.starts_with("p1-"));
		CPPUNIT_ASSERT_EQUAL(cookie2 + " d6:result4:ponge", again.datagram());
		// Each callback ran once.
		run_for(base, 50);
		CPPUNIT_ASSERT_EQUAL(1, out.calls);
		CPPUNIT_ASSERT_EQUAL(1, again.calls);
	}

	void replies_are_matched_by_cookie()
	{
		event_base* base = loop_->base();
		FakeNode node(base);
		auto client = make_client(base, node.port, {1000, 1000}, "m-");
		Outcome first;
		Outcome second;
		client->send("d1:ni1ee", first.done());
		client->send("d1:ni2ee", second.done());
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return node.got.size() >= 2; }, 1000));
		std::string c1 = cookie_of(node.got[0]);
		std::string c2 = cookie_of(node.got[1]);
		CPPUNIT_ASSERT(c1 != c2);
		CPPUNIT_ASSERT_EQUAL(std::string("d1:ni1ee"), body_of(node.got[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("d1:ni2ee"), body_of(node.got[1]));
		// Noise first: a stranger's cookie and a datagram without one are ignored.
		node.send("other-1 d6:result2:noe");
		node.send("garbage");
		// Then the answers in reverse order, the second one twice.
		node.send(c2 + " d6:result3:twoe");
		node.send(c2 + " d6:result3:twoe");
		node.send(c1 + " d6:result3:onee");
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return first.calls > 0 && second.calls > 0; }, 1000));
		CPPUNIT_ASSERT_EQUAL(c1 + " d6:result3:onee", first.datagram());
		CPPUNIT_ASSERT_EQUAL(c2 + " d6:result3:twoe", second.datagram());
		run_for(base, 50);
		CPPUNIT_ASSERT_EQUAL(1, first.calls);
		CPPUNIT_ASSERT_EQUAL(1, second.calls);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, client->in_flight());
	}

	void no_reply_retransmits_then_times_out()
	{
		event_base* base = loop_->base();
		FakeNode node(base); // never answers
		auto client = make_client(base, node.port, {300, 50}, "r-");
		Outcome out;
		auto sent = Clock::now();
		client->send(kBody, out.done());
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return out.calls > 0; }, 1000));
		std::string why = out.error();
		CPPUNIT_ASSERT_MESSAGE(why, contains(why, "no reply within"));
		CPPUNIT_ASSERT_MESSAGE(why, contains(why, "300"));
		// Not before the timeout (with a little slack for clock granularity).
		int64_t took = ms_between(sent, out.at);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= 280);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 900);
		// Sent again meanwhile, always with the same cookie and body.
		CPPUNIT_ASSERT_MESSAGE(std::to_string(node.got.size()), node.got.size() >= 2);
		CPPUNIT_ASSERT(node.got.size() <= 8); // about every 50 ms, not a flood
		for (const std::string& d : node.got)
			CPPUNIT_ASSERT_EQUAL(node.got[0], d);
		CPPUNIT_ASSERT(cookie_of(node.got[0]).starts_with("r-"));
		CPPUNIT_ASSERT_EQUAL(size_t{0}, client->in_flight());
		// Nothing goes out after it gave up, and a late answer is ignored.
		size_t copies = node.got.size();
		node.send(cookie_of(node.got[0]) + " d6:result4:ponge");
		run_for(base, 120);
		CPPUNIT_ASSERT_EQUAL(copies, node.got.size());
		CPPUNIT_ASSERT_EQUAL(1, out.calls);
	}

	void nothing_listening_fails_at_once()
	{
		event_base* base = loop_->base();
		uint16_t port = 0;
		bound_socket(port).reset(); // nothing listens there now
		auto client = make_client(base, port, {1000, 250}, "x-");
		int refusals = 0;
		client->on_refused([&] { refusals++; });
		Outcome out;
		auto sent = Clock::now();
		client->send(kBody, out.done(), NodeClient::OnRefusal::kFail);
		CPPUNIT_ASSERT_EQUAL(0, out.calls);
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return out.calls > 0; }, 1000));
		std::string why = out.error();
		CPPUNIT_ASSERT_MESSAGE(why, contains(why, "nothing listens"));
		CPPUNIT_ASSERT_MESSAGE(why, contains(why, loopback(port).to_string()));
		CPPUNIT_ASSERT(ms_between(sent, out.at) < 200); // not the 1000 ms timeout
		CPPUNIT_ASSERT(refusals >= 1);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, client->in_flight());
		run_for(base, 50);
		CPPUNIT_ASSERT_EQUAL(1, out.calls);
	}

	void nothing_listening_keeps_retrying_requests()
	{
		event_base* base = loop_->base();
		uint16_t port = 0;
		bound_socket(port).reset();
		auto client = make_client(base, port, {300, 50}, "y-");
		int refusals = 0;
		client->on_refused([&] { refusals++; });
		Outcome waits;
		Outcome fails;
		client->send(kBody, waits.done(), NodeClient::OnRefusal::kRetry);
		client->send(kBody, fails.done(), NodeClient::OnRefusal::kFail);
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return fails.calls > 0; }, 1000));
		CPPUNIT_ASSERT(contains(fails.error(), "nothing listens"));
		// The retrying one is still waiting for the node to come back ...
		CPPUNIT_ASSERT_EQUAL(0, waits.calls);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, client->in_flight());
		// ... until its timeout.
		CPPUNIT_ASSERT(run_until(
		        base, [&] { return waits.calls > 0; }, 1000));
		std::string why = waits.error();
		CPPUNIT_ASSERT_MESSAGE(why, contains(why, "no reply within"));
		CPPUNIT_ASSERT(refusals >= 1);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, client->in_flight());
	}

	void decode_node_reply_reads_the_dictionary()
	{
		Arena arena;
		std::optional<Result<ng::Value>> decoded;
		{
			// The arena keeps its own copy: the datagram may go away.
			std::string datagram = "cookie-1 d6:result4:pong6:countsli1ei2eee";
			decoded.emplace(decode_node_reply(datagram, arena));
			datagram.assign(datagram.size(), 'x');
		}
		CPPUNIT_ASSERT_MESSAGE(decoded->has_value() ? "" : decoded->error().reason,
		                       decoded->has_value());
		const ng::Value& v = decoded->value();
		CPPUNIT_ASSERT(v.is_dict());
		auto result = v.get_string("result");
		CPPUNIT_ASSERT(result.has_value());
		CPPUNIT_ASSERT(*result == "pong");
		const ng::Value* counts = v.find("counts");
		CPPUNIT_ASSERT(counts && counts->is_list());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, counts->as_list().size());
		CPPUNIT_ASSERT_EQUAL(int64_t{2}, counts->as_list()[1].as_int());

		auto json = decode_node_reply("c {\"result\": \"ok\"}", arena);
		CPPUNIT_ASSERT_MESSAGE(json ? "" : json.error().reason, json.has_value());
		CPPUNIT_ASSERT(*json->get_string("result") == "ok");

		auto no_cookie = decode_node_reply("d6:result4:ponge", arena);
		CPPUNIT_ASSERT(!no_cookie.has_value());
		CPPUNIT_ASSERT(contains(no_cookie.error().reason, "cookie"));
		CPPUNIT_ASSERT(!decode_node_reply(" d6:result4:ponge", arena).has_value());
		CPPUNIT_ASSERT(!decode_node_reply("", arena).has_value());

		auto malformed = decode_node_reply("c1 d6:result4:po", arena);
		CPPUNIT_ASSERT(!malformed.has_value());
		CPPUNIT_ASSERT(contains(malformed.error().reason, "malformed"));
		CPPUNIT_ASSERT(!decode_node_reply("c1 ", arena).has_value());
		CPPUNIT_ASSERT(!decode_node_reply("c1 li1ee", arena).has_value());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeClientTest);
