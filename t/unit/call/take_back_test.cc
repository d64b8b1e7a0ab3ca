// Call::remove and Call::stop_forwarding take kernel targets back. A temporary directory stands
// in for /proc/rtprelay (as in channel_test), so every command the daemon sends the module is
// a record in a regular file that the test reads back.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "../net/endpoint_literal.h"
#include "call/call.h"
#include "kernel/channel.h"
#include "kernel/target_builder.h"
#include "media/interfaces.h"
#include "media/media_loop.h"

using namespace rtprelay;
using namespace rtprelay::call;
using rtprelay::test::ep;

class TakeBackTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(TakeBackTest);
	CPPUNIT_TEST(removing_a_party_takes_back_both_directions);
	CPPUNIT_TEST(stop_forwarding_takes_back_every_stream);
	CPPUNIT_TEST_SUITE_END();

	std::string dir_;
	Config config_;
	RuntimeLimits limits_{config_};
	std::unique_ptr<kernel::Channel> channel_;
	std::unique_ptr<media::MediaLoop> loop_;
	std::unique_ptr<Call> call_;
	media::LocalAddress address_;
	Media* a_ = nullptr;
	Media* b_ = nullptr;

	// A's media gets local ports 30000/30001, B's 30002/30003; every stream has a target.
	void kernelize(Media& m, uint16_t rtp_port)
	{
		m.allocation.address = &address_;
		m.allocation.lease.rtp.local = ep(("10.0.0.1:" + std::to_string(rtp_port)).c_str());
		m.allocation.lease.rtcp.local =
		        ep(("10.0.0.1:" + std::to_string(rtp_port + 1)).c_str());
		for (Stream* s : {&m.rtp, &m.rtcp}) {
			s->attach(0,
			          s == &m.rtp ? &m.allocation.lease.rtp : &m.allocation.lease.rtcp);
			s->loop = loop_.get();
			s->kernel.installed(*channel_, s->socket->local);
			s->kernel.attempted = kernel::TargetInput{};
		}
	}

	// The local ports of the DEL_TARGET commands sent so far.
	std::multiset<std::string> deleted()
	{
		std::string path = dir_ + "/0/control";
		std::string all(std::filesystem::file_size(path), '\0');
		std::ifstream(path, std::ios::binary)
		        .read(all.data(), static_cast<std::streamsize>(all.size()));
		std::multiset<std::string> out;
		const char* locals[] = {"10.0.0.1:30000", "10.0.0.1:30001", "10.0.0.1:30002",
		                        "10.0.0.1:30003"};
		// After the greeting and our INIT: fixed-size commands (GET_STATS reads the
		// counters before a target goes; a regular file answers nothing).
		for (size_t at = 2 * sizeof(rtprelay_init);
		     at + sizeof(rtprelay_cmd_target) <= all.size();
		     at += sizeof(rtprelay_cmd_target)) {
			rtprelay_cmd_target cmd;
			memcpy(&cmd, all.data() + at, sizeof cmd);
			if (cmd.cmd != RTPRELAY_CMD_DEL_TARGET)
				continue;
			for (const char* l : locals)
				if (memcmp(&cmd, &*kernel::build_del_target(ep(l)), sizeof cmd) ==
				    0)
					out.insert(l);
		}
		return out;
	}

	static bool in_userspace(const Media& m)
	{
		return !m.rtp.kernel.active() && !m.rtcp.kernel.active() &&
		       !m.rtp.kernel.attempted && !m.rtcp.kernel.attempted;
	}

public:
	void setUp() override
	{
		char tmpl[] = "/tmp/rtprelay-takeback-XXXXXX";
		CPPUNIT_ASSERT(mkdtemp(tmpl));
		dir_ = tmpl;
		std::filesystem::create_directories(dir_ + "/0");
		std::ofstream(dir_ + "/control").flush();
		rtprelay_init greeting = kernel::build_init();
		std::ofstream(dir_ + "/0/control", std::ios::binary)
		        .write(reinterpret_cast<const char*>(&greeting), sizeof greeting);
		auto channel = kernel::Channel::open(0, dir_);
		CPPUNIT_ASSERT_MESSAGE(channel ? "" : channel.error().reason, channel);
		channel_ = std::move(channel).value();

		loop_ = std::move(media::MediaLoop::create(0, config_, [](auto&, auto&) {
		        })).value();
		call_ = std::make_unique<Call>("c", *loop_, limits_, 0);
		Monologue& a = call_->get_or_create("a", 0);
		Monologue& b = call_->get_or_create("b", 0);
		a.peer = &b;
		b.peer = &a;
		a_ = &a.media_at(1);
		b_ = &b.media_at(1);
		a_->peer = b_;
		b_->peer = a_;
		kernelize(*a_, 30000);
		kernelize(*b_, 30002);
	}

	void tearDown() override
	{
		call_.reset();
		loop_.reset();
		channel_.reset();
		std::filesystem::remove_all(dir_);
	}

	void removing_a_party_takes_back_both_directions()
	{
		call_->remove(*call_->find("b"));
		// A's targets sent from B's sockets, which may serve another call next: they go
		// too, with B's own, and A is not kernelized again without a peer.
		CPPUNIT_ASSERT(deleted() ==
		               (std::multiset<std::string>{"10.0.0.1:30000", "10.0.0.1:30001",
		                                           "10.0.0.1:30002", "10.0.0.1:30003"}));
		CPPUNIT_ASSERT(in_userspace(*a_));
		CPPUNIT_ASSERT(!a_->peer);
		CPPUNIT_ASSERT(!call_->find("a")->peer);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, call_->monologues().size());
	}

	void stop_forwarding_takes_back_every_stream()
	{
		call_->stop_forwarding();
		CPPUNIT_ASSERT_EQUAL(size_t{4}, deleted().size());
		CPPUNIT_ASSERT(in_userspace(*a_));
		CPPUNIT_ASSERT(in_userspace(*b_));
		// Destroying the call afterwards sends nothing more.
		call_.reset();
		CPPUNIT_ASSERT_EQUAL(size_t{4}, deleted().size());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TakeBackTest);
