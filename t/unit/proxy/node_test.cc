// SPDX-License-Identifier: GPL-3.0-or-later
// Tests Node: up/down from answers, misses and refusals, new-call acceptance and session load.
#include "ctl-proxy/proxy/node.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

Node make_node(int weight = 1)
{
	NodeSpec spec;
	spec.name = "a";
	spec.ng = net::Endpoint(net::IpAddress::loopback_v4(), 2223);
	spec.weight = weight;
	return Node(spec, nullptr);
}

} // namespace

class NodeTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(NodeTest);
	CPPUNIT_TEST(starts_down);
	CPPUNIT_TEST(answer_brings_it_up_once);
	CPPUNIT_TEST(misses_in_a_row_take_it_down);
	CPPUNIT_TEST(an_answer_between_misses_starts_the_count_again);
	CPPUNIT_TEST(refusal_takes_it_down_at_once);
	CPPUNIT_TEST(accepts_new_calls_when_up_weighted_and_not_refusing);
	CPPUNIT_TEST(sessions_are_reported_plus_placed_since);
	CPPUNIT_TEST_SUITE_END();

public:
	void starts_down()
	{
		Node n = make_node();
		CPPUNIT_ASSERT(!n.up());
		CPPUNIT_ASSERT_EQUAL(0, n.misses());
		CPPUNIT_ASSERT(!n.accepts_new_calls(0));
		CPPUNIT_ASSERT_EQUAL(std::string("a"), n.name());
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, n.sessions());
		// Misses while down change nothing.
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(!n.up());
		CPPUNIT_ASSERT(!n.refused());
		CPPUNIT_ASSERT(!n.up());
	}

	void answer_brings_it_up_once()
	{
		Node n = make_node();
		CPPUNIT_ASSERT(n.answered());
		CPPUNIT_ASSERT(n.up());
		CPPUNIT_ASSERT(!n.answered());
		CPPUNIT_ASSERT(n.up());
		CPPUNIT_ASSERT(n.accepts_new_calls(0));
	}

	void misses_in_a_row_take_it_down()
	{
		Node n = make_node();
		n.answered();
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(n.up());
		CPPUNIT_ASSERT_EQUAL(1, n.misses());
		CPPUNIT_ASSERT(n.missed(2));
		CPPUNIT_ASSERT(!n.up());
		CPPUNIT_ASSERT_EQUAL(2, n.misses());
		// Already down: no further transition.
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(!n.up());
		// An answer brings it back and clears the count.
		CPPUNIT_ASSERT(n.answered());
		CPPUNIT_ASSERT_EQUAL(0, n.misses());
		// One miss allowed: the first takes it down.
		CPPUNIT_ASSERT(n.missed(1));
		CPPUNIT_ASSERT(!n.up());
		// Four allowed: down on the fourth only.
		n.answered();
		CPPUNIT_ASSERT(!n.missed(4));
		CPPUNIT_ASSERT(!n.missed(4));
		CPPUNIT_ASSERT(!n.missed(4));
		CPPUNIT_ASSERT(n.up());
		CPPUNIT_ASSERT(n.missed(4));
		CPPUNIT_ASSERT(!n.up());
	}

	void an_answer_between_misses_starts_the_count_again()
	{
		Node n = make_node();
		n.answered();
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(!n.answered()); // still up: no change, but the count restarts
		CPPUNIT_ASSERT_EQUAL(0, n.misses());
		CPPUNIT_ASSERT(!n.missed(2));
		CPPUNIT_ASSERT(n.up());
		CPPUNIT_ASSERT(n.missed(2));
		CPPUNIT_ASSERT(!n.up());
	}

	void refusal_takes_it_down_at_once()
	{
		Node n = make_node();
		n.answered();
		CPPUNIT_ASSERT(n.refused());
		CPPUNIT_ASSERT(!n.up());
		CPPUNIT_ASSERT(!n.accepts_new_calls(0));
		CPPUNIT_ASSERT(!n.refused());
		CPPUNIT_ASSERT(!n.up());
		CPPUNIT_ASSERT(n.answered());
		CPPUNIT_ASSERT(n.up());
	}

	void accepts_new_calls_when_up_weighted_and_not_refusing()
	{
		Node n = make_node();
		n.answered();
		CPPUNIT_ASSERT(n.accepts_new_calls(1000));
		CPPUNIT_ASSERT(!n.refusing_new_calls(1000));
		n.refuse_new_calls_until(5000);
		CPPUNIT_ASSERT(n.refusing_new_calls(1000));
		CPPUNIT_ASSERT(!n.accepts_new_calls(1000));
		CPPUNIT_ASSERT(!n.accepts_new_calls(4999));
		CPPUNIT_ASSERT(n.accepts_new_calls(5000));
		CPPUNIT_ASSERT(n.accepts_new_calls(6000));
		CPPUNIT_ASSERT(n.up()); // refusing new calls is not being down

		Node weightless = make_node(0);
		CPPUNIT_ASSERT(weightless.answered());
		CPPUNIT_ASSERT(weightless.up());
		CPPUNIT_ASSERT(!weightless.accepts_new_calls(0));
		CPPUNIT_ASSERT(!weightless.accepts_new_calls(1000000));

		Node heavy = make_node(5);
		CPPUNIT_ASSERT(!heavy.accepts_new_calls(0)); // down until it answers
		heavy.answered();
		CPPUNIT_ASSERT(heavy.accepts_new_calls(0));
	}

	void sessions_are_reported_plus_placed_since()
	{
		Node n = make_node();
		n.placed();
		n.placed();
		CPPUNIT_ASSERT_EQUAL(int64_t{2}, n.sessions());
		n.set_sessions(40);
		CPPUNIT_ASSERT_EQUAL(int64_t{40}, n.sessions());
		n.placed();
		n.placed();
		n.placed();
		CPPUNIT_ASSERT_EQUAL(int64_t{43}, n.sessions());
		// A new report counts the placed calls itself: they are not added again.
		n.set_sessions(41);
		CPPUNIT_ASSERT_EQUAL(int64_t{41}, n.sessions());
		n.set_sessions(0);
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, n.sessions());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeTest);
