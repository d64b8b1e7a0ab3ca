#include "sdp/model.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "examples.h"
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

net::IpAddress ip(const char* text)
{
	return *net::IpAddress::parse(text);
}

constexpr std::string_view kHead = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n";

} // namespace

class SdpModelTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpModelTest);
	CPPUNIT_TEST(origin_get_set);
	CPPUNIT_TEST(media_line_fields);
	CPPUNIT_TEST(media_line_mutators);
	CPPUNIT_TEST(protocol_classification);
	CPPUNIT_TEST(rejected_streams);
	CPPUNIT_TEST(rtcp_attribute);
	CPPUNIT_TEST(rtcp_mux_and_mid);
	CPPUNIT_TEST(effective_direction_defaults_and_levels);
	CPPUNIT_TEST(hold_detection);
	CPPUNIT_TEST_SUITE_END();

public:
	void origin_get_set()
	{
		Session s = parsed(crlf(kRfc4317Offer));
		auto o = s.origin();
		CPPUNIT_ASSERT(o);
		CPPUNIT_ASSERT_EQUAL(std::string("alice"), o->username);
		CPPUNIT_ASSERT_EQUAL(std::string("2890844526"), o->session_id);
		CPPUNIT_ASSERT_EQUAL(std::string("2890844526"), o->session_version);
		CPPUNIT_ASSERT_EQUAL(std::string("IN"), o->nettype);
		CPPUNIT_ASSERT_EQUAL(std::string("IP4"), o->addrtype);
		CPPUNIT_ASSERT_EQUAL(std::string("host.atlanta.example.com"), o->address);

		o->session_version = "2890844527";
		o->set_address(ip("2001:db8::5"));
		s.set_origin(*o);
		CPPUNIT_ASSERT(s.lines()[1] ==
		               (Line{'o', "alice 2890844526 2890844527 IN IP6 2001:db8::5"}));
		CPPUNIT_ASSERT(*s.origin() == *o);

		// Fields are kept one token each, so the line always parses again.
		o->username = "";
		o->session_id = "1 2";
		s.set_origin(*o);
		CPPUNIT_ASSERT_EQUAL(std::string("- 12 2890844527 IN IP6 2001:db8::5"),
		                     s.lines()[1].value);
		CPPUNIT_ASSERT(parse(write(s)));

		// Without an o= line (raw edits only) it goes right after v=.
		s.lines().erase(s.lines().begin() + 1);
		CPPUNIT_ASSERT(!s.origin());
		s.set_origin(*o);
		CPPUNIT_ASSERT_EQUAL('o', s.lines()[1].type);
	}

	void media_line_fields()
	{
		Session s = parsed(std::string(kHead) + "m=video 49170/2 RTP/AVPF 96 97\n"
		                                        "m=image 5000 udptl t38\n");
		const Media& v = s.media()[0];
		CPPUNIT_ASSERT_EQUAL(std::string("video"), v.type());
		CPPUNIT_ASSERT_EQUAL(uint16_t(49170), v.port());
		CPPUNIT_ASSERT_EQUAL(uint32_t(2), v.port_count());
		CPPUNIT_ASSERT_EQUAL(std::string("RTP/AVPF"), v.protocol());
		CPPUNIT_ASSERT(Protocol::kRtpAvpf == v.protocol_kind());
		CPPUNIT_ASSERT(v.formats() == (std::vector<std::string>{"96", "97"}));
		const Media& i = s.media()[1];
		CPPUNIT_ASSERT_EQUAL(uint32_t(1), i.port_count());
		CPPUNIT_ASSERT(Protocol::kOther == i.protocol_kind());
		CPPUNIT_ASSERT_EQUAL(std::string("udptl"), i.protocol());
	}

	void media_line_mutators()
	{
		Session s = parsed(std::string(kHead) + "m=video 49170/2 RTP/AVP 96 97\n");
		Media& m = s.media()[0];
		m.set_port(30000);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000/2 RTP/AVP 96 97"),
		                     m.lines()[0].value);
		m.set_port_count(1);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000 RTP/AVP 96 97"), m.lines()[0].value);
		m.set_port_count(3);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000/3 RTP/AVP 96 97"),
		                     m.lines()[0].value);
		m.set_port_count(1000);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000/16 RTP/AVP 96 97"),
		                     m.lines()[0].value);
		m.set_port_count(0);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000 RTP/AVP 96 97"), m.lines()[0].value);
		m.set_protocol(Protocol::kUdpTlsRtpSavpf);
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000 UDP/TLS/RTP/SAVPF 96 97"),
		                     m.lines()[0].value);
		m.set_protocol("TCP/TLS/RTP/SAVPF");
		CPPUNIT_ASSERT(Protocol::kOther == m.protocol_kind());
		m.set_formats({"97", "", "9 8"});
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000 TCP/TLS/RTP/SAVPF 97 - 98"),
		                     m.lines()[0].value);
		m.set_formats({});
		CPPUNIT_ASSERT_EQUAL(std::string("video 30000 TCP/TLS/RTP/SAVPF"),
		                     m.lines()[0].value);

		MediaLine ml = m.media_line();
		ml.type = "audio";
		m.set_media_line(ml);
		CPPUNIT_ASSERT_EQUAL(std::string("audio"), m.type());
		CPPUNIT_ASSERT(parse(write(s)));

		Media fresh("audio 9 RTP/AVP 0");
		CPPUNIT_ASSERT_EQUAL(size_t(1), fresh.lines().size());
		CPPUNIT_ASSERT_EQUAL(uint16_t(9), fresh.port());
		Media built(MediaLine{"video", 40000, 1, "RTP/AVPF", {"96"}});
		CPPUNIT_ASSERT(built.lines()[0] == (Line{'m', "video 40000 RTP/AVPF 96"}));
		s.media().push_back(built);
		CPPUNIT_ASSERT_EQUAL(size_t(2), parse(write(s))->media().size());
	}

	void protocol_classification()
	{
		struct Case {
			const char* name;
			Protocol p;
			bool srtp, dtls, avpf;
		};
		for (const auto& c :
		     {Case{"RTP/AVP", Protocol::kRtpAvp, false, false, false},
		      Case{"RTP/AVPF", Protocol::kRtpAvpf, false, false, true},
		      Case{"RTP/SAVP", Protocol::kRtpSavp, true, false, false},
		      Case{"RTP/SAVPF", Protocol::kRtpSavpf, true, false, true},
		      Case{"UDP/TLS/RTP/SAVP", Protocol::kUdpTlsRtpSavp, true, true, false},
		      Case{"UDP/TLS/RTP/SAVPF", Protocol::kUdpTlsRtpSavpf, true, true, true}}) {
			CPPUNIT_ASSERT_MESSAGE(c.name, c.p == protocol_from_name(c.name));
			CPPUNIT_ASSERT_EQUAL(std::string(c.name), std::string(protocol_name(c.p)));
			CPPUNIT_ASSERT(is_rtp(c.p));
			CPPUNIT_ASSERT_EQUAL(c.srtp, is_srtp(c.p));
			CPPUNIT_ASSERT_EQUAL(c.dtls, is_dtls(c.p));
			CPPUNIT_ASSERT_EQUAL(c.avpf, is_avpf(c.p));
		}
		for (const char* other : {"rtp/avp", "udptl", "TCP/MRCPv2", "UDP/BFCP", ""})
			CPPUNIT_ASSERT(Protocol::kOther == protocol_from_name(other));
		CPPUNIT_ASSERT(!is_rtp(Protocol::kOther));
		CPPUNIT_ASSERT_EQUAL(std::string(""), std::string(protocol_name(Protocol::kOther)));
	}

	void rejected_streams()
	{
		Session s = parsed(crlf(kRfc3264Answer));
		CPPUNIT_ASSERT(!s.media()[0].is_rejected());
		CPPUNIT_ASSERT(s.media()[1].is_rejected());
		CPPUNIT_ASSERT(!s.media()[2].is_rejected());
		s.media()[2].set_port(0);
		CPPUNIT_ASSERT(s.media()[2].is_rejected());
		CPPUNIT_ASSERT_EQUAL(std::string("video 0 RTP/AVP 32"),
		                     s.media()[2].lines()[0].value);
	}

	void rtcp_attribute()
	{
		Session s = parsed(std::string(kHead) + "m=audio 5000 RTP/AVP 0\na=rtcp:5001\n"
		                                        "m=audio 5002 RTP/AVP 0\n"
		                                        "a=rtcp:53020 IN IP4 126.16.64.4\n"
		                                        "m=audio 5004 RTP/AVP 0\n"
		                                        "a=rtcp:53020 IN IP6 2001:2345:6789::15\n");
		auto plain = s.media()[0].rtcp();
		CPPUNIT_ASSERT(plain);
		CPPUNIT_ASSERT_EQUAL(uint16_t(5001), plain->port);
		CPPUNIT_ASSERT(!plain->connection);
		auto v4 = s.media()[1].rtcp();
		CPPUNIT_ASSERT_EQUAL(uint16_t(53020), v4->port);
		CPPUNIT_ASSERT_EQUAL(std::string("126.16.64.4"), v4->connection->address);
		CPPUNIT_ASSERT_EQUAL(std::string("IP4"), v4->connection->addrtype);
		CPPUNIT_ASSERT_EQUAL(std::string("2001:2345:6789::15"),
		                     s.media()[2].rtcp()->connection->address);
		CPPUNIT_ASSERT(s.media()[2].rtcp()->connection->is_ip6());

		for (const char* bad :
		     {"", "0", "65536", "x", "5000 IN IP4", "5000 IN IP4 1.2.3",
		      "5000 IN IP6 1.2.3.4", "5000 IN", "5000 1.2.3.4", " 5000"}) {
			auto r = RtcpAttr::parse(bad);
			CPPUNIT_ASSERT_MESSAGE(bad, !r || std::string(bad) == " 5000");
		}
		CPPUNIT_ASSERT(RtcpAttr::parse(" 5000")); // fields split on runs of spaces

		Media& m = s.media()[0];
		m.set_rtcp(RtcpAttr{40001, Connection::from_ip(ip("203.0.113.4"))});
		CPPUNIT_ASSERT_EQUAL(std::string("rtcp:40001 IN IP4 203.0.113.4"),
		                     m.lines()[1].value);
		m.set_rtcp(RtcpAttr{40003, std::nullopt});
		CPPUNIT_ASSERT_EQUAL(std::string("rtcp:40003"), m.lines()[1].value);
		CPPUNIT_ASSERT(m.remove_rtcp());
		CPPUNIT_ASSERT(!m.remove_rtcp());
		CPPUNIT_ASSERT(!m.rtcp());
		m.lines().push_back(Line{'a', "rtcp:junk"});
		CPPUNIT_ASSERT(!m.rtcp()); // malformed: ignored, as rtpengine does
	}

	void rtcp_mux_and_mid()
	{
		Session s = parsed(crlf(kWebrtc));
		Media& m = s.media()[0];
		CPPUNIT_ASSERT(m.rtcp_mux());
		m.set_rtcp_mux(true);
		CPPUNIT_ASSERT_EQUAL(size_t(1), m.attrs("rtcp-mux").size());
		m.set_rtcp_mux(false);
		CPPUNIT_ASSERT(!m.rtcp_mux());
		m.set_rtcp_mux(true);
		CPPUNIT_ASSERT_EQUAL(std::string("rtcp-mux"), m.lines().back().value);

		CPPUNIT_ASSERT_EQUAL(std::string("0"), str(m.mid()));
		size_t at = *m.find_attr("mid");
		m.set_mid("audio-1");
		CPPUNIT_ASSERT_EQUAL(std::string("mid:audio-1"), m.lines()[at].value);
		Session t = parsed(crlf(kRfc4317Offer));
		CPPUNIT_ASSERT(!t.media()[0].mid());
		t.media()[0].set_mid("a");
		CPPUNIT_ASSERT_EQUAL(std::string("mid:a"), t.media()[0].lines().back().value);
	}

	void effective_direction_defaults_and_levels()
	{
		Session s = parsed(crlf(kRfc4317Offer));
		CPPUNIT_ASSERT(Direction::kSendRecv == s.effective_direction(s.media()[0]));
		s.set_direction(Direction::kRecvOnly);
		CPPUNIT_ASSERT(Direction::kRecvOnly == s.effective_direction(s.media()[0]));
		s.media()[1].set_direction(Direction::kInactive);
		CPPUNIT_ASSERT(Direction::kInactive == s.effective_direction(s.media()[1]));
		CPPUNIT_ASSERT(Direction::kRecvOnly == s.effective_direction(s.media()[0]));
		CPPUNIT_ASSERT(sends(Direction::kSendOnly) && !receives(Direction::kSendOnly));
		CPPUNIT_ASSERT(!sends(Direction::kRecvOnly) && receives(Direction::kRecvOnly));
	}

	void hold_detection()
	{
		Session held = parsed(crlf(kRfc4317Hold));
		CPPUNIT_ASSERT(Direction::kSendOnly == held.effective_direction(held.media()[0]));
		CPPUNIT_ASSERT(held.is_on_hold(held.media()[0]));
		Session active = parsed(crlf(kRfc4317Offer));
		CPPUNIT_ASSERT(!active.is_on_hold(active.media()[0]));

		// RFC 2543 hold: c=0.0.0.0 takes away the receiving half.
		Session old =
		        parsed(std::string(kHead) + "c=IN IP4 0.0.0.0\nm=audio 1 RTP/AVP 0\n"
		                                    "m=audio 2 RTP/AVP 0\na=recvonly\n"
		                                    "m=audio 3 RTP/AVP 0\nc=IN IP4 192.0.2.9\n"
		                                    "m=audio 4 RTP/AVP 0\na=inactive\n");
		CPPUNIT_ASSERT(old.connection()->is_hold());
		CPPUNIT_ASSERT(Direction::kSendOnly == old.effective_direction(old.media()[0]));
		CPPUNIT_ASSERT(Direction::kInactive == old.effective_direction(old.media()[1]));
		CPPUNIT_ASSERT(Direction::kSendRecv == old.effective_direction(old.media()[2]));
		CPPUNIT_ASSERT(Direction::kInactive == old.effective_direction(old.media()[3]));
		CPPUNIT_ASSERT(old.is_on_hold(old.media()[0]));
		CPPUNIT_ASSERT(!old.is_on_hold(old.media()[2]));

		Session v6 = parsed(std::string(kHead) + "m=audio 1 RTP/AVP 0\nc=IN IP6 ::\n");
		CPPUNIT_ASSERT(v6.is_on_hold(v6.media()[0]));
		// Resuming: a real address and sendrecv again.
		v6.media()[0].set_connection(ip("2001:db8::1"));
		CPPUNIT_ASSERT(!v6.is_on_hold(v6.media()[0]));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpModelTest);
