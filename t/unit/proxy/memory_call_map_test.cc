// SPDX-License-Identifier: GPL-3.0-or-later
// Tests MemoryCallMap: find, claim, assign, forget, expiry and sweep of the in-memory call map.
#include "ctl-proxy/proxy/memory_call_map.h"

#include <cppunit/extensions/HelperMacros.h>

#include <optional>
#include <string>

#include "util/clock.h"

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

// What a callback got: outer nullopt while it has not run.
struct Answer {
	std::optional<CallMap::Owner> got;
	int calls = 0;

	CallMap::Done done()
	{
		return [this](CallMap::Owner owner) {
			got = std::move(owner);
			calls++;
		};
	}
	// The owner name, "" for none; fails unless the callback ran exactly once.
	std::string owner() const
	{
		CPPUNIT_ASSERT_EQUAL(1, calls);
		CPPUNIT_ASSERT(got.has_value());
		return got->value_or("");
	}
	bool no_owner() const
	{
		CPPUNIT_ASSERT_EQUAL(1, calls);
		return got.has_value() && !got->has_value();
	}
};

Answer find(MemoryCallMap& map, const std::string& call)
{
	Answer a;
	map.find(call, a.done());
	return a;
}

Answer claim(MemoryCallMap& map, const std::string& call, const std::string& node)
{
	Answer a;
	map.claim(call, node, a.done());
	return a;
}

} // namespace

class MemoryCallMapTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MemoryCallMapTest);
	CPPUNIT_TEST(find_on_empty_map_finds_nothing);
	CPPUNIT_TEST(claim_records_the_claimer);
	CPPUNIT_TEST(second_claim_gets_the_first_owner);
	CPPUNIT_TEST(assign_replaces_the_owner);
	CPPUNIT_TEST(forget_removes_the_call);
	CPPUNIT_TEST(sweep_drops_expired_calls_only);
	CPPUNIT_TEST(expired_call_is_not_found_and_can_be_claimed_again);
	CPPUNIT_TEST(touch_restarts_the_expiry);
	CPPUNIT_TEST_SUITE_END();

public:
	void find_on_empty_map_finds_nothing()
	{
		MemoryCallMap map(60);
		CPPUNIT_ASSERT(find(map, "call-1").no_owner());
		CPPUNIT_ASSERT(!map.lookup("call-1").has_value());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, map.size());
	}

	void claim_records_the_claimer()
	{
		MemoryCallMap map(60);
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), claim(map, "call-1", "node-a").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), find(map, "call-1").owner());
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), map.lookup("call-1").value_or(""));
		// Other calls are not affected.
		CPPUNIT_ASSERT(find(map, "call-2").no_owner());
	}

	void second_claim_gets_the_first_owner()
	{
		MemoryCallMap map(60);
		claim(map, "call-1", "node-a");
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), claim(map, "call-1", "node-b").owner());
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), find(map, "call-1").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		// A different call goes to whoever claims it.
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), claim(map, "call-2", "node-b").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, map.size());
	}

	void assign_replaces_the_owner()
	{
		MemoryCallMap map(60);
		claim(map, "call-1", "node-a");
		map.assign("call-1", "node-b");
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), find(map, "call-1").owner());
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), claim(map, "call-1", "node-a").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		// Assign also records a call the map did not have.
		map.assign("call-2", "node-c");
		CPPUNIT_ASSERT_EQUAL(std::string("node-c"), find(map, "call-2").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, map.size());
	}

	void forget_removes_the_call()
	{
		MemoryCallMap map(60);
		claim(map, "call-1", "node-a");
		claim(map, "call-2", "node-a");
		map.forget("call-1");
		CPPUNIT_ASSERT(find(map, "call-1").no_owner());
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), find(map, "call-2").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		map.forget("call-1"); // twice, or unknown: nothing happens
		map.forget("unknown");
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		// Forgotten, it can be claimed by another node.
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), claim(map, "call-1", "node-b").owner());
	}

	void sweep_drops_expired_calls_only()
	{
		MemoryCallMap short_lived(1);
		short_lived.assign("call-1", "node-a");
		claim(short_lived, "call-2", "node-b");
		CPPUNIT_ASSERT_EQUAL(size_t{2}, short_lived.size());
		// Not yet expired: kept.
		short_lived.sweep(util::now_ms());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, short_lived.size());
		short_lived.sweep(util::now_ms() + 2000);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, short_lived.size());

		// A longer expiry outlives the same sweep.
		MemoryCallMap long_lived(60);
		long_lived.assign("call-1", "node-a");
		long_lived.sweep(util::now_ms() + 2000);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, long_lived.size());
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), find(long_lived, "call-1").owner());
		long_lived.sweep(util::now_ms() + 61000);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, long_lived.size());
	}

	void expired_call_is_not_found_and_can_be_claimed_again()
	{
		// An expiry of 0 s: every entry has expired by the time it is looked up.
		MemoryCallMap map(0);
		map.assign("call-1", "node-a");
		CPPUNIT_ASSERT(find(map, "call-1").no_owner());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, map.size()); // the lookup dropped it
		map.assign("call-1", "node-a");
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), claim(map, "call-1", "node-b").owner());
	}

	void touch_restarts_the_expiry()
	{
		MemoryCallMap map(1);
		map.touch("call-1", "node-a");
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), find(map, "call-1").owner());
		map.touch("call-1", "node-b");
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), find(map, "call-1").owner());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, map.size());
		map.sweep(util::now_ms() + 2000);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, map.size());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MemoryCallMapTest);
