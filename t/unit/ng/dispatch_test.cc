#include "ng/dispatch.h"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "ng/bencode.h"
#include "ng/command_stats.h"

using namespace rtprelay;
using namespace rtprelay::ng;

namespace {

void cmd_ok_with_data(Request& r, Completion done)
{
	Value v = Value::dict(r.arena);
	v.set("n", Value::integer(7));
	done(v);
}
void cmd_fails(Request&, Completion done)
{
	done(Error{"no such call"});
}
void cmd_twice(Request& r, Completion done)
{
	done(Value::dict(r.arena));
	done(Error{"second answer must be ignored"});
}
void cmd_throws(Request&, Completion)
{
	throw std::runtime_error("boom");
}

} // namespace

class DispatchTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(DispatchTest);
	CPPUNIT_TEST(ping_pongs);
	CPPUNIT_TEST(ok_is_added_first);
	CPPUNIT_TEST(handler_error_becomes_error_reason);
	CPPUNIT_TEST(bad_command_key);
	CPPUNIT_TEST(answers_once);
	CPPUNIT_TEST(exception_becomes_error);
	CPPUNIT_TEST(call_commands_without_registry_fail_cleanly);
	CPPUNIT_TEST(finished_requests_are_recorded);
	CPPUNIT_TEST_SUITE_END();

	Arena arena_;
	CommandTable table_ = builtin_commands();

	std::string run(std::string_view message)
	{
		auto params = bencode_decode(message, arena_);
		CPPUNIT_ASSERT_MESSAGE(std::string(message), params);
		std::string out;
		int calls = 0;
		dispatch(table_, *params, arena_, "cookie", net::Endpoint(), nullptr,
		         [&](Value reply) {
			         calls++;
			         bencode_encode(reply, out);
		         });
		CPPUNIT_ASSERT_EQUAL(1, calls);
		return out;
	}

public:
	void setUp() override
	{
		table_.add("data", cmd_ok_with_data);
		table_.add("fails", cmd_fails);
		table_.add("twice", cmd_twice);
		table_.add("throws", cmd_throws);
	}

	void ping_pongs()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result4:ponge"), run("d7:command4:pinge"));
	}

	void ok_is_added_first()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result2:ok1:ni7ee"), run("d7:command4:datae"));
	}

	void handler_error_becomes_error_reason()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result5:error12:error-reason12:no such calle"),
		                     run("d7:command5:failse"));
	}

	void bad_command_key()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string("d6:result5:error12:error-reason21:missing key 'command'e"),
		        run("d3:foo3:bare"));
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result5:error12:error-reason42:key 'command' "
		                                 "must be a string, not a liste"),
		                     run("d7:commandl4:pingee"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "d6:result5:error12:error-reason27:unknown command 'offer\\x00'e"),
		        run(std::string_view("d7:command6:offer\0e", 19)));
	}

	void answers_once()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("d6:result2:oke"), run("d7:command5:twicee"));
	}

	void exception_becomes_error()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string("d6:result5:error12:error-reason20:internal error: boome"),
		        run("d7:command6:throwse"));
	}

	void call_commands_without_registry_fail_cleanly()
	{
		for (const char* cmd :
		     {"d7:command5:offere", "d7:command6:answere", "d7:command6:deletee",
		      "d7:command5:querye", "d7:command4:liste", "d7:command10:statisticse"})
			CPPUNIT_ASSERT_EQUAL(std::string("d6:result5:error12:error-reason30:call "
			                                 "handling is not availablee"),
			                     run(cmd));
	}

	void finished_requests_are_recorded()
	{
		CommandStats stats;
		table_.record_into(&stats);
		run("d7:command4:pinge");
		run("d7:command5:failse");
		run("d7:command6:throwse");
		run("d7:command4:nonee"); // unknown: the proxy's error, no command of its own
		run("d1:xi1ee");          // no command at all: likewise
		CPPUNIT_ASSERT_EQUAL(size_t(3), stats.commands().size());
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), stats.find("ping").requests);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), stats.find("ping").errors);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), stats.find("fails").errors);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), stats.find("throws").errors);
		CPPUNIT_ASSERT_EQUAL(size_t(1), stats.proxies().size());
		CPPUNIT_ASSERT_EQUAL(uint64_t(4), stats.proxies()[0].errors);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DispatchTest);
