// kernel/channel without the module: a temporary directory stands in for /proc/rtprelay, with
// regular files holding the greeting, so the missing-module and ABI-mismatch paths are tested.
#include "kernel/channel.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "kernel/target_builder.h"

using namespace rtprelay;
using namespace rtprelay::kernel;

namespace {

std::string slurp(const std::string& path)
{
	std::string s;
	if (FILE* f = fopen(path.c_str(), "rb")) {
		char buf[1024];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			s.append(buf, n);
		fclose(f);
	}
	return s;
}

bool contains(const std::string& s, const char* part)
{
	return s.find(part) != std::string::npos;
}

} // namespace

class ChannelTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(ChannelTest);
	CPPUNIT_TEST(missing_module);
	CPPUNIT_TEST(table_out_of_range);
	CPPUNIT_TEST(version_mismatch);
	CPPUNIT_TEST(size_mismatch_and_garbage);
	CPPUNIT_TEST(handshake_and_commands);
	CPPUNIT_TEST(permission_hint);
	CPPUNIT_TEST_SUITE_END();

	std::string dir_;

	// A fake /proc/rtprelay whose table-0 control file holds `greeting` (size bytes).
	void fake_module(const rtprelay_init& greeting, size_t size)
	{
		std::filesystem::create_directories(dir_ + "/0");
		std::ofstream(dir_ + "/control").flush();
		std::ofstream f(dir_ + "/0/control", std::ios::binary | std::ios::trunc);
		f.write(reinterpret_cast<const char*>(&greeting),
		        static_cast<std::streamsize>(size));
	}

	std::string open_error(int table = 0)
	{
		auto c = Channel::open(table, dir_);
		CPPUNIT_ASSERT(!c);
		return c.error().reason;
	}

public:
	void setUp() override
	{
		char tmpl[] = "/tmp/rtprelay-channel-XXXXXX";
		CPPUNIT_ASSERT(mkdtemp(tmpl));
		dir_ = tmpl;
	}
	void tearDown() override { std::filesystem::remove_all(dir_); }

	void missing_module()
	{
		std::string base = dir_ + "/proc-rtprelay";
		auto c = Channel::open(0, base);
		CPPUNIT_ASSERT(!c);
		CPPUNIT_ASSERT_EQUAL(
		        base + " not found: load the module with `modprobe xt_RTPRELAY`",
		        c.error().reason);
	}

	void table_out_of_range()
	{
		fake_module(build_init(), sizeof(rtprelay_init));
		CPPUNIT_ASSERT(contains(open_error(64), "tables 0-63"));
		CPPUNIT_ASSERT(contains(open_error(-1), "out of range"));
	}

	void version_mismatch()
	{
		rtprelay_init g = build_init();
		g.abi_version = 99;
		fake_module(g, sizeof g);
		std::string e = open_error();
		std::string want = "kernel module ABI version 99, rtprelayd speaks " +
		                   std::to_string(RTPRELAY_ABI_VERSION);
		CPPUNIT_ASSERT_MESSAGE(e, contains(e, want.c_str()));
		// The daemon sent nothing after the bad greeting.
		CPPUNIT_ASSERT_EQUAL(sizeof g, slurp(dir_ + "/0/control").size());
		// and deleted the table it had created.
		CPPUNIT_ASSERT_EQUAL(std::string("del 0\n"), slurp(dir_ + "/control"));
	}

	void size_mismatch_and_garbage()
	{
		rtprelay_init g = build_init();
		g.size_stats += 8;
		fake_module(g, sizeof g);
		CPPUNIT_ASSERT(contains(open_error(), "struct sizes differ"));
		fake_module(build_init(), 4);
		CPPUNIT_ASSERT(contains(open_error(), "not an ABI greeting"));
		g = build_init();
		g.cmd = RTPRELAY_CMD_ADD_TARGET;
		CPPUNIT_ASSERT(!check_greeting(g, sizeof g));
		CPPUNIT_ASSERT(check_greeting(build_init(), sizeof g));
		CPPUNIT_ASSERT(!check_greeting(build_init(), sizeof g + 8));
	}

	void handshake_and_commands()
	{
		fake_module(build_init(), sizeof(rtprelay_init));
		{
			auto c = Channel::open(0, dir_);
			CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().reason, c);
			CPPUNIT_ASSERT_EQUAL(0, (*c)->table());
			CPPUNIT_ASSERT_EQUAL(std::string("add 0\n"), slurp(dir_ + "/control"));
			// The greeting, then our INIT.
			std::string ctl = slurp(dir_ + "/0/control");
			rtprelay_init ours = build_init();
			CPPUNIT_ASSERT_EQUAL(2 * sizeof ours, ctl.size());
			CPPUNIT_ASSERT(std::memcmp(ctl.data() + sizeof ours, &ours, sizeof ours) ==
			               0);

			TargetInput in;
			in.local = *net::Endpoint::parse("127.0.0.1:30000", {});
			in.num_outputs = 1;
			in.output().src = *net::Endpoint::parse("127.0.0.1:30002", {});
			in.output().dst = *net::Endpoint::parse("127.0.0.1:40002", {});
			CPPUNIT_ASSERT((*c)->add_target(*build_add_target(in)));
			CPPUNIT_ASSERT((*c)->del_target(*build_del_target(in.local)));
			CPPUNIT_ASSERT_EQUAL(2 * sizeof ours + sizeof(rtprelay_cmd_add_target) +
			                             sizeof(rtprelay_cmd_target),
			                     slurp(dir_ + "/0/control").size());
			// A regular file has no reply to read back.
			auto stats = (*c)->get_stats(*build_get_stats(in.local));
			CPPUNIT_ASSERT(!stats);
			CPPUNIT_ASSERT(contains(stats.error().reason, "0 bytes"));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("del 0\n"), slurp(dir_ + "/control"));
	}

	void permission_hint()
	{
		if (geteuid() == 0)
			return; // root opens anything
		fake_module(build_init(), sizeof(rtprelay_init));
		CPPUNIT_ASSERT(chmod((dir_ + "/0/control").c_str(), 0) == 0);
		std::string e = open_error();
		CPPUNIT_ASSERT_MESSAGE(e, contains(e, "Permission denied") &&
		                                  contains(e, "proc_uid="));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelTest);
