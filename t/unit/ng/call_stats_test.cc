#include "ng/call_stats.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"
#include "ng/message.h"
#include "ng/server.h"

using namespace rtprelay;
using namespace rtprelay::ng;
using rtprelay::test::ep;

class CallStatsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CallStatsTest);
	CPPUNIT_TEST(ssrc_mos_and_loss_are_cut_as_rtpengine_does);
	CPPUNIT_TEST(small_call_is_listed_whole);
	CPPUNIT_TEST(big_call_is_listed_in_part);
	CPPUNIT_TEST(worst_listing_fits_one_datagram);
	CPPUNIT_TEST_SUITE_END();

	// Two parties with `medias` m= lines each, RTP and RTCP, `ssrcs` SSRCs on each RTP
	// stream; IPv6 everywhere and long names, as the largest reply of that shape.
	static call::CallSnapshot big_call(int medias, int ssrcs)
	{
		call::CallSnapshot snap;
		snap.call_id = "big";
		uint32_t next_ssrc = 4000000000U;
		for (const char* tag : {"from-tag-0123456789abcdef", "to-tag-0123456789abcdef"}) {
			call::MonologueSnapshot party;
			party.tag = tag;
			party.peer_tag = "the-other-tag-0123456789abcdef";
			party.label = "a-label-of-some-length";
			for (int m = 0; m < medias; m++) {
				call::MediaSnapshot media;
				media.index = m + 1;
				media.type = "application";
				media.protocol = "UDP/TLS/RTP/SAVPF";
				for (bool rtcp : {false, true}) {
					call::StreamSnapshot s;
					s.rtcp = rtcp;
					s.local = ep(
					        "[2001:db8:1234:5678:9abc:def0:1234:5678]:65534");
					s.endpoint = ep(
					        "[2001:db8:8765:4321:fedc:ba98:7654:3210]:65535");
					s.advertised = s.endpoint;
					s.packets = s.bytes = s.forwarded = 4000000000000ULL;
					s.last_packet_ms = 1796000000000;
					for (int i = 0; i < ssrcs && !rtcp; i++)
						s.ssrcs.push_back({next_ssrc++, 1000000000, 100000,
						                   1000100000, 9999});
					media.streams.push_back(s);
				}
				party.medias.push_back(media);
			}
			snap.monologues.push_back(party);
		}
		return snap;
	}

	static size_t listed_medias(const Value& reply, std::string_view tag)
	{
		return reply.find("tags")->find(tag)->find("medias")->as_list().size();
	}

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
	// Without samples yet, one reading of the totals, in rtpengine's integers: whole percent
	// of loss cut down, MOS x10 cut down.
	void ssrc_mos_and_loss_are_cut_as_rtpengine_does()
	{
		Arena arena;
		// No loss, no jitter: MOS 4.404.
		Value reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(0, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{44}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, ssrc_stat(reply, "packet loss"));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, ssrc_stat(reply, "samples"));
		// 3 of 200 lost: 1.5 % is 1 %; MOS 4.353.
		reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(3, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{43}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, ssrc_stat(reply, "packet loss"));
		// 10 % lost: MOS 3.4994 is 34.
		reply = Value::dict(arena);
		add_call_stats(reply, one_ssrc(20, 200), arena);
		CPPUNIT_ASSERT_EQUAL(int64_t{34}, ssrc_stat(reply, "MOS"));
		CPPUNIT_ASSERT_EQUAL(int64_t{10}, ssrc_stat(reply, "packet loss"));
	}

	void small_call_is_listed_whole()
	{
		Arena arena;
		Value reply = Value::dict(arena);
		add_call_stats(reply, big_call(4, 4), arena);
		CPPUNIT_ASSERT_EQUAL(size_t(4), listed_medias(reply, "from-tag-0123456789abcdef"));
		CPPUNIT_ASSERT_EQUAL(size_t(4), listed_medias(reply, "to-tag-0123456789abcdef"));
		CPPUNIT_ASSERT_EQUAL(size_t(32), reply.find("SSRC")->as_dict().size());
		CPPUNIT_ASSERT(!reply.find("truncated"));
	}

	void big_call_is_listed_in_part()
	{
		Arena arena;
		Value reply = Value::dict(arena);
		add_call_stats(reply, big_call(40, 4), arena);
		// Both parties keep their first 12 m= lines: 48 streams.
		CPPUNIT_ASSERT_EQUAL(size_t(12), listed_medias(reply, "from-tag-0123456789abcdef"));
		CPPUNIT_ASSERT_EQUAL(size_t(12), listed_medias(reply, "to-tag-0123456789abcdef"));
		// The SSRC each listed RTP stream names comes first.
		const Value* ssrcs = reply.find("SSRC");
		CPPUNIT_ASSERT_EQUAL(kMaxListedSsrcs, ssrcs->as_dict().size());
		for (std::string_view tag :
		     {"from-tag-0123456789abcdef", "to-tag-0123456789abcdef"})
			for (const Value& media :
			     reply.find("tags")->find(tag)->find("medias")->as_list()) {
				const Value* named =
				        media.find("streams")->as_list()[0].find("SSRC");
				CPPUNIT_ASSERT(named);
				CPPUNIT_ASSERT(ssrcs->find(std::to_string(named->as_int())));
			}
		const Value* truncated = reply.find("truncated");
		CPPUNIT_ASSERT(truncated);
		CPPUNIT_ASSERT_EQUAL(int64_t{56}, truncated->find("medias")->as_int());
		CPPUNIT_ASSERT_EQUAL(int64_t{2 * 40 * 4 - 32}, truncated->find("SSRC")->as_int());
		// The totals still count every stream.
		CPPUNIT_ASSERT_EQUAL(int64_t{80} * 4000000000000,
		                     reply.find("totals")->find("RTP")->find("packets")->as_int());
	}

	void worst_listing_fits_one_datagram()
	{
		Arena arena;
		Value reply = Value::dict(arena);
		reply.set("result", Value::string("ok"));
		add_call_stats(reply, big_call(64, 4), arena);
		std::string cookie(kMaxCookieLength, 'c');
		for (auto encoding : {Encoding::kBencode, Encoding::kJson}) {
			size_t size = encode_reply(cookie, reply, encoding).size();
			CPPUNIT_ASSERT_MESSAGE(std::to_string(size), size <= Server::kMaxReplySize);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallStatsTest);
