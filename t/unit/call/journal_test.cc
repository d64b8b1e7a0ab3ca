#include "call/journal.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay::call;

class JournalTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(JournalTest);
	CPPUNIT_TEST(a_live_call_records_its_choices);
	CPPUNIT_TEST(a_rebuilt_call_gets_them_back_in_order_then_records);
	CPPUNIT_TEST_SUITE_END();

public:
	void a_live_call_records_its_choices()
	{
		Journal j;
		CPPUNIT_ASSERT(!j.next_lease());
		j.leased({"127.0.0.1", 30000});
		CPPUNIT_ASSERT_EQUAL(std::string("k1"), j.secret("k1"));
		CPPUNIT_ASSERT(!j.next_lease());
		j.leased({"::1", 30010});
		CPPUNIT_ASSERT_EQUAL(std::string("k2"), j.secret("k2"));
		j.add_request("{\"command\":\"offer\"}");
		CPPUNIT_ASSERT(j.leases() ==
		               (std::vector<Journal::Lease>{{"127.0.0.1", 30000}, {"::1", 30010}}));
		CPPUNIT_ASSERT(j.secrets() == (std::vector<std::string>{"k1", "k2"}));
		CPPUNIT_ASSERT_EQUAL(size_t(1), j.requests().size());
		CPPUNIT_ASSERT_EQUAL(size_t(0), j.unused());
	}

	void a_rebuilt_call_gets_them_back_in_order_then_records()
	{
		Journal j({}, {{"127.0.0.1", 30000}, {"127.0.0.1", 30002}}, {"old"});
		CPPUNIT_ASSERT_EQUAL(size_t(3), j.unused());
		auto first = j.next_lease();
		CPPUNIT_ASSERT(first && first->port == 30000);
		CPPUNIT_ASSERT_EQUAL(std::string("old"), j.secret("fresh ignored"));
		auto second = j.next_lease();
		CPPUNIT_ASSERT(second && second->port == 30002);
		CPPUNIT_ASSERT_EQUAL(size_t(0), j.unused());
		// Used up: what the call does next is new, and recorded after.
		CPPUNIT_ASSERT(!j.next_lease());
		j.leased({"127.0.0.1", 30004});
		CPPUNIT_ASSERT_EQUAL(std::string("new"), j.secret("new"));
		CPPUNIT_ASSERT_EQUAL(size_t(3), j.leases().size());
		CPPUNIT_ASSERT(j.secrets() == (std::vector<std::string>{"old", "new"}));
		CPPUNIT_ASSERT_EQUAL(size_t(0), j.unused());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JournalTest);
