#include "sdp/writer.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "examples.h"
#include "sdp/parser.h"

using namespace rtprelay;
using namespace rtprelay::sdp;
using namespace sdp_examples;

namespace {

namespace fs = std::filesystem;

// The fuzz corpus doubles as the round-trip corpus; tests run from the repository root
// (t/run-tests.sh, make unit), or from anywhere for a build made there.
fs::path corpus_dir()
{
	fs::path rel = "t/fuzz/corpus/sdp_roundtrip";
	if (fs::is_directory(rel))
		return rel;
	return fs::path(__FILE__).parent_path() / "../../fuzz/corpus/sdp_roundtrip";
}

std::string read_file(const fs::path& p)
{
	std::ifstream in(p, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

// LF -> CRLF for lines that do not already end in CRLF.
std::string to_crlf(std::string_view in)
{
	std::string out;
	for (size_t i = 0; i < in.size(); i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out += '\r';
		out += in[i];
	}
	return out;
}

} // namespace

class SdpWriterTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpWriterTest);
	CPPUNIT_TEST(crlf_round_trip_is_byte_identical);
	CPPUNIT_TEST(lf_input_comes_back_with_crlf);
	CPPUNIT_TEST(adds_final_line_break);
	CPPUNIT_TEST(corpus_round_trips);
	CPPUNIT_TEST(output_is_deterministic);
	CPPUNIT_TEST(writes_rewritten_offer);
	CPPUNIT_TEST_SUITE_END();

public:
	void crlf_round_trip_is_byte_identical()
	{
		for (auto text : {kRfc4317Offer, kRfc4317Answer, kRfc4317Hold, kRfc3264Answer,
		                  kRfc8866, kWebrtc}) {
			std::string in = crlf(text);
			auto s = parse(in);
			CPPUNIT_ASSERT(s);
			CPPUNIT_ASSERT_EQUAL(in, write(*s));
		}
		// Odd but accepted spacing and unknown lines survive untouched.
		std::string odd = "v=0\r\no=-  1 1 IN IP4 1.2.3.4 \r\ns=\r\nX=upper\r\nt=0 0\r\n"
		                  "m=audio  5000   RTP/AVP 0 \r\nc=IN  IP4 1.2.3.4\r\na=\r\na=:\r\n"
		                  "a=rtcp:junk\r\nq=?\t\x7f\xff\r\n";
		auto s = parse(odd);
		CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().reason, s);
		CPPUNIT_ASSERT_EQUAL(odd, write(*s));
	}

	void lf_input_comes_back_with_crlf()
	{
		for (auto text : {kRfc4317Offer, kRfc8866, kWebrtc}) {
			auto s = parse(text);
			CPPUNIT_ASSERT(s);
			CPPUNIT_ASSERT_EQUAL(crlf(text), write(*s));
		}
	}

	void adds_final_line_break()
	{
		auto s = parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-");
		CPPUNIT_ASSERT_EQUAL(std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"),
		                     write(*s));
	}

	void corpus_round_trips()
	{
		size_t files = 0;
		std::vector<fs::path> paths;
		for (const auto& e : fs::directory_iterator(corpus_dir()))
			paths.push_back(e.path());
		std::sort(paths.begin(), paths.end());
		for (const auto& p : paths) {
			std::string in = read_file(p);
			auto s = parse(in);
			CPPUNIT_ASSERT_MESSAGE(p.string() + ": " + (s ? "" : s.error().reason), s);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(p.string(), to_crlf(in), write(*s));
			files++;
		}
		CPPUNIT_ASSERT_MESSAGE("corpus not found or too small", files >= 12);
	}

	void output_is_deterministic()
	{
		auto a = parse(crlf(kWebrtc));
		auto b = parse(kWebrtc);
		a->remove_all_ice();
		b->remove_all_ice();
		a->media()[0].set_rtcp_mux(false);
		b->media()[0].set_rtcp_mux(false);
		CPPUNIT_ASSERT_EQUAL(write(*a), write(*b));
		CPPUNIT_ASSERT_EQUAL(write(*a), write(*a));
	}

	void writes_rewritten_offer()
	{
		// What offer handling does to a WebRTC offer going to a plain-RTP PBX.
		auto s = parse(crlf(kWebrtc));
		auto relay = *net::IpAddress::parse("198.51.100.5");
		auto o = *s->origin();
		o.set_address(relay);
		s->set_origin(o);
		s->remove_all_ice();
		Media& m = s->media()[0];
		m.set_connection(relay);
		m.set_port(30000);
		m.set_protocol(Protocol::kRtpAvp);
		m.remove_attr("fingerprint");
		m.remove_attr("setup");
		m.set_rtcp(RtcpAttr{30001, std::nullopt});
		m.set_rtcp_mux(false);
		m.set_direction(Direction::kSendRecv);
		CPPUNIT_ASSERT_EQUAL(crlf("v=0\n"
		                          "o=- 4611731400430051336 2 IN IP4 198.51.100.5\n"
		                          "s=-\n"
		                          "t=0 0\n"
		                          "a=group:BUNDLE 0\n"
		                          "m=audio 30000 RTP/AVP 111 0\n"
		                          "c=IN IP4 198.51.100.5\n"
		                          "a=rtcp:30001\n"
		                          "a=mid:0\n"
		                          "a=sendrecv\n"
		                          "a=rtpmap:111 opus/48000/2\n"
		                          "a=rtpmap:0 PCMU/8000\n"),
		                     write(*s));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpWriterTest);
