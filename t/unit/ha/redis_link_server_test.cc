// SPDX-License-Identifier: GPL-3.0-or-later
// RedisLink and load_all against a real redis-server on 127.0.0.1 (no persistence), which each
// test starts, stops, pauses and restarts. Without /usr/bin/redis-server the tests pass at
// once and say so on stderr.
#include "ha/redis_link.h"

#include "t/unit/ha/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <thread>

using namespace rtprelay;
using namespace rtprelay::ha;

namespace {

using test::kRedisServer;
using test::RedisServer;
using test::unused_port;
constexpr const char* kPassword = "pa@ss word"; // '@' and a space: AUTH goes binary-safe

using KeyValues = std::vector<std::pair<std::string, std::string>>;

} // namespace

class RedisLinkServerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RedisLinkServerTest);
	CPPUNIT_TEST(writes_reach_redis_and_catch_up_after_a_restart);
	CPPUNIT_TEST(unanswered_writes_time_out_and_are_retried);
	CPPUNIT_TEST(refused_writes_pause_then_disable_the_link);
	CPPUNIT_TEST(wrong_password_keeps_the_link_down);
	CPPUNIT_TEST(commands_get_replies_of_each_type);
	CPPUNIT_TEST(commands_fail_when_the_link_drops_and_on_up_fires_again);
	CPPUNIT_TEST(fenced_writes_stop_until_the_fence_is_cleared);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		if (access(kRedisServer, X_OK) != 0) {
			fprintf(stderr, " [skipped: no %s] ", kRedisServer);
			return;
		}
		port_ = unused_port();
		server_ = std::make_unique<RedisServer>(
		        port_, std::vector<std::string>{"--requirepass", kPassword});
		CPPUNIT_ASSERT_MESSAGE("redis-server did not start", server_->start());
		base_.reset(event_base_new());
		target_.password = kPassword;
		target_.host = "127.0.0.1";
		target_.port = port_;
		target_.db = 2;
		limits_.connect_timeout_ms = 500;
		limits_.cmd_timeout_ms = 300;
		limits_.disable_time_s = 1;
	}

	void tearDown() override
	{
		link_.reset(); // before its event base
		base_.reset();
		server_.reset();
	}

	void writes_reach_redis_and_catch_up_after_a_restart()
	{
		if (!server_)
			return;
		// Room for the owner's whole state (5 small writes), not for the big one below.
		limits_.max_queued_bytes = 1024;
		make_link();
		std::map<std::string, std::string> state; // what the owner would write on resync
		int resyncs = 0;
		link_->on_resync([&] {
			resyncs++;
			for (const auto& [k, v] : state)
				link_->set(k, v, 0);
		});
		// Queued before the link is up: coalesced, the del supersedes b's set.
		link_->set("t:a", "1", 0);
		link_->set("t:b", "2", 0);
		link_->set("t:a", "3", 0);
		link_->set("t:c", "4", 100);
		link_->del("t:b");
		state = {{"t:a", "3"}, {"t:c", "4"}};
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().connected && !queued(); }));
		auto s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(uint64_t{3}, s.written);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.failed);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.reconnects);
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:a", "3"}, {"t:c", "4"}}));
		// SELECT took effect: database 0 has none of them.
		RedisTarget db0 = target_;
		db0.db = 0;
		auto other = load_all(db0, limits_, "t:*");
		CPPUNIT_ASSERT(other);
		CPPUNIT_ASSERT(other->empty());

		// Redis goes away: writes wait, the big one overflows the queue.
		server_->stop();
		CPPUNIT_ASSERT(run_until([&] { return !link_->stats().connected; }));
		link_->set("t:d", "5", 0);
		link_->set("t:e", "6", 0);
		link_->set("t:big", std::string(2000, 'x'), 0); // drops d, e and itself
		link_->set("t:big", "7", 0);
		state.insert({{"t:d", "5"}, {"t:e", "6"}, {"t:big", "7"}});
		s = link_->stats();
		CPPUNIT_ASSERT(!s.connected);
		CPPUNIT_ASSERT_EQUAL(uint64_t{3}, s.dropped);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, s.queued);
		CPPUNIT_ASSERT(!s.last_error.empty());
		CPPUNIT_ASSERT_EQUAL(0, resyncs);

		// Back, empty (no persistence): the owner is asked for everything, once.
		server_ = std::make_unique<RedisServer>(
		        port_, std::vector<std::string>{"--requirepass", kPassword});
		CPPUNIT_ASSERT(server_->start());
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().connected && !queued(); }));
		s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(1, resyncs);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, s.reconnects);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, s.queued_bytes);
		KeyValues want(state.begin(), state.end());
		CPPUNIT_ASSERT(stored() == want);
	}

	void unanswered_writes_time_out_and_are_retried()
	{
		if (!server_)
			return;
		make_link();
		link_->set("t:x", "1", 0);
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().written == 1; }));
		// A frozen Redis: the connection stays, the answer never comes.
		server_->send_signal(SIGSTOP);
		link_->set("t:x", "2", 0);
		link_->set("t:y", "3", 0);
		CPPUNIT_ASSERT(run_until([&] { return !link_->stats().connected; }));
		auto s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, s.failed); // both were in flight
		CPPUNIT_ASSERT_EQUAL(size_t{2}, s.queued);   // and wait again
		CPPUNIT_ASSERT(s.last_error.find("no reply") != std::string::npos);
		server_->send_signal(SIGCONT);
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().connected && !queued(); }));
		s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, s.reconnects);
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:x", "2"}, {"t:y", "3"}}));
	}

	void refused_writes_pause_then_disable_the_link()
	{
		if (!server_)
			return;
		limits_.allowed_errors = 1;
		make_link();
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().connected; }));
		// With no memory to spare Redis refuses SET (OOM) but still takes AUTH, SELECT,
		// PING.
		CPPUNIT_ASSERT(config_set("maxmemory", "1"));
		link_->set("t:x", "1", 0);
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().failed == 1; }));
		auto s = link_->stats();
		CPPUNIT_ASSERT(s.connected); // one refusal is allowed: kept, retried after a pause
		CPPUNIT_ASSERT_EQUAL(size_t{1}, s.queued);
		CPPUNIT_ASSERT_MESSAGE(s.last_error, s.last_error.find("OOM") != std::string::npos);
		// The retry is refused too: one more than allowed, so the link drops the
		// connection.
		CPPUNIT_ASSERT(run_until([&] { return !link_->stats().connected; }));
		s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, s.failed);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, s.queued);
		CPPUNIT_ASSERT_MESSAGE(s.last_error,
		                       s.last_error.find("in a row") != std::string::npos);
		CPPUNIT_ASSERT(config_set("maxmemory", "0"));
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().written == 1; }));
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, link_->stats().reconnects);
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:x", "1"}}));
	}

	void wrong_password_keeps_the_link_down()
	{
		if (!server_)
			return;
		target_.password = "hunter2";
		make_link();
		link_->set("t:x", "1", 0);
		CPPUNIT_ASSERT(run_until([&] { return !link_->stats().last_error.empty(); }));
		auto s = link_->stats();
		CPPUNIT_ASSERT(!s.connected);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, s.queued);
		CPPUNIT_ASSERT_MESSAGE(s.last_error,
		                       s.last_error.find("handshake refused") != std::string::npos);
		auto got = load_all(target_, limits_, "*");
		CPPUNIT_ASSERT(!got);
		CPPUNIT_ASSERT(got.error().reason.find("hunter2") == std::string::npos);
	}

	void commands_get_replies_of_each_type()
	{
		if (!server_)
			return;
		make_link();
		CPPUNIT_ASSERT(run_until([&] { return link_->connected(); }));
		std::vector<RedisLink::Reply> replies;
		auto keep = [&](RedisLink::Reply r) { replies.push_back(std::move(r)); };
		link_->set("t:a", "1", 0);
		link_->command({"GET", "t:a"}, keep); // behind the write sent before it
		link_->command({"GET", "t:none"}, keep);
		link_->command({"INCR", "t:n"}, keep);
		link_->command({"EVAL", "return {1, 'two', {3}}", "0"}, keep);
		link_->command({"SET", "t:s", std::string("x\0y", 3)}, keep);
		link_->command({"EVAL", "return redis.error_reply('NOPE')", "0"}, keep);
		link_->command({"GET", "t:s"}, keep);
		CPPUNIT_ASSERT(run_until([&] { return replies.size() == 7; }));
		using T = RedisValue::Type;
		CPPUNIT_ASSERT(replies[0] && replies[0]->type == T::kString &&
		               replies[0]->str == "1");
		CPPUNIT_ASSERT(replies[1] && replies[1]->type == T::kNil);
		CPPUNIT_ASSERT(replies[2] && replies[2]->type == T::kInteger &&
		               replies[2]->integer == 1);
		const RedisLink::Reply& a = replies[3];
		CPPUNIT_ASSERT(a && a->type == T::kArray && a->elements.size() == 3);
		CPPUNIT_ASSERT(a->elements[0].type == T::kInteger && a->elements[0].integer == 1);
		CPPUNIT_ASSERT(a->elements[1].type == T::kString && a->elements[1].str == "two");
		CPPUNIT_ASSERT(a->elements[2].type == T::kArray &&
		               a->elements[2].elements.size() == 1);
		CPPUNIT_ASSERT_EQUAL(3LL, a->elements[2].elements[0].integer);
		CPPUNIT_ASSERT(replies[4] && replies[4]->type == T::kString &&
		               replies[4]->str == "OK");
		CPPUNIT_ASSERT(!replies[5]);
		CPPUNIT_ASSERT_MESSAGE(replies[5].error().reason,
		                       replies[5].error().reason.find("NOPE") != std::string::npos);
		CPPUNIT_ASSERT(replies[6] && replies[6]->str == std::string("x\0y", 3));
		// A refused command is the caller's business: no write failed, the link stays up.
		auto s = link_->stats();
		CPPUNIT_ASSERT(s.connected);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.failed);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, s.written);
	}

	void commands_fail_when_the_link_drops_and_on_up_fires_again()
	{
		if (!server_)
			return;
		make_link();
		int ups = 0;
		std::vector<RedisLink::Reply> claims;
		// A lease claim at each connect, ahead of the queued writes.
		link_->on_up([&] {
			ups++;
			link_->command({"INCR", "t:claims"},
			               [&](RedisLink::Reply r) { claims.push_back(std::move(r)); });
		});
		CPPUNIT_ASSERT(run_until([&] { return claims.size() == 1; }));
		CPPUNIT_ASSERT(claims[0] && claims[0]->integer == 1);
		server_->send_signal(SIGSTOP);
		std::optional<RedisLink::Reply> ping;
		link_->command({"PING"}, [&](RedisLink::Reply r) { ping = std::move(r); });
		CPPUNIT_ASSERT(run_until([&] { return ping.has_value(); }));
		CPPUNIT_ASSERT(!*ping);
		CPPUNIT_ASSERT_MESSAGE(ping->error().reason,
		                       ping->error().reason.find("link down") != std::string::npos);
		CPPUNIT_ASSERT(!link_->connected());
		server_->send_signal(SIGCONT);
		CPPUNIT_ASSERT(run_until([&] { return claims.size() == 2; }));
		CPPUNIT_ASSERT_EQUAL(2, ups);
		CPPUNIT_ASSERT(claims[1] && claims[1]->integer == 2);
		CPPUNIT_ASSERT(!ping->has_value()); // the PING was not sent again
	}

	void fenced_writes_stop_until_the_fence_is_cleared()
	{
		if (!server_)
			return;
		make_link();
		int fenced = 0;
		link_->on_fenced([&] { fenced++; });
		CPPUNIT_ASSERT(side({"SET", "f:lease", "me"}));
		link_->set_fence("f:lease", "me");
		// Under a fence we hold: written, the expiry kept, a del too.
		link_->set("t:a", "1", 0);
		link_->set("t:b", "2", 100);
		link_->set("t:c", "3", 0);
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().written == 3; }));
		link_->del("t:c");
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().written == 4; }));
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:a", "1"}, {"t:b", "2"}}));
		auto ttl = side({"TTL", "t:b"});
		CPPUNIT_ASSERT(ttl && std::stoi(*ttl) > 90);

		// Another node took the lease: a set and a del, both in flight, are refused.
		CPPUNIT_ASSERT(side({"SET", "f:lease", "other"}));
		link_->set("t:d", "4", 0);
		link_->del("t:a");
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().fenced; }));
		CPPUNIT_ASSERT(run_until([&] { return link_->stats().failed == 2; }));
		CPPUNIT_ASSERT_EQUAL(1, fenced);
		// Nothing more is sent; commands still go.
		link_->set("t:e", "5", 0);
		std::optional<RedisLink::Reply> holder;
		link_->command({"GET", "f:lease"},
		               [&](RedisLink::Reply r) { holder = std::move(r); });
		CPPUNIT_ASSERT(run_until([&] { return holder.has_value(); }));
		CPPUNIT_ASSERT(*holder && (*holder)->str == "other");
		run_for_ms(300);
		auto s = link_->stats();
		CPPUNIT_ASSERT_EQUAL(1, fenced);
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, s.failed);
		CPPUNIT_ASSERT_EQUAL(size_t{3}, s.queued);
		CPPUNIT_ASSERT(s.connected);
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:a", "1"}, {"t:b", "2"}}));

		// Plain writes again: the refused ones first, then the rest.
		link_->clear_fence();
		CPPUNIT_ASSERT(run_until([&] { return !queued(); }));
		CPPUNIT_ASSERT(!link_->stats().fenced);
		CPPUNIT_ASSERT(stored() == (KeyValues{{"t:b", "2"}, {"t:d", "4"}, {"t:e", "5"}}));
		CPPUNIT_ASSERT_EQUAL(1, fenced);
	}

private:
	void make_link()
	{
		auto link = RedisLink::create(base_.get(), target_, limits_);
		CPPUNIT_ASSERT(link);
		link_ = std::move(*link);
	}

	bool queued() const { return link_->stats().queued != 0; }

	// CONFIG SET on the test's server, on a connection of its own.
	bool config_set(const char* name, const char* value) const
	{
		std::unique_ptr<redisContext, decltype(&redisFree)> c(
		        redisConnect("127.0.0.1", port_), redisFree);
		if (!c || c->err)
			return false;
		const char* auth[] = {"AUTH", kPassword};
		const char* set[] = {"CONFIG", "SET", name, value};
		auto ok = [&](int argc, const char** argv) {
			auto* r = static_cast<redisReply*>(
			        redisCommandArgv(c.get(), argc, argv, nullptr));
			bool good = r && r->type != REDIS_REPLY_ERROR;
			freeReplyObject(r);
			return good;
		};
		return ok(2, auth) && ok(4, set);
	}

	// One command on the test's server, in the link's database, on a connection of its own:
	// a string, status or integer reply as text ("" for nil), nullopt for an error.
	std::optional<std::string> side(std::vector<std::string> args) const
	{
		std::unique_ptr<redisContext, decltype(&redisFree)> c(
		        redisConnect("127.0.0.1", port_), redisFree);
		if (!c || c->err)
			return std::nullopt;
		auto run = [&](const std::vector<std::string>& a) -> std::optional<std::string> {
			std::vector<const char*> argv;
			std::vector<size_t> lens;
			for (const auto& arg : a) {
				argv.push_back(arg.data());
				lens.push_back(arg.size());
			}
			auto* r = static_cast<redisReply*>(redisCommandArgv(
			        c.get(), static_cast<int>(a.size()), argv.data(), lens.data()));
			std::optional<std::string> out;
			if (r && r->type == REDIS_REPLY_INTEGER)
				out = std::to_string(r->integer);
			else if (r && r->type != REDIS_REPLY_ERROR)
				out = r->str ? std::string(r->str, r->len) : std::string();
			freeReplyObject(r);
			return out;
		};
		if (!run({"AUTH", kPassword}) || !run({"SELECT", std::to_string(target_.db)}))
			return std::nullopt;
		return run(args);
	}

	void run_for_ms(int ms)
	{
		auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
		run_until([&] { return std::chrono::steady_clock::now() > until; });
	}

	// Runs the loop until done() or 3 s have passed.
	bool run_until(const std::function<bool()>& done)
	{
		auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
		while (!done()) {
			if (std::chrono::steady_clock::now() > until)
				return false;
			timeval tv{0, 10000};
			event_base_loopexit(base_.get(), &tv);
			event_base_dispatch(base_.get());
		}
		return true;
	}

	KeyValues stored() const
	{
		auto got = load_all(target_, limits_, "t:*");
		CPPUNIT_ASSERT_MESSAGE(got ? "" : got.error().reason, got);
		KeyValues kv = *got;
		std::sort(kv.begin(), kv.end());
		return kv;
	}

	uint16_t port_ = 0;
	std::unique_ptr<RedisServer> server_;
	rtprelay::event::EventBasePtr base_{nullptr, event_base_free};
	RedisTarget target_;
	RedisLimits limits_;
	std::unique_ptr<RedisLink> link_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisLinkServerTest);
