// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/write_queue.h"

#include <cppunit/extensions/HelperMacros.h>

#include <vector>

using namespace rtprelay::ha;

namespace {

constexpr size_t kUnbounded = size_t{1} << 30;

// The cost of one entry with a 2-byte key and a 1-byte value ("k1" = "v").
constexpr size_t kSmall = 2 + 1 + WriteQueue::kEntryOverhead;

// Takes every ready write, in order, as "key=value" or "key:del"; leaves them in flight.
std::vector<std::string> take_all(WriteQueue& q, std::vector<uint64_t>* ids = nullptr)
{
	std::vector<std::string> out;
	while (const Write* w = q.next()) {
		out.push_back(w->op == Write::Op::kDel ? w->key + ":del" : w->key + "=" + w->value);
		if (ids)
			ids->push_back(w->id);
	}
	return out;
}

using Strings = std::vector<std::string>;

} // namespace

class WriteQueueTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(WriteQueueTest);
	CPPUNIT_TEST(newest_value_of_a_key_keeps_its_first_place);
	CPPUNIT_TEST(del_and_set_supersede_each_other);
	CPPUNIT_TEST(expiry_travels_with_the_newest_set);
	CPPUNIT_TEST(complete_forgets_the_write);
	CPPUNIT_TEST(byte_bound_drops_the_oldest_not_in_flight);
	CPPUNIT_TEST(a_write_larger_than_the_bound_drops_itself);
	CPPUNIT_TEST(in_flight_writes_go_back_on_disconnect);
	CPPUNIT_TEST(newer_value_waits_for_the_one_in_flight);
	CPPUNIT_TEST(stale_write_is_not_requeued_over_a_newer_one);
	CPPUNIT_TEST(refused_write_waits_again_in_its_place);
	CPPUNIT_TEST(unknown_ids_are_ignored);
	CPPUNIT_TEST(clear_forgets_waiting_and_in_flight_writes);
	CPPUNIT_TEST_SUITE_END();

public:
	void newest_value_of_a_key_keeps_its_first_place()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		q.set("b", "1", 0);
		q.set("c", "1", 0);
		q.set("a", "2", 0);
		q.set("b", "2", 0);
		CPPUNIT_ASSERT_EQUAL(size_t{3}, q.size());
		CPPUNIT_ASSERT_EQUAL(3 * (1 + 1 + WriteQueue::kEntryOverhead), q.bytes());
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a=2", "b=2", "c=1"}));
		CPPUNIT_ASSERT_EQUAL(size_t{3}, q.in_flight());
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, q.dropped());
	}

	void del_and_set_supersede_each_other()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "a long value", 0);
		q.set("b", "1", 0);
		q.del("a");
		CPPUNIT_ASSERT_EQUAL(size_t{2}, q.size());
		// The value no longer counts: only its key does.
		CPPUNIT_ASSERT_EQUAL(1 + WriteQueue::kEntryOverhead + 1 + 1 +
		                             WriteQueue::kEntryOverhead,
		                     q.bytes());
		q.set("b", "2", 0);
		q.del("b");
		q.set("b", "3", 0);
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a:del", "b=3"}));
	}

	void expiry_travels_with_the_newest_set()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 30);
		q.set("a", "2", 0);
		q.set("b", "1", 0);
		q.set("b", "2", 60);
		const Write* a = q.next();
		CPPUNIT_ASSERT_EQUAL(0, a->expires_s);
		const Write* b = q.next();
		CPPUNIT_ASSERT_EQUAL(60, b->expires_s);
		CPPUNIT_ASSERT(a->op == Write::Op::kSet);
	}

	void complete_forgets_the_write()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		q.del("b");
		std::vector<uint64_t> ids;
		take_all(q, &ids);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, ids.size());
		CPPUNIT_ASSERT(ids[0] != ids[1]);
		q.complete(ids[1]);
		q.complete(ids[0]);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.size());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.bytes());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.in_flight());
		CPPUNIT_ASSERT(!q.next());
		// The keys are forgotten too: a new write for one is ready at once.
		q.set("a", "2", 0);
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a=2"}));
	}

	void byte_bound_drops_the_oldest_not_in_flight()
	{
		WriteQueue q(3 * kSmall);
		q.set("k1", "v", 0);
		q.set("k2", "v", 0);
		q.set("k3", "v", 0);
		CPPUNIT_ASSERT_EQUAL(3 * kSmall, q.bytes());
		CPPUNIT_ASSERT(!q.resync_needed());
		const Write* first = q.next(); // k1, in flight: not droppable
		CPPUNIT_ASSERT_EQUAL(std::string("k1"), first->key);
		q.set("k4", "v", 0);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, q.dropped());
		CPPUNIT_ASSERT_EQUAL(size_t{3}, q.size());
		CPPUNIT_ASSERT_EQUAL(3 * kSmall, q.bytes());
		CPPUNIT_ASSERT(take_all(q) == (Strings{"k3=v", "k4=v"})); // k2 went
		// With everything else in flight, a write over the bound can only drop itself.
		q.set("k5", "v", 0);
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, q.dropped()); // everything else is in flight
		CPPUNIT_ASSERT(q.resync_needed());
		CPPUNIT_ASSERT(q.take_resync());
		CPPUNIT_ASSERT(!q.take_resync());
		CPPUNIT_ASSERT(!q.resync_needed());
		// A replaced value that still fits costs nothing.
		WriteQueue r(2 * kSmall);
		r.set("k1", "v", 0);
		r.set("k2", "v", 0);
		r.set("k1", "w", 0);
		r.del("k2");
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, r.dropped());
	}

	void a_write_larger_than_the_bound_drops_itself()
	{
		WriteQueue q(4 * kSmall);
		q.set("k1", "v", 0);
		q.set("k2", "v", 0);
		const Write* w = q.next();
		CPPUNIT_ASSERT_EQUAL(std::string("k1"), w->key);
		q.set("k3", std::string(10 * kSmall, 'x'), 0);
		// k2 goes first (oldest), then the new write itself; k1 is in flight and stays.
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, q.dropped());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, q.size());
		CPPUNIT_ASSERT_EQUAL(kSmall, q.bytes());
		CPPUNIT_ASSERT(q.resync_needed());
		q.complete(w->id);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.bytes());
	}

	void in_flight_writes_go_back_on_disconnect()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		q.set("b", "1", 0);
		q.del("c");
		q.set("d", "1", 0);
		std::vector<uint64_t> ids;
		CPPUNIT_ASSERT_EQUAL(std::string("a"), q.next()->key);
		CPPUNIT_ASSERT_EQUAL(std::string("b"), q.next()->key);
		CPPUNIT_ASSERT_EQUAL(std::string("c"), q.next()->key);
		CPPUNIT_ASSERT_EQUAL(size_t{3}, q.in_flight());
		q.requeue_in_flight();
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.in_flight());
		CPPUNIT_ASSERT_EQUAL(size_t{4}, q.size());
		// They keep their places, ahead of d.
		CPPUNIT_ASSERT(take_all(q, &ids) == (Strings{"a=1", "b=1", "c:del", "d=1"}));
		for (uint64_t id : ids)
			q.complete(id);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.size());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.bytes());
	}

	void newer_value_waits_for_the_one_in_flight()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		const Write* old = q.next();
		uint64_t old_id = old->id;
		q.set("a", "2", 0);
		q.set("b", "1", 0);
		CPPUNIT_ASSERT_EQUAL(size_t{3}, q.size());
		// a=2 must not overtake a=1 (a reconnect could reorder them); b may go.
		CPPUNIT_ASSERT(take_all(q) == (Strings{"b=1"}));
		// The OK for a=1 leaves a=2 queued, and a=2 is ready now.
		q.complete(old_id);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, q.size());
		std::vector<uint64_t> ids;
		CPPUNIT_ASSERT(take_all(q, &ids) == (Strings{"a=2"}));
		// Coalescing goes on behind a write in flight: a=3 then a del leave one write.
		q.set("a", "3", 0);
		q.del("a");
		CPPUNIT_ASSERT(!q.next());
		q.complete(ids[0]);
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a:del"}));
	}

	void stale_write_is_not_requeued_over_a_newer_one()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		q.set("b", "1", 0);
		q.next();
		q.next();
		q.set("a", "2", 0);
		q.requeue_in_flight();
		// a=1 is gone (a=2 supersedes it), b=1 waits again.
		CPPUNIT_ASSERT_EQUAL(size_t{2}, q.size());
		CPPUNIT_ASSERT_EQUAL(2 * (1 + 1 + WriteQueue::kEntryOverhead), q.bytes());
		CPPUNIT_ASSERT(take_all(q) == (Strings{"b=1", "a=2"}));
	}

	void refused_write_waits_again_in_its_place()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		q.set("b", "1", 0);
		const Write* a = q.next();
		uint64_t first_id = a->id;
		q.fail(first_id);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.in_flight());
		std::vector<uint64_t> ids;
		CPPUNIT_ASSERT(take_all(q, &ids) == (Strings{"a=1", "b=1"}));
		CPPUNIT_ASSERT(ids[0] != first_id); // a new id per attempt
		// Refused while a newer value waits: the newer one is what is retried.
		q.set("a", "2", 0);
		q.fail(ids[0]);
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a=2"}));
		CPPUNIT_ASSERT_EQUAL(size_t{2}, q.size()); // a=2 and b=1, both in flight
	}

	void unknown_ids_are_ignored()
	{
		WriteQueue q(kUnbounded);
		q.set("a", "1", 0);
		uint64_t id = q.next()->id;
		q.requeue_in_flight();
		// Replies for the old connection's attempt must not touch the retried write.
		q.complete(id);
		q.fail(id);
		q.complete(12345);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, q.size());
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a=1"}));
	}

	void clear_forgets_waiting_and_in_flight_writes()
	{
		// Room for two writes of this size, not three.
		WriteQueue q(2 * (2 + WriteQueue::kEntryOverhead) + 10);
		q.set("a", "1", 0);
		uint64_t id = q.next()->id;
		q.set("a", "2", 0); // waits behind the one in flight
		q.set("b", "1", 0); // over the bound: a=2 is dropped
		CPPUNIT_ASSERT(q.resync_needed());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, q.size());
		q.clear();
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.size());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.bytes());
		CPPUNIT_ASSERT_EQUAL(size_t{0}, q.in_flight());
		CPPUNIT_ASSERT(!q.resync_needed());
		// The answer to the write that was in flight changes nothing.
		q.fail(id);
		q.complete(id);
		q.requeue_in_flight();
		CPPUNIT_ASSERT(q.next() == nullptr);
		// And the queue works as before.
		q.set("a", "3", 0);
		CPPUNIT_ASSERT(take_all(q) == (Strings{"a=3"}));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(WriteQueueTest);
