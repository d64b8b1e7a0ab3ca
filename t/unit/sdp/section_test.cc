#include "sdp/section.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "examples.h"
#include "sdp/model.h"
#include "sdp/parser.h"
#include "sdp/writer.h"

using namespace rtprelay;
using namespace rtprelay::sdp;
using namespace sdp_examples;

namespace {

Session parsed(std::string_view text)
{
	auto s = parse(text);
	CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().reason, s);
	return std::move(*s);
}

std::string text_of(const Section& s)
{
	std::string out;
	for (const auto& l : s.lines())
		out += std::string(1, l.type) + "=" + l.value + "\n";
	return out;
}

net::IpAddress ip(const char* text)
{
	return *net::IpAddress::parse(text);
}

} // namespace

class SdpSectionTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpSectionTest);
	CPPUNIT_TEST(finds_attributes_by_exact_name);
	CPPUNIT_TEST(adds_after_last_attribute);
	CPPUNIT_TEST(adds_after_header_lines_when_no_attributes);
	CPPUNIT_TEST(set_replaces_in_place_and_dedups);
	CPPUNIT_TEST(removes_attributes);
	CPPUNIT_TEST(mutators_copy_views_and_drop_line_breaks);
	CPPUNIT_TEST(direction_attribute);
	CPPUNIT_TEST(connection_get_set_remove);
	CPPUNIT_TEST(connection_insert_position);
	CPPUNIT_TEST(removes_ice_attributes);
	CPPUNIT_TEST_SUITE_END();

public:
	void finds_attributes_by_exact_name()
	{
		Session s = parsed(crlf(kWebrtc));
		const Media& m = s.media()[0];
		CPPUNIT_ASSERT_EQUAL(size_t(2), *m.find_attr("rtcp"));
		CPPUNIT_ASSERT_EQUAL(std::string("9 IN IP4 0.0.0.0"), str(m.attr("rtcp")));
		CPPUNIT_ASSERT_EQUAL(std::string(""), str(m.attr("rtcp-mux")));
		CPPUNIT_ASSERT(m.has_attr("rtcp-mux"));
		CPPUNIT_ASSERT(!m.has_attr("rtcp-m"));
		CPPUNIT_ASSERT(!m.has_attr("RTCP-MUX"));
		CPPUNIT_ASSERT(!m.has_attr("rtpmap:0"));
		CPPUNIT_ASSERT(!m.has_attr("ice-lite")); // session level only
		CPPUNIT_ASSERT(s.has_attr("ice-lite"));
		auto maps = m.attrs("rtpmap");
		CPPUNIT_ASSERT_EQUAL(size_t(2), maps.size());
		CPPUNIT_ASSERT_EQUAL(std::string("111 opus/48000/2"), std::string(maps[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("0 PCMU/8000"), std::string(maps[1]));
		auto second = m.find_attr("candidate", *m.find_attr("candidate") + 1);
		CPPUNIT_ASSERT_EQUAL(size_t(4), *second);
		CPPUNIT_ASSERT(!m.find_attr("candidate", *second + 1));
		// A value may itself contain colons.
		CPPUNIT_ASSERT_EQUAL(
		        std::string("sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90"),
		        str(m.attr("fingerprint")));
	}

	void adds_after_last_attribute()
	{
		Session s = parsed(crlf(kRfc4317Offer));
		Media& audio = s.media()[0];
		audio.add_attr("ptime", "20");
		audio.add_flag("sendrecv");
		audio.add_attr("rtpmap", "101 telephone-event/8000");
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 49170 RTP/AVP 0 8 97\n"
		                                 "a=rtpmap:0 PCMU/8000\n"
		                                 "a=rtpmap:8 PCMA/8000\n"
		                                 "a=rtpmap:97 iLBC/8000\n"
		                                 "a=ptime:20\n"
		                                 "a=sendrecv\n"
		                                 "a=rtpmap:101 telephone-event/8000\n"),
		                     text_of(audio));
		// Unknown lines after the attributes stay last.
		Session t = parsed(std::string("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n"
		                               "m=audio 1 RTP/AVP 0\na=x\nz=unknown\n"));
		t.media()[0].add_flag("y");
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 1 RTP/AVP 0\na=x\na=y\nz=unknown\n"),
		                     text_of(t.media()[0]));
	}

	void adds_after_header_lines_when_no_attributes()
	{
		Session s = parsed("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nb=AS:64\n"
		                   "t=0 0\nr=7d 1h 0 25h\nm=audio 1 RTP/AVP 0\ni=voice\n"
		                   "c=IN IP4 1.2.3.5\nb=AS:64\nk=prompt\nm=video 2 RTP/AVP 31\n");
		s.add_flag("ice-lite");
		s.media()[0].add_attr("mid", "0");
		s.media()[1].add_attr("mid", "1");
		s.media()[1].add_attr("mid", "2");
		CPPUNIT_ASSERT_EQUAL(
		        std::string("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\n"
		                    "b=AS:64\nt=0 0\nr=7d 1h 0 25h\na=ice-lite\n"),
		        text_of(s));
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 1 RTP/AVP 0\ni=voice\nc=IN IP4 1.2.3.5\n"
		                                 "b=AS:64\nk=prompt\na=mid:0\n"),
		                     text_of(s.media()[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("m=video 2 RTP/AVP 31\na=mid:1\na=mid:2\n"),
		                     text_of(s.media()[1]));
	}

	void set_replaces_in_place_and_dedups()
	{
		Session s = parsed("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nm=audio 1 RTP/AVP 0\n"
		                   "a=ptime:20\na=x\na=ptime:30\na=y\na=ptime\n");
		Media& m = s.media()[0];
		m.set_attr("ptime", "40");
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 1 RTP/AVP 0\na=ptime:40\na=x\na=y\n"),
		                     text_of(m));
		m.set_attr("maxptime", "60");
		m.set_flag("x");
		m.set_flag("rtcp-mux");
		m.set_flag("rtcp-mux");
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 1 RTP/AVP 0\na=ptime:40\na=x\na=y\n"
		                                 "a=maxptime:60\na=rtcp-mux\n"),
		                     text_of(m));
		m.set_attr("x", "");
		CPPUNIT_ASSERT_EQUAL(std::string("x:"), m.lines()[2].value);
		CPPUNIT_ASSERT_EQUAL(std::string(""), str(m.attr("x")));
	}

	void removes_attributes()
	{
		Session s = parsed(crlf(kWebrtc));
		Media& m = s.media()[0];
		size_t before = m.lines().size();
		CPPUNIT_ASSERT_EQUAL(size_t(2), m.remove_attr("rtpmap"));
		CPPUNIT_ASSERT_EQUAL(size_t(0), m.remove_attr("rtpmap"));
		CPPUNIT_ASSERT_EQUAL(size_t(0), m.remove_attr("rtcp-mu"));
		CPPUNIT_ASSERT_EQUAL(size_t(1), m.remove_attr("rtcp-mux"));
		CPPUNIT_ASSERT_EQUAL(before - 3, m.lines().size());
		CPPUNIT_ASSERT(m.has_attr("rtcp"));
	}

	void mutators_copy_views_and_drop_line_breaks()
	{
		Session s = parsed(crlf(kWebrtc));
		Media& m = s.media()[0];
		// Views into the section, passed back while the section grows or shrinks.
		for (int i = 0; i < 20; i++)
			m.add_attr(*m.attr("setup"), *m.attr("fingerprint"));
		CPPUNIT_ASSERT_EQUAL(size_t(20), m.attrs("actpass").size());
		m.set_attr(split_attribute(m.lines()[2].value).name, *m.attr("mid"));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), str(m.attr("rtcp")));
		m.set_attr("label", "1\r\nm=audio 9 RTP/AVP 0\r\n");
		CPPUNIT_ASSERT_EQUAL(std::string("label:1m=audio 9 RTP/AVP 0"),
		                     m.lines().back().value);
		m.add_flag(std::string("a\0b\nc", 5));
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), m.lines().back().value);
		auto again = parse(write(s));
		CPPUNIT_ASSERT(again);
		CPPUNIT_ASSERT_EQUAL(size_t(1), again->media().size());
	}

	void direction_attribute()
	{
		Session s = parsed("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nm=audio 1 RTP/AVP 0\n"
		                   "a=rtpmap:0 PCMU/8000\nm=audio 2 RTP/AVP 0\na=recvonly\n"
		                   "a=x\na=inactive\n");
		CPPUNIT_ASSERT(!s.direction());
		CPPUNIT_ASSERT(!s.media()[0].direction());
		CPPUNIT_ASSERT(Direction::kRecvOnly == *s.media()[1].direction());
		s.media()[0].set_direction(Direction::kSendOnly);
		s.media()[1].set_direction(Direction::kSendRecv);
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 1 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n"
		                                 "a=sendonly\n"),
		                     text_of(s.media()[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 2 RTP/AVP 0\na=sendrecv\na=x\n"),
		                     text_of(s.media()[1]));
		CPPUNIT_ASSERT_EQUAL(size_t(1), s.media()[1].remove_direction());
		CPPUNIT_ASSERT(!s.media()[1].direction());
		for (auto d : {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly,
		               Direction::kInactive})
			CPPUNIT_ASSERT(d == *direction_from_name(direction_name(d)));
		CPPUNIT_ASSERT(!direction_from_name("SendRecv"));
	}

	void connection_get_set_remove()
	{
		Session s = parsed(crlf(kRfc8866));
		CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.1"), s.connection()->address);
		CPPUNIT_ASSERT(!s.media()[0].connection());
		CPPUNIT_ASSERT(s.media()[2].connection()->is_ip6());
		CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.1"),
		                     s.effective_connection(s.media()[0])->address);
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::2"),
		                     s.effective_connection(s.media()[2])->address);

		s.set_connection(ip("2001:db8::9"));
		CPPUNIT_ASSERT(s.lines()[7] == (Line{'c', "IN IP6 2001:db8::9"}));
		s.media()[2].set_connection(ip("203.0.113.1"));
		CPPUNIT_ASSERT(s.media()[2].lines()[1] == (Line{'c', "IN IP4 203.0.113.1"}));
		CPPUNIT_ASSERT(s.media()[2].remove_connection());
		CPPUNIT_ASSERT(!s.media()[2].remove_connection());
		CPPUNIT_ASSERT(!s.media()[2].has_connection());
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::9"),
		                     s.effective_connection(s.media()[2])->address);
		CPPUNIT_ASSERT(s.remove_connection());
		CPPUNIT_ASSERT(!s.effective_connection(s.media()[2]));

		// A parsed connection (even multicast) can be copied across verbatim.
		Session t = parsed(crlf(kRfc8866));
		auto mc = Connection::parse("IN IP4 233.252.0.1/127/3");
		t.media()[0].set_connection(*mc);
		CPPUNIT_ASSERT_EQUAL(std::string("IN IP4 233.252.0.1/127/3"),
		                     t.media()[0].lines()[1].value);
		CPPUNIT_ASSERT(t.media()[0].connection()->is_multicast());
	}

	void connection_insert_position()
	{
		Session s = parsed("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\ni=info\nb=AS:64\nt=0 0\n"
		                   "m=audio 1 RTP/AVP 0\ni=voice\nb=AS:64\na=x\n"
		                   "m=audio 2 RTP/AVP 0\na=y\n");
		s.set_connection(ip("192.0.2.1"));
		s.media()[0].set_connection(ip("192.0.2.2"));
		s.media()[1].set_connection(ip("192.0.2.3"));
		CPPUNIT_ASSERT_EQUAL(std::string("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\ni=info\n"
		                                 "c=IN IP4 192.0.2.1\nb=AS:64\nt=0 0\n"),
		                     text_of(s));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("m=audio 1 RTP/AVP 0\ni=voice\nc=IN IP4 192.0.2.2\n"
		                    "b=AS:64\na=x\n"),
		        text_of(s.media()[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("m=audio 2 RTP/AVP 0\nc=IN IP4 192.0.2.3\na=y\n"),
		                     text_of(s.media()[1]));
		CPPUNIT_ASSERT(parse(write(s)));
	}

	void removes_ice_attributes()
	{
		Session s = parsed(crlf(kWebrtc));
		CPPUNIT_ASSERT_EQUAL(size_t(5), s.media()[0].remove_ice());
		CPPUNIT_ASSERT_EQUAL(size_t(0), s.media()[0].remove_ice());
		CPPUNIT_ASSERT_EQUAL(
		        std::string("v=0\no=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
		                    "s=-\nt=0 0\na=group:BUNDLE 0\na=ice-options:trickle\n"
		                    "a=ice-lite\n"),
		        text_of(s));
		Session t = parsed(crlf(kWebrtc));
		t.media()[0].add_attr("remote-candidates", "1 192.0.2.1 5000");
		t.media()[0].add_flag("ice-mismatch");
		t.media()[0].add_attr("ice-pacing", "50");
		CPPUNIT_ASSERT_EQUAL(size_t(10), t.remove_all_ice());
		CPPUNIT_ASSERT_EQUAL(std::string("v=0\no=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
		                                 "s=-\nt=0 0\na=group:BUNDLE 0\n"),
		                     text_of(t));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("m=audio 54400 UDP/TLS/RTP/SAVPF 111 0\n"
		                    "c=IN IP4 203.0.113.77\na=rtcp:9 IN IP4 0.0.0.0\n"
		                    "a=fingerprint:sha-256 "
		                    "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90\n"
		                    "a=setup:actpass\na=mid:0\na=sendrecv\na=rtcp-mux\n"
		                    "a=rtpmap:111 opus/48000/2\na=rtpmap:0 PCMU/8000\n"),
		        text_of(t.media()[0]));
		for (auto name : kIceAttributes)
			CPPUNIT_ASSERT(is_ice_attribute(name));
		CPPUNIT_ASSERT(!is_ice_attribute("ice"));
		CPPUNIT_ASSERT(!is_ice_attribute("fingerprint"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpSectionTest);
