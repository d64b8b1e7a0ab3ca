// SPDX-License-Identifier: GPL-3.0-or-later
// RedisFollower against a real redis-server on 127.0.0.1 (no persistence, keyspace
// notifications off at start), which the test starts, kills and restarts. Without
// /usr/bin/redis-server the tests pass at once and say so on stderr.
#include "ha/redis_follower.h"

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
#include <optional>
#include <thread>

using namespace rtprelay;
using namespace rtprelay::ha;

namespace {

using test::kRedisServer;
using test::RedisServer;
using test::unused_port;
constexpr const char* kPassword = "pa@ss word";
constexpr int kDb = 3;

using KeyValues = std::vector<std::pair<std::string, std::string>>;

} // namespace

class RedisFollowerServerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RedisFollowerServerTest);
	CPPUNIT_TEST(follows_snapshot_changes_and_restarts);
	CPPUNIT_TEST(a_server_that_stops_answering_is_noticed);
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
		        port_, std::vector<std::string>{"--requirepass", kPassword,
		                                        "--notify-keyspace-events", ""});
		CPPUNIT_ASSERT_MESSAGE("redis-server did not start", server_->start());
		base_.reset(event_base_new());
		target_.password = kPassword;
		target_.host = "127.0.0.1";
		target_.port = port_;
		target_.db = kDb;
		limits_.connect_timeout_ms = 500;
		limits_.cmd_timeout_ms = 300;
		limits_.disable_time_s = 1;
	}

	void tearDown() override
	{
		follower_.reset(); // before its event base
		base_.reset();
		server_.reset();
	}

	void follows_snapshot_changes_and_restarts()
	{
		if (!server_)
			return;
		CPPUNIT_ASSERT_EQUAL(std::string(""), config_get());
		CPPUNIT_ASSERT(redis({"SET", "call:a", "1"}));
		CPPUNIT_ASSERT(redis({"SET", "call:b", "2"}));
		CPPUNIT_ASSERT(redis({"SET", "other:x", "9"}));
		make_follower("call:*");
		CPPUNIT_ASSERT(run_until([&] { return snapshots_.size() == 1; }));
		KeyValues first = snapshots_[0];
		std::sort(first.begin(), first.end());
		CPPUNIT_ASSERT(first == (KeyValues{{"call:a", "1"}, {"call:b", "2"}}));
		CPPUNIT_ASSERT(follower_->stats().following);
		// The follower turned notifications on itself.
		std::string events = config_get();
		for (char c : std::string("K$gxe"))
			CPPUNIT_ASSERT_MESSAGE(events, events.find(c) != std::string::npos);

		// Changes, in order; the key outside the pattern never shows.
		CPPUNIT_ASSERT(redis({"SET", "call:c", "3"}));
		CPPUNIT_ASSERT(redis({"SET", "other:y", "8"}));
		CPPUNIT_ASSERT(redis({"SET", "call:b", "22"}));
		CPPUNIT_ASSERT(redis({"DEL", "call:a"}));
		CPPUNIT_ASSERT(redis({"SET", "call:d", "4", "PX", "100"}));
		std::vector<std::string> want = {"stored call:c=3", "stored call:b=22",
		                                 "removed call:a", "stored call:d=4",
		                                 "removed call:d"};
		CPPUNIT_ASSERT(run_until([&] { return log_.size() >= want.size(); }));
		CPPUNIT_ASSERT(log_ == want);
		auto s = follower_->stats();
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, s.snapshots);
		CPPUNIT_ASSERT_EQUAL(uint64_t{3}, s.stored);
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, s.removed);

		// A fresh, empty server: notifications off again. The follower notices the loss,
		// reconnects, turns them on, and starts over with an empty snapshot.
		server_->stop();
		CPPUNIT_ASSERT(run_until([&] { return !follower_->stats().following; }));
		CPPUNIT_ASSERT(!follower_->stats().last_error.empty());
		server_ = std::make_unique<RedisServer>(
		        port_, std::vector<std::string>{"--requirepass", kPassword,
		                                        "--notify-keyspace-events", ""});
		CPPUNIT_ASSERT(server_->start());
		CPPUNIT_ASSERT(run_until([&] { return snapshots_.size() == 2; }));
		CPPUNIT_ASSERT(snapshots_[1].empty());
		CPPUNIT_ASSERT(follower_->stats().following);
		log_.clear();
		CPPUNIT_ASSERT(redis({"SET", "call:e", "5"}));
		CPPUNIT_ASSERT(run_until([&] { return !log_.empty(); }));
		CPPUNIT_ASSERT(log_ == std::vector<std::string>{"stored call:e=5"});
	}

	// SIGSTOP: the connections stay open, nothing changes, nothing answers. Only the
	// follower's own PING can tell; once the server answers again it follows again.
	void a_server_that_stops_answering_is_noticed()
	{
		if (!server_)
			return;
		make_follower("call:*");
		CPPUNIT_ASSERT(run_until([&] { return snapshots_.size() == 1; }));
		server_->send_signal(SIGSTOP);
		bool noticed = run_until([&] { return !follower_->stats().following; });
		server_->send_signal(SIGCONT);
		CPPUNIT_ASSERT(noticed);
		CPPUNIT_ASSERT_MESSAGE(follower_->stats().last_error,
		                       follower_->stats().last_error.find("no reply") !=
		                               std::string::npos);
		CPPUNIT_ASSERT(run_until([&] { return snapshots_.size() == 2; }));
		CPPUNIT_ASSERT(follower_->stats().following);
	}

private:
	void make_follower(const std::string& pattern)
	{
		RedisFollower::Events events;
		events.snapshot = [this](KeyValues kv) { snapshots_.push_back(std::move(kv)); };
		events.stored = [this](const std::string& key, std::string value) {
			log_.push_back("stored " + key + "=" + value);
		};
		events.removed = [this](const std::string& key) {
			log_.push_back("removed " + key);
		};
		auto f = RedisFollower::create(base_.get(), target_, limits_, pattern,
		                               std::move(events));
		CPPUNIT_ASSERT(f);
		follower_ = std::move(*f);
	}

	// One command on the test's server, in the follower's database, on a connection of
	// its own; the reply's string (or "") when it was not an error.
	std::optional<std::string> redis(std::vector<std::string> args) const
	{
		std::unique_ptr<redisContext, decltype(&redisFree)> c(
		        redisConnect("127.0.0.1", port_), redisFree);
		if (!c || c->err)
			return std::nullopt;
		auto run = [&](const std::vector<std::string>& a) -> std::optional<std::string> {
			std::vector<const char*> argv;
			std::vector<size_t> lens;
			for (const auto& s : a) {
				argv.push_back(s.data());
				lens.push_back(s.size());
			}
			auto* r = static_cast<redisReply*>(redisCommandArgv(
			        c.get(), static_cast<int>(a.size()), argv.data(), lens.data()));
			std::optional<std::string> out;
			if (r && r->type != REDIS_REPLY_ERROR) {
				out = "";
				if (r->type == REDIS_REPLY_ARRAY && r->elements == 2)
					out = std::string(r->element[1]->str, r->element[1]->len);
				else if (r->str)
					out = std::string(r->str, r->len);
			}
			freeReplyObject(r);
			return out;
		};
		if (!run({"AUTH", kPassword}) || !run({"SELECT", std::to_string(kDb)}))
			return std::nullopt;
		return run(args);
	}

	std::string config_get() const
	{
		return redis({"CONFIG", "GET", "notify-keyspace-events"}).value_or("(error)");
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

	uint16_t port_ = 0;
	std::unique_ptr<RedisServer> server_;
	rtprelay::event::EventBasePtr base_{nullptr, event_base_free};
	RedisTarget target_;
	RedisLimits limits_;
	std::unique_ptr<RedisFollower> follower_;
	std::vector<KeyValues> snapshots_;
	std::vector<std::string> log_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisFollowerServerTest);
