// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl-proxy/top_view.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include "ng/json.h"

using namespace rtprelay;
using namespace rtprelay::ctl;

class TopViewTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(TopViewTest);
	CPPUNIT_TEST(rate_from_two_samples);
	CPPUNIT_TEST(busiest_first_and_gone_calls_forgotten);
	CPPUNIT_TEST(screen_cut_to_the_terminal);
	CPPUNIT_TEST(sample_reads_path_and_worst_quality);
	CPPUNIT_TEST_SUITE_END();

	static CallSample at(const std::string& id, uint64_t packets, int64_t ms)
	{
		CallSample s;
		s.call_id = id;
		s.packets = packets;
		s.at_ms = ms;
		return s;
	}

public:
	void rate_from_two_samples()
	{
		TopView v;
		v.update({at("a", 100, 1000)});
		CPPUNIT_ASSERT_EQUAL(0.0, v.rows()[0].packets_per_second);
		v.update({at("a", 350, 3000)}); // 250 packets in 2 s
		CPPUNIT_ASSERT_EQUAL(125.0, v.rows()[0].packets_per_second);
		// A counter that went backwards (a re-created call of the same id) is no rate.
		v.update({at("a", 10, 4000)});
		CPPUNIT_ASSERT_EQUAL(0.0, v.rows()[0].packets_per_second);
	}

	void busiest_first_and_gone_calls_forgotten()
	{
		TopView v;
		v.update({at("quiet", 0, 0), at("busy", 0, 0), at("gone", 0, 0)});
		v.update({at("quiet", 10, 1000), at("busy", 500, 1000)});
		CPPUNIT_ASSERT_EQUAL(size_t{2}, v.rows().size());
		CPPUNIT_ASSERT_EQUAL(std::string("busy"), v.rows()[0].sample.call_id);
		CPPUNIT_ASSERT_EQUAL(500.0, v.rows()[0].packets_per_second);
		CPPUNIT_ASSERT_EQUAL(std::string("quiet"), v.rows()[1].sample.call_id);
		// "gone" comes back as new: no rate from its sample before it vanished.
		v.update({at("gone", 900, 2000)});
		CPPUNIT_ASSERT_EQUAL(0.0, v.rows()[0].packets_per_second);
	}

	void screen_cut_to_the_terminal()
	{
		TopView v;
		std::vector<CallSample> calls;
		for (int i = 0; i < 10; i++)
			calls.push_back(at("call-" + std::to_string(i), 0, 0));
		v.update(calls);
		std::string screen = v.render(25, 7, "title", "status");
		std::istringstream lines(screen);
		std::string line;
		int n = 0;
		while (std::getline(lines, line)) {
			CPPUNIT_ASSERT(line.size() <= 25);
			n++;
		}
		// Title, status, blank, header and the three calls that fit.
		CPPUNIT_ASSERT_EQUAL(7, n);
		CPPUNIT_ASSERT(screen.find("call-2") != std::string::npos);
		CPPUNIT_ASSERT(screen.find("call-3") == std::string::npos);
	}

	void sample_reads_path_and_worst_quality()
	{
		Arena arena;
		auto reply = ng::json_decode(R"({"result":"ok",
			"totals":{"RTP":{"packets":40},"RTCP":{"packets":2}},
			"tags":{"A":{"medias":[{"streams":[
				{"flags":["RTP","kernelized"],"stats":{"packets":30}},
				{"flags":["RTCP"],"stats":{"packets":0}}]}]},
			        "B":{"medias":[{"streams":[
				{"flags":["RTP"],"stats":{"packets":12}}]}]}},
			"SSRC":{"1":{"average MOS":{"MOS":43,"jitter":2,"packet loss":0}},
			        "2":{"average MOS":{"MOS":31,"jitter":9,"packet loss":7}}}})",
		                             arena);
		CPPUNIT_ASSERT(reply);
		CallSample s = sample_call("c", *reply, 5);
		CPPUNIT_ASSERT_EQUAL(uint64_t{42}, s.packets);
		CPPUNIT_ASSERT_EQUAL(std::string("mixed"), s.path);
		CPPUNIT_ASSERT_EQUAL(3.1, *s.mos);
		CPPUNIT_ASSERT_EQUAL(int64_t{7}, *s.loss_percent);
		CPPUNIT_ASSERT_EQUAL(int64_t{9}, *s.jitter_ms);

		auto bare = ng::json_decode(R"({"result":"ok"})", arena);
		CallSample empty = sample_call("d", *bare, 5);
		CPPUNIT_ASSERT_EQUAL(std::string("-"), empty.path);
		CPPUNIT_ASSERT(!empty.mos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TopViewTest);
