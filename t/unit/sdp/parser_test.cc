#include "sdp/parser.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "examples.h"

using namespace rtprelay;
using namespace rtprelay::sdp;
using namespace sdp_examples;

namespace {

constexpr std::string_view kHead = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

} // namespace

class SdpParserTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpParserTest);
	CPPUNIT_TEST(parses_rfc4317_offer);
	CPPUNIT_TEST(parses_every_session_line_type);
	CPPUNIT_TEST(accepts_lf_and_mixed_line_ends);
	CPPUNIT_TEST(tolerates_missing_final_line_break);
	CPPUNIT_TEST(keeps_unknown_lines_in_their_section);
	CPPUNIT_TEST(accepts_host_names_and_multicast);
	CPPUNIT_TEST(accepts_port_count_and_missing_formats);
	CPPUNIT_TEST(rejects_empty_and_bad_version);
	CPPUNIT_TEST(rejects_missing_origin_or_name);
	CPPUNIT_TEST(rejects_malformed_lines_with_line_number);
	CPPUNIT_TEST(rejects_bad_media_lines);
	CPPUNIT_TEST(rejects_bad_connection_lines);
	CPPUNIT_TEST(rejects_misplaced_and_duplicate_lines);
	CPPUNIT_TEST(errors_never_quote_key_material);
	CPPUNIT_TEST(crypto_lines_are_checked);
	CPPUNIT_TEST(enforces_limits);
	CPPUNIT_TEST_SUITE_END();

	static std::string error_of(std::string_view text)
	{
		auto s = parse(text);
		CPPUNIT_ASSERT_MESSAGE("should fail: " + std::string(text), !s);
		return s.error().reason;
	}

	// kHead plus `tail`, the error expected at line 4 + n of the tail.
	static std::string error_with_head(std::string_view tail)
	{
		return error_of(std::string(kHead) + std::string(tail));
	}

public:
	void parses_rfc4317_offer()
	{
		auto s = parse(crlf(kRfc4317Offer));
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(size_t(5), s->lines().size());
		CPPUNIT_ASSERT_EQUAL('v', s->lines()[0].type);
		CPPUNIT_ASSERT_EQUAL(std::string("0"), s->lines()[0].value);
		CPPUNIT_ASSERT_EQUAL(size_t(2), s->media().size());
		const Media& audio = s->media()[0];
		CPPUNIT_ASSERT_EQUAL(size_t(4), audio.lines().size());
		CPPUNIT_ASSERT_EQUAL('m', audio.lines()[0].type);
		CPPUNIT_ASSERT_EQUAL(std::string("audio 49170 RTP/AVP 0 8 97"),
		                     audio.lines()[0].value);
		CPPUNIT_ASSERT_EQUAL(std::string("rtpmap:97 iLBC/8000"), audio.lines()[3].value);
		CPPUNIT_ASSERT_EQUAL(std::string("video"), s->media()[1].type());
	}

	void parses_every_session_line_type()
	{
		auto s = parse(crlf(kRfc8866));
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(size_t(9), s->lines().size());
		CPPUNIT_ASSERT_EQUAL(std::string("+1 617 555-6011"), s->lines()[6].value);
		CPPUNIT_ASSERT_EQUAL(size_t(3), s->media().size());
		CPPUNIT_ASSERT_EQUAL(size_t(1), s->media()[0].lines().size());
		CPPUNIT_ASSERT_EQUAL(std::string("IP6"), s->media()[2].connection()->addrtype);
	}

	void accepts_lf_and_mixed_line_ends()
	{
		auto lf = parse(kRfc4317Answer);
		auto crlf_ = parse(crlf(kRfc4317Answer));
		CPPUNIT_ASSERT(lf && crlf_);
		CPPUNIT_ASSERT(lf->lines() == crlf_->lines());
		CPPUNIT_ASSERT_EQUAL(size_t(2), lf->media().size());
		CPPUNIT_ASSERT(lf->media()[1].lines() == crlf_->media()[1].lines());
		auto mixed = parse("v=0\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\nt=0 0\r\n");
		CPPUNIT_ASSERT(mixed);
		CPPUNIT_ASSERT_EQUAL(std::string("-"), mixed->lines()[2].value);
	}

	void tolerates_missing_final_line_break()
	{
		for (const char* text : {"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x",
		                         "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x",
		                         "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r"}) {
			auto s = parse(text);
			CPPUNIT_ASSERT_MESSAGE(text, s);
			CPPUNIT_ASSERT_EQUAL(std::string("x"), s->lines().back().value);
		}
	}

	void keeps_unknown_lines_in_their_section()
	{
		auto s = parse(std::string(kHead) + "x=session thing\r\nm=audio 1 RTP/AVP 0\r\n"
		                                    "y=media thing\r\nk=prompt\r\na=\r\n");
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT(s->lines().back() == (Line{'x', "session thing"}));
		const auto& m = s->media()[0].lines();
		CPPUNIT_ASSERT_EQUAL(size_t(4), m.size());
		CPPUNIT_ASSERT(m[1] == (Line{'y', "media thing"}));
		CPPUNIT_ASSERT(m[3] == (Line{'a', ""}));
	}

	void accepts_host_names_and_multicast()
	{
		CPPUNIT_ASSERT(parse(crlf(kRfc3264Answer)));
		auto s = parse(std::string(kHead) +
		               "m=video 1 RTP/AVP 0\r\nc=IN IP4 233.252.0.1/127/2\r\n"
		               "m=video 2 RTP/AVP 0\r\nc=IN IP6 ff15::101/3\r\n");
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT(s->media()[0].connection()->is_multicast());
		CPPUNIT_ASSERT(s->media()[1].connection()->is_multicast());
	}

	void accepts_port_count_and_missing_formats()
	{
		auto s = parse(std::string(kHead) + "m=video 49170/2 RTP/AVP 31\r\n"
		                                    "m=audio 0 RTP/AVP\r\nm=application 9 x\r\n");
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(uint32_t(2), s->media()[0].port_count());
		CPPUNIT_ASSERT(s->media()[1].formats().empty());
		CPPUNIT_ASSERT(s->media()[1].is_rejected());
	}

	void rejects_empty_and_bad_version()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("SDP is empty"), error_of(""));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 1: expected 'v=0', got 'v=1'"),
		                     error_of("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 1: expected 'v=0', got 'o=- 1 1 IN IP4 "
		                                 "1.2.3...'"),
		                     error_of("o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\ns=-\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 1: expected 'v=0', got 'v=0 '"),
		                     error_of("v=0 \r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 1: empty line (SDP lines have the form x=value)"),
		        error_of("\r\nv=0\r\n"));
	}

	void rejects_missing_origin_or_name()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("SDP has no o= line"), error_of("v=0\r\ns=-\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP has no s= line"),
		                     error_of("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 3: o= has 5 fields instead of 6 (username "
		                    "sess-id sess-version nettype addrtype address)"),
		        error_of("v=0\r\ns=-\r\no=- 1 IN IP4 1.2.3.4\r\n"));
	}

	void rejects_malformed_lines_with_line_number()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: 'hello' is not of the form x=value"),
		                     error_with_head("hello\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 6: '=x' is not of the form x=value"),
		                     error_with_head("a=ok\r\n=x\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: '1=x' is not of the form x=value"),
		                     error_with_head("1=x\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: 'a' is not of the form x=value"),
		                     error_with_head("a"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: ' a=x' is not of the form x=value"),
		                     error_with_head(" a=x\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 6: empty line (SDP lines have the form x=value)"),
		        error_with_head("a=x\r\n\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: contains a NUL byte"),
		                     error_with_head(std::string("a=x\0y\r\n", 7)));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: contains a carriage return that does not end the "
		                    "line"),
		        error_with_head("a=x\ry\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: 'a\\xc3\\xa4=1' is not of the form "
		                                 "x=value"),
		                     error_with_head("a\xc3\xa4=1\n"));
	}

	void rejects_bad_media_lines()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: m= port 'abc' is not a number"),
		                     error_with_head("m=audio abc RTP/AVP 0\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: m= port '-1' is not a number"),
		                     error_with_head("m=audio -1 RTP/AVP 0\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: m= port '65536' is larger than 65535"),
		        error_with_head("m=audio 65536 RTP/AVP 0\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "SDP line 5: m= port '99999999999999999999' is larger than 65535"),
		        error_with_head("m=audio 99999999999999999999 RTP/AVP 0\r\n"));
		for (const char* count : {"0", "x", "", "17", "2/3", "-1"})
			CPPUNIT_ASSERT_EQUAL("SDP line 5: m= port count '" + std::string(count) +
			                             "' is not a number from 1 to 16",
			                     error_with_head("m=audio 4000/" + std::string(count) +
			                                     " RTP/AVP 0\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 6: m= 'audio 4000' needs at least media, port and "
		                    "protocol"),
		        error_with_head("m=audio 4000 RTP/AVP 0\r\nm=audio 4000\r\n"));
	}

	void rejects_bad_connection_lines()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: c= network type 'ATM' is not IN"),
		                     error_with_head("c=ATM NSAP 47.0005.80\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: c= address type 'IPX' is not IP4 or IP6"),
		        error_with_head("c=IN IPX 1.2.3.4\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 6: c= address '1.2.3.256' is not an IPv4 address or "
		                    "host name"),
		        error_with_head("m=audio 1 RTP/AVP 0\r\nc=IN IP4 1.2.3.256\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "SDP line 5: c= address '2001:db8::1' is not an IPv4 address or "
		                "host name"),
		        error_with_head("c=IN IP4 2001:db8::1\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: c= address '192.0.2.1' is not an IPv6 address or "
		                    "host name"),
		        error_with_head("c=IN IP6 192.0.2.1\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "SDP line 5: c= 'IN IP4' is not of the form 'IN IP4|IP6 address'"),
		        error_with_head("c=IN IP4\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: c= 'IN IP4 1.2.3.4 5' is not of the form "
		                    "'IN IP4|IP6 address'"),
		        error_with_head("c=IN IP4 1.2.3.4 5\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: c= multicast suffix '/256' is malformed"),
		        error_with_head("c=IN IP4 233.252.0.1/256\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: c= multicast suffix '/1/2' is malformed"),
		        error_with_head("c=IN IP6 ff15::1/1/2\r\n"));
	}

	void rejects_misplaced_and_duplicate_lines()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 6: o= line inside a media section"),
		        error_with_head("m=audio 1 RTP/AVP 0\r\no=- 1 1 IN IP4 1.2.3.4\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 6: s= line inside a media section"),
		                     error_with_head("m=audio 1 RTP/AVP 0\r\ns=x\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: a second o= line"),
		                     error_with_head("o=- 1 1 IN IP4 1.2.3.4\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: a second v= line (more than one session) is not "
		                    "supported"),
		        error_with_head("v=0\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 7: a second c= line in the same section"),
		        error_with_head("m=audio 1 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\n"
		                        "c=IN IP4 1.2.3.5\r\n"));
		// One c= per section: the session's and each media's are fine.
		CPPUNIT_ASSERT(parse(std::string(kHead) +
		                     "c=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n"
		                     "c=IN IP4 1.2.3.5\r\nm=audio 2 RTP/AVP 0\r\n"
		                     "c=IN IP4 1.2.3.6\r\n"));
	}

	// Errors reach ng replies and the log: a bad line is quoted short, and never past a word
	// that introduces a key, nor at all when it may continue the key of the line before.
	void crypto_lines_are_checked()
	{
		const std::string good = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
		std::string m = "m=audio 1 RTP/SAVP 0\r\n";
		CPPUNIT_ASSERT(parse(std::string(kHead) + m +
		                     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + good + "\r\n"));
		// An unknown suite is for the offer/answer layer to drop, not an error.
		CPPUNIT_ASSERT(parse(std::string(kHead) + m +
		                     "a=crypto:2 F8_128_HMAC_SHA1_80 inline:" + good + "\r\n"));
		std::string short_key = good.substr(0, 36);
		std::string e = error_with_head(
		        m + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + short_key + "\r\n");
		CPPUNIT_ASSERT_MESSAGE(e,
		                       e.starts_with("SDP line 6: a=crypto tag 1, key 1: key and "
		                                     "salt are 27 bytes"));
		CPPUNIT_ASSERT_MESSAGE(e, e.find(short_key.substr(0, 6)) == std::string::npos);
		e = error_with_head(m + "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:" + good +
		                    "\r\n");
		CPPUNIT_ASSERT_MESSAGE(e, e.starts_with("SDP line 6: a=crypto tag"));
	}

	void errors_never_quote_key_material()
	{
		const std::string key = "SECRETKEYWVNfX19hWVNfX19hWVNfX19hWVNfX19h";
		for (const std::string& line :
		     {"a =crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key,
		      " a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key, " inline:" + key,
		      " a=ice-pwd:" + key, " k=base64:" + key, "x a=key-mgmt:mikey " + key}) {
			std::string e = error_with_head("m=audio 1 RTP/AVP 0\r\n" + line + "\r\n");
			CPPUNIT_ASSERT_MESSAGE(e, e.starts_with("SDP line 6: '"));
			CPPUNIT_ASSERT_MESSAGE(e, e.find("SECRET") == std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: ' a=crypto...' is not of the form "
		                                 "x=value"),
		                     error_with_head(" a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" +
		                                     key + "\r\n"));
		// A line break inside the key: its second half is not quoted at all (a suite the
		// relay knows fails on its first half already, also without quoting it).
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 6: not of the form x=value (not quoted: the line "
		                    "before it may carry a key that this line continues)"),
		        error_with_head("a=crypto:1 F8_128_HMAC_SHA1_80 inline:WVNf\r\n" + key +
		                        "|2^20\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 5: a=crypto tag 1, key 1: key and salt are 3 bytes, "
		                    "AES_CM_128_HMAC_SHA1_80 needs 30"),
		        error_with_head("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNf\r\n" + key +
		                        "|2^20\r\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP line 1: expected 'v=0', got "
		                    "'a=crypto...'"),
		        error_of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: c= address 'inline:...' is not an "
		                                 "IPv4 address or host name"),
		                     error_with_head("c=IN IP4 inline:" + key + "\r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 5: 'xxxxxxxxxxxxxxxxxxxx...' is not of "
		                                 "the form x=value"),
		                     error_with_head(std::string(100000, 'x') + "\r\n"));
	}

	void enforces_limits()
	{
		std::string sdp(kHead);
		for (size_t i = 0; i < kMaxMediaSections; i++)
			sdp += "m=audio " + std::to_string(2000 + 2 * i) + " RTP/AVP 0\r\n";
		auto s = parse(sdp);
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(kMaxMediaSections, s->media().size());
		CPPUNIT_ASSERT_EQUAL(std::string("SDP line 69: more than 64 media sections"),
		                     error_of(sdp + "m=audio 9 RTP/AVP 0\r\n"));

		std::string big(kHead);
		while (big.size() + 8 <= kMaxSdpSize)
			big += "a=x\r\n";
		big += "a=" + std::string(kMaxSdpSize - big.size() - 2, 'z');
		CPPUNIT_ASSERT_EQUAL(kMaxSdpSize, big.size());
		CPPUNIT_ASSERT(parse(big));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("SDP is 1048577 bytes, more than the limit of 1048576"),
		        error_of(big + "\n"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpParserTest);
