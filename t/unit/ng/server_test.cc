// The ng server over real loopback sockets, driven by pumping its event loop from the test.
#include "ng/server.h"

#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// libevent's `struct event` is global too: spell rtprelay::event in full.
using namespace rtprelay;
using namespace rtprelay::ng;

namespace {

int g_count_runs = 0;
std::optional<Completion> g_slow_done;
Arena* g_slow_arena = nullptr;

void cmd_count(Request&, Completion done)
{
	g_count_runs++;
	done(Error{"counted"});
}

// A reply no UDP datagram can carry, as a query of a huge call would be.
void cmd_big(Request& r, Completion done)
{
	g_count_runs++;
	Value v = Value::dict(r.arena);
	v.set("big", Value::string(r.arena.copy(std::string(Server::kMaxReplySize, 'b'))));
	done(v);
}

// Answers only when the test calls finish_slow(), like a command waiting on a media loop.
void cmd_slow(Request& r, Completion done)
{
	g_slow_done = std::move(done);
	g_slow_arena = &r.arena;
}

void finish_slow()
{
	Value v = Value::dict(*g_slow_arena);
	v.set("slow", Value::string("done"));
	(*g_slow_done)(v);
	g_slow_done.reset();
}

class Client {
public:
	Client() : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
	void send(const net::Endpoint& to, std::string_view data)
	{
		sockaddr_storage ss;
		socklen_t len = to.to_sockaddr(ss);
		CPPUNIT_ASSERT(sendto(fd_.get(), data.data(), data.size(), 0,
		                      reinterpret_cast<sockaddr*>(&ss),
		                      len) == static_cast<ssize_t>(data.size()));
	}
	// A datagram if one is waiting (after the test pumped the server), else nullopt.
	std::optional<std::string> receive()
	{
		char buf[65536];
		ssize_t n = recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0)
			return std::nullopt;
		return std::string(buf, static_cast<size_t>(n));
	}

private:
	UniqueFd fd_;
};

} // namespace

class ServerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(ServerTest);
	CPPUNIT_TEST(ping_in_both_encodings);
	CPPUNIT_TEST(retransmission_is_replayed_not_rerun);
	CPPUNIT_TEST(duplicate_while_running_gets_the_same_reply);
	CPPUNIT_TEST(slow_command_does_not_block_others);
	CPPUNIT_TEST(no_cookie_is_counted_and_dropped);
	CPPUNIT_TEST(malformed_message_gets_error);
	CPPUNIT_TEST(sip_options_answered);
	CPPUNIT_TEST(sip_options_larger_answer_not_sent);
	CPPUNIT_TEST(reply_over_one_datagram_becomes_a_cached_error);
	CPPUNIT_TEST(statistics_carry_the_server_counters);
	CPPUNIT_TEST(bind_failure_names_the_address);
	CPPUNIT_TEST(submit_answers_in_cookie_framing);
	CPPUNIT_TEST(submit_shares_the_reply_cache_with_udp);
	CPPUNIT_TEST(submit_joins_a_running_udp_command);
	CPPUNIT_TEST(submit_without_cookie_gets_an_empty_reply);
	CPPUNIT_TEST(submit_plain_is_bare_and_not_cached);
	CPPUNIT_TEST(submit_reply_after_the_caller_is_gone);
	CPPUNIT_TEST(submit_pending_when_the_server_goes_is_dropped);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<rtprelay::event::Loop> loop_;
	std::unique_ptr<Server> server_;
	net::Endpoint addr_;

	// Runs the server's loop until `client` has a datagram or ~2 s pass.
	std::optional<std::string> reply(Client& client)
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
		while (std::chrono::steady_clock::now() < deadline) {
			event_base_loop(loop_->base(), EVLOOP_NONBLOCK);
			if (auto r = client.receive())
				return r;
			poll(nullptr, 0, 1);
		}
		return std::nullopt;
	}

	// Runs the loop briefly; for checking that nothing is sent.
	void pump()
	{
		for (int i = 0; i < 50; i++) {
			event_base_loop(loop_->base(), EVLOOP_NONBLOCK);
			poll(nullptr, 0, 1);
		}
	}

public:
	void setUp() override
	{
		g_count_runs = 0;
		g_slow_done.reset();
		loop_ = std::move(rtprelay::event::Loop::create()).value();
		CommandTable table = builtin_commands();
		table.add("count", cmd_count);
		table.add("slow", cmd_slow);
		table.add("big", cmd_big);
		auto s = Server::create(*loop_, {net::Endpoint(net::IpAddress::loopback_v4(), 0)},
		                        table, nullptr);
		CPPUNIT_ASSERT(s);
		server_ = std::move(s).value();
		addr_ = server_->local_endpoints().at(0);
	}

	void tearDown() override
	{
		g_slow_done.reset();
		server_.reset();
		loop_.reset();
	}

	void ping_in_both_encodings()
	{
		Client c;
		c.send(addr_, "c1 d7:command4:pinge");
		CPPUNIT_ASSERT_EQUAL(std::string("c1 d6:result4:ponge"), reply(c).value_or(""));
		c.send(addr_, "c2 {\"command\":\"ping\"}");
		CPPUNIT_ASSERT_EQUAL(std::string("c2 {\"result\":\"pong\"}"),
		                     reply(c).value_or(""));
	}

	void retransmission_is_replayed_not_rerun()
	{
		Client c;
		c.send(addr_, "r1 d7:command5:counte");
		auto first = reply(c);
		CPPUNIT_ASSERT(first);
		c.send(addr_, "r1 d7:command5:counte");
		CPPUNIT_ASSERT_EQUAL(*first, reply(c).value_or(""));
		CPPUNIT_ASSERT_EQUAL(1, g_count_runs);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().retransmits);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().commands);
	}

	void duplicate_while_running_gets_the_same_reply()
	{
		Client a, b;
		a.send(addr_, "s1 d7:command4:slowe");
		pump();
		CPPUNIT_ASSERT(g_slow_done);
		b.send(addr_, "s1 d7:command4:slowe");
		pump();
		CPPUNIT_ASSERT(!a.receive() && !b.receive());
		finish_slow();
		auto ra = a.receive(), rb = b.receive();
		CPPUNIT_ASSERT(ra && rb);
		CPPUNIT_ASSERT_EQUAL(std::string("s1 d6:result2:ok4:slow4:donee"), *ra);
		CPPUNIT_ASSERT_EQUAL(*ra, *rb);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().commands);
		// And a third copy after completion comes from the cache.
		a.send(addr_, "s1 d7:command4:slowe");
		CPPUNIT_ASSERT_EQUAL(*ra, reply(a).value_or(""));
	}

	void slow_command_does_not_block_others()
	{
		Client a, b;
		a.send(addr_, "s2 d7:command4:slowe");
		pump();
		b.send(addr_, "p2 d7:command4:pinge");
		CPPUNIT_ASSERT_EQUAL(std::string("p2 d6:result4:ponge"), reply(b).value_or(""));
		CPPUNIT_ASSERT(!a.receive());
		finish_slow();
		CPPUNIT_ASSERT(a.receive());
	}

	void no_cookie_is_counted_and_dropped()
	{
		Client c;
		for (const char* d : {"nocookie", " d7:command4:pinge", "\x01\x02 de"})
			c.send(addr_, d);
		pump();
		CPPUNIT_ASSERT(!c.receive());
		CPPUNIT_ASSERT_EQUAL(uint64_t(3), server_->stats().no_cookie);
		c.send(addr_, "ok d7:command4:pinge");
		CPPUNIT_ASSERT_EQUAL(std::string("ok d6:result4:ponge"), reply(c).value_or(""));
	}

	void malformed_message_gets_error()
	{
		Client c;
		c.send(addr_, "m1 d7:command4:pi");
		std::string r = reply(c).value_or("");
		CPPUNIT_ASSERT_MESSAGE(r, r.rfind("m1 d6:result5:error12:error-reason", 0) == 0);
		CPPUNIT_ASSERT_MESSAGE(r, r.find("malformed bencode") != std::string::npos);
		c.send(addr_, "m2 {\"command\":");
		r = reply(c).value_or("");
		CPPUNIT_ASSERT_MESSAGE(
		        r, r.rfind("m2 {\"result\":\"error\",\"error-reason\":", 0) == 0);
		CPPUNIT_ASSERT_EQUAL(uint64_t(2), server_->stats().errors);
	}

	void sip_options_answered()
	{
		Client c;
		// Max-Forwards, which every request carries (RFC 3261 8.1.1.6), makes room for the
		// To tag the answer adds.
		c.send(addr_, "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		              "From: <sip:a@b>;tag=1\r\nTo: <sip:x>\r\nCall-ID: c\r\nCSeq: 1 "
		              "OPTIONS\r\nMax-Forwards: 70\r\n\r\n");
		std::string r = reply(c).value_or("");
		CPPUNIT_ASSERT_MESSAGE(r, r.rfind("SIP/2.0 200 OK\r\n", 0) == 0);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().sip_options);
		c.send(addr_, "INVITE sip:x SIP/2.0\r\n\r\n");
		pump();
		CPPUNIT_ASSERT(!c.receive());
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().sip_ignored);
	}

	void sip_options_larger_answer_not_sent()
	{
		Client c;
		c.send(addr_, "OPTIONS sip:x SIP/2.0\r\nv:h\r\nf:a\r\nt:b\r\ni:c\r\nCSeq:1 "
		              "OPTIONS\r\n\r\n");
		pump();
		CPPUNIT_ASSERT(!c.receive());
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().sip_too_large);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), server_->stats().sip_options);
	}

	void reply_over_one_datagram_becomes_a_cached_error()
	{
		Client c;
		c.send(addr_, "b1 d7:command3:bige");
		std::string r = reply(c).value_or("");
		CPPUNIT_ASSERT_EQUAL(std::string("b1 d6:result5:error12:error-reason46:reply too "
		                                 "large for one datagram (65535 bytes)e"),
		                     r);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().replies_too_large);
		c.send(addr_, "b1 d7:command3:bige");
		CPPUNIT_ASSERT_EQUAL(r, reply(c).value_or(""));
		CPPUNIT_ASSERT_EQUAL(1, g_count_runs);
		c.send(addr_, "b2 {\"command\":\"big\"}");
		r = reply(c).value_or("");
		CPPUNIT_ASSERT_MESSAGE(r,
		                       r.rfind("b2 {\"result\":\"error\",\"error-reason\":\"reply "
		                               "too large for one datagram (",
		                               0) == 0);
	}

	void statistics_carry_the_server_counters()
	{
		Client c;
		c.send(addr_, "st1 d7:command10:statisticse");
		std::string r = reply(c).value_or("");
		// Without a call registry the command itself fails; the server's keys come anyway.
		CPPUNIT_ASSERT_MESSAGE(r, r.find("10:statisticsd8:rtprelayd2:ngd") !=
		                                  std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(r, r.find("19:reply cache droppedi0e") != std::string::npos);
	}

	void bind_failure_names_the_address()
	{
		auto s = Server::create(*loop_, {addr_}, builtin_commands(), nullptr);
		CPPUNIT_ASSERT(!s);
		CPPUNIT_ASSERT_MESSAGE(s.error().reason, s.error().reason.find(addr_.to_string()) !=
		                                                 std::string::npos);
	}
	// What an HTTP handler would do: collect the replies submit() hands back.
	struct Replies {
		std::vector<std::string> got;
		Server::Done done()
		{
			return [this](std::string r) { got.push_back(std::move(r)); };
		}
	};

	void submit_answers_in_cookie_framing()
	{
		Replies r;
		server_->submit("h1 d7:command4:pinge", {}, r.done());
		server_->submit("h2 {\"command\":\"ping\"}", {}, r.done());
		CPPUNIT_ASSERT_EQUAL(size_t(2), r.got.size());
		CPPUNIT_ASSERT_EQUAL(std::string("h1 d6:result4:ponge"), r.got[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("h2 {\"result\":\"pong\"}"), r.got[1]);
	}

	void submit_shares_the_reply_cache_with_udp()
	{
		Client c;
		c.send(addr_, "x1 d7:command5:counte");
		auto udp = reply(c);
		CPPUNIT_ASSERT(udp);
		Replies r;
		server_->submit("x1 d7:command5:counte", {}, r.done());
		CPPUNIT_ASSERT_EQUAL(size_t(1), r.got.size());
		CPPUNIT_ASSERT_EQUAL(*udp, r.got[0]);
		CPPUNIT_ASSERT_EQUAL(1, g_count_runs);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().retransmits);
	}

	void submit_joins_a_running_udp_command()
	{
		Client c;
		c.send(addr_, "x2 d7:command4:slowe");
		pump();
		CPPUNIT_ASSERT(g_slow_done);
		Replies r;
		server_->submit("x2 d7:command4:slowe", {}, r.done());
		CPPUNIT_ASSERT(r.got.empty());
		finish_slow();
		CPPUNIT_ASSERT_EQUAL(size_t(1), r.got.size());
		CPPUNIT_ASSERT_EQUAL(r.got[0], c.receive().value_or(""));
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().commands);
	}

	void submit_without_cookie_gets_an_empty_reply()
	{
		Replies r;
		server_->submit("d7:command4:pinge", {}, r.done());
		CPPUNIT_ASSERT_EQUAL(size_t(1), r.got.size());
		CPPUNIT_ASSERT(r.got[0].empty());
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), server_->stats().no_cookie);
	}

	void submit_plain_is_bare_and_not_cached()
	{
		Replies r;
		server_->submit_plain("d7:command4:pinge", {}, r.done());
		server_->submit_plain("{\"command\":\"ping\"}", {}, r.done());
		server_->submit_plain("d7:command5:counte", {}, r.done());
		server_->submit_plain("d7:command5:counte", {}, r.done());
		CPPUNIT_ASSERT_EQUAL(size_t(4), r.got.size());
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result4:ponge"), r.got[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"result\":\"pong\"}"), r.got[1]);
		CPPUNIT_ASSERT_EQUAL(r.got[2], r.got[3]);
		CPPUNIT_ASSERT_EQUAL(2, g_count_runs);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), server_->stats().retransmits);
	}

	// An HTTP connection that closed while its command ran: the reply still arrives, and a
	// handler that holds a weak pointer to the connection's state sees it is gone.
	void submit_reply_after_the_caller_is_gone()
	{
		auto connection = std::make_shared<std::string>("open");
		int called = 0;
		std::weak_ptr<std::string> weak = connection;
		server_->submit("x3 d7:command4:slowe", {}, [weak, &called](std::string reply) {
			called++;
			CPPUNIT_ASSERT(!reply.empty());
			CPPUNIT_ASSERT(weak.expired());
		});
		connection.reset();
		finish_slow();
		CPPUNIT_ASSERT_EQUAL(1, called);
	}

	void submit_pending_when_the_server_goes_is_dropped()
	{
		int called = 0;
		server_->submit("x4 d7:command4:slowe", {}, [&called](std::string) { called++; });
		g_slow_done.reset(); // the media loop's work is abandoned with the server
		server_.reset();
		CPPUNIT_ASSERT_EQUAL(0, called);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServerTest);
