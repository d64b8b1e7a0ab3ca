#include "ng/call_stats.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"

using namespace rtprelay;
using namespace rtprelay::ng;
using rtprelay::test::ep;

class CallStatsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CallStatsTest);
	CPPUNIT_TEST(stat_integer_rounds_to_nearest);
	CPPUNIT_TEST(ssrc_mos_and_loss_are_rounded);
	CPPUNIT_TEST_SUITE_END();

	// One party with one RTP stream that saw one SSRC.
	static call::CallSnapshot one_ssrc(uint64_t lost, uint64_t expected)
	{
		call::StreamSnapshot stream;
		stream.local = ep("192.0.2.1:30000");
		stream.ssrcs.push_back({1234, expected - lost, lost, expected, 0});
		call::MediaSnapshot media;
		media.type = "audio";
		media.protocol = "RTP/AVP";
		media.streams.push_back(stream);
		call::MonologueSnapshot party;
		party.tag = "from-tag";
		party.medias.push_back(media);
		call::CallSnapshot snap;
		snap.call_id = "call-1";
		snap.monologues.push_back(party);
		return snap;
	}

	static int64_t ssrc_stat(const Value& reply, std::string_view key)
	{
		const Value* ssrc = reply.find("SSRC");
		CPPUNIT_ASSERT(ssrc);
		const Value* entry = ssrc->find("1234");
		CPPUNIT_ASSERT(entry);
		const Value* mos = entry->find("average MOS");
		CPPUNIT_ASSERT(mos);
		const Value* v = mos->find(key);
		CPPUNIT_ASSERT(v && v->is_int());
		return v->as_int();
	}

public:
	void stat_integer_rounds_to_nearest()
	{
		// The largest double below 0.5: adding 0.5 and truncating gave 1.
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, stat_integer(0.49999999999999994));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, stat_integer(0.5));
		CPPUNIT_ASSERT_EQUAL(int64_t{35}, stat_integer(34.994));
		CPPUNIT_ASSERT_EQUAL(int64_t{44}, stat_integer(44.04));
		CPPUNIT_ASSERT_EQUAL(int64_t{-1}, stat_integer(-0.7));
	}

	void ssrc_mos_and_loss_are_rounded()
	{
		Arena arena;
		// No loss, no jitter: MOS 4.404.
		Value reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(0, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{44}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, ssrc_stat(reply, "packet loss"));
		// 1 of 200 lost: 0.5 % rounds up; MOS 4.378.
		reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(1, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{44}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, ssrc_stat(reply, "packet loss"));
		// 10 % lost: MOS 3.4994 rounds up to 35.
		reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(20, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{35}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{10}, ssrc_stat(reply, "packet loss"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallStatsTest);
