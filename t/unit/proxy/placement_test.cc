// SPDX-License-Identifier: GPL-3.0-or-later
// Tests choose_node: least (sessions + 1) / weight among usable nodes, ties by rotation.
#include "ctl-proxy/proxy/placement.h"

#include <cppunit/extensions/HelperMacros.h>

#include <optional>
#include <span>
#include <vector>

using namespace rtprelay::proxy;

namespace {

Candidate node(int weight, int64_t sessions, bool usable = true)
{
	Candidate c;
	c.usable = usable;
	c.weight = weight;
	c.sessions = sessions;
	return c;
}

// The index choose_node picks, -1 for none.
int pick(std::span<const Candidate> nodes, size_t rotation)
{
	auto chosen = choose_node(nodes, rotation);
	return chosen ? static_cast<int>(*chosen) : -1;
}

// Places `calls` new calls one after another, each on the node choose_node picks, counting it
// on that node; returns the calls each node got.
std::vector<int> simulate(std::vector<Candidate> nodes, int calls)
{
	std::vector<int> got(nodes.size(), 0);
	for (int i = 0; i < calls; i++) {
		auto chosen = choose_node(nodes, static_cast<size_t>(i));
		CPPUNIT_ASSERT(chosen.has_value());
		CPPUNIT_ASSERT(*chosen < nodes.size());
		nodes[*chosen].sessions++;
		got[*chosen]++;
	}
	return got;
}

} // namespace

class PlacementTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(PlacementTest);
	CPPUNIT_TEST(picks_the_lowest_load_per_weight);
	CPPUNIT_TEST(counts_the_new_call);
	CPPUNIT_TEST(weights_two_to_one_split_two_to_one);
	CPPUNIT_TEST(equal_weights_split_evenly);
	CPPUNIT_TEST(unusable_and_weight_zero_nodes_are_never_chosen);
	CPPUNIT_TEST(nothing_usable_gives_nullopt);
	CPPUNIT_TEST(ties_rotate);
	CPPUNIT_TEST_SUITE_END();

public:
	void picks_the_lowest_load_per_weight()
	{
		// Loads per weight: 10/1, 6/2 = 3, 9/3 = 3, 5/1.
		std::vector<Candidate> nodes{node(1, 9), node(2, 5), node(3, 8), node(1, 4)};
		// (6)/2 = 3 vs (9)/3 = 3: a tie between 1 and 2; rotation 0 visits 1 first.
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 0));
		nodes[2].sessions = 7; // 8/3 < 3
		CPPUNIT_ASSERT_EQUAL(2, pick(nodes, 0));
		CPPUNIT_ASSERT_EQUAL(2, pick(nodes, 3));
		nodes[3].sessions = 0; // 1/1 beats everything
		CPPUNIT_ASSERT_EQUAL(3, pick(nodes, 0));
		CPPUNIT_ASSERT_EQUAL(3, pick(nodes, 2));
	}

	void counts_the_new_call()
	{
		// Without the +1 both would be at 0; with it, weight 5 gives 1/5 < 1/1.
		std::vector<Candidate> nodes{node(1, 0), node(5, 0)};
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 0));
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 1));
		// 1 session on weight 1: 2/1; 8 on weight 5: 9/5 < 2.
		nodes[0].sessions = 1;
		nodes[1].sessions = 8;
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 0));
		// 10 on weight 5: 11/5 > 2.
		nodes[1].sessions = 10;
		CPPUNIT_ASSERT_EQUAL(0, pick(nodes, 1));
	}

	void weights_two_to_one_split_two_to_one()
	{
		std::vector<int> got = simulate({node(2, 0), node(1, 0)}, 300);
		CPPUNIT_ASSERT_EQUAL(200, got[0]);
		CPPUNIT_ASSERT_EQUAL(100, got[1]);
		// From the first calls on: of the first three, two go to the heavier node.
		got = simulate({node(2, 0), node(1, 0)}, 3);
		CPPUNIT_ASSERT_EQUAL(2, got[0]);
		CPPUNIT_ASSERT_EQUAL(1, got[1]);
		// Order of the nodes does not matter.
		got = simulate({node(1, 0), node(2, 0)}, 300);
		CPPUNIT_ASSERT_EQUAL(100, got[0]);
		CPPUNIT_ASSERT_EQUAL(200, got[1]);
	}

	void equal_weights_split_evenly()
	{
		std::vector<int> got = simulate({node(1, 0), node(1, 0), node(1, 0)}, 300);
		CPPUNIT_ASSERT_EQUAL(100, got[0]);
		CPPUNIT_ASSERT_EQUAL(100, got[1]);
		CPPUNIT_ASSERT_EQUAL(100, got[2]);
		// A node that starts loaded gets new calls until it catches up, then its share.
		got = simulate({node(1, 50), node(1, 0)}, 150);
		CPPUNIT_ASSERT_EQUAL(50, got[0]);
		CPPUNIT_ASSERT_EQUAL(100, got[1]);
	}

	void unusable_and_weight_zero_nodes_are_never_chosen()
	{
		// The idle ones are unusable or weightless; they would win otherwise.
		std::vector<Candidate> nodes{node(1, 0, false), node(0, 0), node(1, 100),
		                             node(-1, 0)};
		for (size_t r = 0; r < 8; r++)
			CPPUNIT_ASSERT_EQUAL(2, pick(nodes, r));
		std::vector<int> got = simulate(nodes, 50);
		CPPUNIT_ASSERT_EQUAL(0, got[0]);
		CPPUNIT_ASSERT_EQUAL(0, got[1]);
		CPPUNIT_ASSERT_EQUAL(50, got[2]);
		CPPUNIT_ASSERT_EQUAL(0, got[3]);
	}

	void nothing_usable_gives_nullopt()
	{
		CPPUNIT_ASSERT_EQUAL(-1, pick({}, 0));
		CPPUNIT_ASSERT_EQUAL(-1, pick({}, 7));
		std::vector<Candidate> nodes{node(1, 0, false), node(0, 0), node(3, 2, false)};
		for (size_t r = 0; r < 4; r++)
			CPPUNIT_ASSERT_EQUAL(-1, pick(nodes, r));
	}

	void ties_rotate()
	{
		std::vector<Candidate> nodes{node(1, 3), node(1, 3), node(2, 7), node(1, 3)};
		// All four at 4/1 = 8/2: the first visited from `rotation` wins.
		CPPUNIT_ASSERT_EQUAL(0, pick(nodes, 0));
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 1));
		CPPUNIT_ASSERT_EQUAL(2, pick(nodes, 2));
		CPPUNIT_ASSERT_EQUAL(3, pick(nodes, 3));
		// Rotation wraps around the node count.
		CPPUNIT_ASSERT_EQUAL(1, pick(nodes, 5));
		CPPUNIT_ASSERT_EQUAL(3, pick(nodes, 4 * 1000 + 3));
		// A rotation starting on an unusable node goes on to the next tied one.
		nodes[1].usable = false;
		CPPUNIT_ASSERT_EQUAL(2, pick(nodes, 1));
		// Only among the tied best: a less loaded node wins whatever the rotation.
		nodes[3].sessions = 2;
		for (size_t r = 0; r < 4; r++)
			CPPUNIT_ASSERT_EQUAL(3, pick(nodes, r));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PlacementTest);
