// SPDX-License-Identifier: GPL-3.0-or-later
// Tests merge_replies: how the nodes' `statistics`/`list` replies become one reply.
#include "ctl-proxy/proxy/merge_replies.h"

#include <cppunit/extensions/HelperMacros.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

using ng::Value;

Value dict(Arena& arena, std::initializer_list<std::pair<const char*, Value>> members)
{
	Value d = Value::dict(arena);
	for (const auto& [k, v] : members)
		d.append(k, v);
	return d;
}

Value list(Arena& arena, std::initializer_list<Value> items)
{
	Value l = Value::list(arena);
	for (const Value& v : items)
		l.push(v);
	return l;
}

Value num(int64_t v)
{
	return Value::integer(v);
}

Value str(const char* s)
{
	return Value::string(s);
}

// The merged value at key, which must be there.
const Value& at(const Value& d, const char* key)
{
	const Value* v = d.find(key);
	if (!v)
		CPPUNIT_FAIL(std::string("no key '") + key + "' in the merged reply");
	return *v;
}

int64_t int_at(const Value& d, const char* key)
{
	const Value& v = at(d, key);
	CPPUNIT_ASSERT_MESSAGE(key, v.is_int());
	return v.as_int();
}

std::vector<std::string> keys(const Value& d)
{
	std::vector<std::string> out;
	for (const ng::Member& m : d.as_dict())
		out.emplace_back(m.key);
	return out;
}

using Strings = std::vector<std::string>;

} // namespace

class MergeRepliesTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MergeRepliesTest);
	CPPUNIT_TEST(integers_are_summed);
	CPPUNIT_TEST(averages_and_spreads_are_averaged);
	CPPUNIT_TEST(minima_and_maxima);
	CPPUNIT_TEST(nested_dicts_merge_in_first_seen_order);
	CPPUNIT_TEST(lists_are_joined);
	CPPUNIT_TEST(first_string_wins_and_mixed_types_keep_the_first);
	CPPUNIT_TEST(one_reply_comes_back_as_is);
	CPPUNIT_TEST(no_replies_give_an_empty_dict);
	CPPUNIT_TEST_SUITE_END();

public:
	void integers_are_summed()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena, {{"sessions", num(3)}, {"packets", num(1000)}}),
		        dict(arena, {{"sessions", num(4)}, {"packets", num(-10)}}),
		        dict(arena, {{"sessions", num(0)}, {"packets", num(5)}}),
		};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT(m.is_dict());
		CPPUNIT_ASSERT_EQUAL(int64_t{7}, int_at(m, "sessions"));
		CPPUNIT_ASSERT_EQUAL(int64_t{995}, int_at(m, "packets"));
		CPPUNIT_ASSERT_EQUAL(size_t{2}, m.as_dict().size());
		// Not a maximum: "maxsessions" is summed like any other count.
		replies = {dict(arena, {{"maxsessions", num(5)}, {"mos", num(4)}}),
		           dict(arena, {{"maxsessions", num(6)}, {"mos", num(3)}})};
		m = merge_replies(replies, arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{11}, int_at(m, "maxsessions"));
		CPPUNIT_ASSERT_EQUAL(int64_t{7}, int_at(m, "mos"));
	}

	void averages_and_spreads_are_averaged()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena, {{"avgduration", num(10)},
		                     {"average_mos", num(30)},
		                     {"jitter_stddev", num(2)},
		                     {"loss_pct", num(1)},
		                     {"cpupercent", num(50)},
		                     {"calls", num(10)}}),
		        dict(arena, {{"avgduration", num(20)},
		                     {"average_mos", num(40)},
		                     {"jitter_stddev", num(4)},
		                     {"loss_pct", num(3)},
		                     {"cpupercent", num(20)},
		                     {"calls", num(20)}}),
		        dict(arena, {{"avgduration", num(30)},
		                     {"average_mos", num(50)},
		                     {"jitter_stddev", num(6)},
		                     {"loss_pct", num(5)},
		                     {"cpupercent", num(80)},
		                     {"calls", num(30)}}),
		};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{20}, int_at(m, "avgduration"));
		CPPUNIT_ASSERT_EQUAL(int64_t{40}, int_at(m, "average_mos"));
		CPPUNIT_ASSERT_EQUAL(int64_t{4}, int_at(m, "jitter_stddev"));
		CPPUNIT_ASSERT_EQUAL(int64_t{3}, int_at(m, "loss_pct"));
		CPPUNIT_ASSERT_EQUAL(int64_t{50}, int_at(m, "cpupercent"));
		CPPUNIT_ASSERT_EQUAL(int64_t{60}, int_at(m, "calls")); // summed, for contrast
		// The mean is over the replies that have the key.
		replies = {dict(arena, {{"avg", num(10)}}), dict(arena, {{"other", num(1)}}),
		           dict(arena, {{"avg", num(30)}})};
		m = merge_replies(replies, arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{20}, int_at(m, "avg"));
	}

	void minima_and_maxima()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena, {{"min", num(5)},
		                     {"minmos", num(30)},
		                     {"max", num(7)},
		                     {"uptime", num(100)}}),
		        dict(arena, {{"min", num(2)},
		                     {"minmos", num(45)},
		                     {"max", num(9)},
		                     {"uptime", num(3600)}}),
		        dict(arena, {{"min", num(8)},
		                     {"minmos", num(-1)},
		                     {"max", num(1)},
		                     {"uptime", num(7)}}),
		};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{2}, int_at(m, "min"));
		CPPUNIT_ASSERT_EQUAL(int64_t{-1}, int_at(m, "minmos"));
		CPPUNIT_ASSERT_EQUAL(int64_t{9}, int_at(m, "max"));
		CPPUNIT_ASSERT_EQUAL(int64_t{3600}, int_at(m, "uptime"));
	}

	void nested_dicts_merge_in_first_seen_order()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena,
		             {{"b", num(1)},
		              {"totals", dict(arena, {{"calls", num(2)}, {"uptime", num(50)}})},
		              {"a", num(1)}}),
		        dict(arena,
		             {{"c", num(1)},
		              {"a", num(2)},
		              {"totals", dict(arena, {{"only2", num(9)},
		                                      {"uptime", num(80)},
		                                      {"calls", num(3)},
		                                      {"inner", dict(arena, {{"x", num(1)}})}})}}),
		        dict(arena, {{"a", num(4)}, {"d", str("x")}}),
		};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT(keys(m) == (Strings{"b", "totals", "a", "c", "d"}));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, int_at(m, "b"));
		CPPUNIT_ASSERT_EQUAL(int64_t{7}, int_at(m, "a"));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, int_at(m, "c"));
		CPPUNIT_ASSERT(at(m, "d") == str("x"));
		const Value& totals = at(m, "totals");
		CPPUNIT_ASSERT(totals.is_dict());
		CPPUNIT_ASSERT(keys(totals) == (Strings{"calls", "uptime", "only2", "inner"}));
		CPPUNIT_ASSERT_EQUAL(int64_t{5}, int_at(totals, "calls"));
		// The rule goes by the nested key.
		CPPUNIT_ASSERT_EQUAL(int64_t{80}, int_at(totals, "uptime"));
		CPPUNIT_ASSERT_EQUAL(int64_t{9}, int_at(totals, "only2"));
		const Value& inner = at(totals, "inner");
		CPPUNIT_ASSERT(inner.is_dict());
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, int_at(inner, "x"));
		// The inputs are not changed.
		CPPUNIT_ASSERT_EQUAL(size_t{3}, replies[0].as_dict().size());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, replies[0].find("totals")->as_dict().size());
	}

	void lists_are_joined()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena, {{"calls", list(arena, {str("c1"), str("c2")})}}),
		        dict(arena, {{"calls", list(arena, {})}}),
		        dict(arena, {{"calls", list(arena, {str("c3"), num(4)})}}),
		};
		Value m = merge_replies(replies, arena);
		const Value& calls = at(m, "calls");
		CPPUNIT_ASSERT(calls.is_list());
		CPPUNIT_ASSERT(calls == list(arena, {str("c1"), str("c2"), str("c3"), num(4)}));
		// Lists of dictionaries are joined too, not merged.
		replies = {dict(arena, {{"l", list(arena, {dict(arena, {{"n", num(1)}})})}}),
		           dict(arena, {{"l", list(arena, {dict(arena, {{"n", num(2)}})})}})};
		m = merge_replies(replies, arena);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, at(m, "l").as_list().size());
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, int_at(at(m, "l").as_list()[0], "n"));
		CPPUNIT_ASSERT_EQUAL(int64_t{2}, int_at(at(m, "l").as_list()[1], "n"));
	}

	void first_string_wins_and_mixed_types_keep_the_first()
	{
		Arena arena;
		std::vector<Value> replies{
		        dict(arena,
		             {{"result", str("ok")}, {"version", str("1.0")}, {"mixed", num(1)}}),
		        dict(arena, {{"result", str("error")},
		                     {"version", str("2.0")},
		                     {"mixed", str("x")}}),
		        dict(arena, {{"result", str("ok")}, {"mixed", num(5)}}),
		};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT(at(m, "result") == str("ok"));
		CPPUNIT_ASSERT(at(m, "version") == str("1.0"));
		CPPUNIT_ASSERT(at(m, "mixed") == num(1));
		// The first node's, even when it is the odd one.
		replies = {dict(arena, {{"mixed", str("first")}}), dict(arena, {{"mixed", num(1)}}),
		           dict(arena, {{"mixed", num(2)}})};
		m = merge_replies(replies, arena);
		CPPUNIT_ASSERT(at(m, "mixed") == str("first"));
	}

	void one_reply_comes_back_as_is()
	{
		Arena arena;
		std::vector<Value> replies{dict(arena, {{"avg", num(3)},
		                                        {"s", str("x")},
		                                        {"l", list(arena, {num(1), num(2)})},
		                                        {"d", dict(arena, {{"k", num(-4)}})}})};
		Value m = merge_replies(replies, arena);
		CPPUNIT_ASSERT(m == replies[0]);
		CPPUNIT_ASSERT(keys(m) == (Strings{"avg", "s", "l", "d"}));
		CPPUNIT_ASSERT_EQUAL(int64_t{3}, int_at(m, "avg"));
	}

	void no_replies_give_an_empty_dict()
	{
		Arena arena;
		Value m = merge_replies({}, arena);
		CPPUNIT_ASSERT(m.is_dict());
		CPPUNIT_ASSERT(m.as_dict().empty());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MergeRepliesTest);
