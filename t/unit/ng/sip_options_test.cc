#include "ng/sip_options.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay::ng;

class SipOptionsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SipOptionsTest);
	CPPUNIT_TEST(classifies);
	CPPUNIT_TEST(answers_with_echoed_headers);
	CPPUNIT_TEST(keeps_existing_to_tag);
	CPPUNIT_TEST(compact_and_folded_headers);
	CPPUNIT_TEST(missing_headers_get_no_answer);
	CPPUNIT_TEST(answer_never_larger_than_the_request);
	CPPUNIT_TEST(unavailable_answers_503_with_the_same_headers);
	CPPUNIT_TEST_SUITE_END();

	static constexpr const char* kProbe = "OPTIONS sip:127.0.0.1:2223 SIP/2.0\r\n"
	                                      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
	                                      "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-2\r\n"
	                                      "From: <sip:dispatcher@10.0.0.1>;tag=abc\r\n"
	                                      "To: <sip:127.0.0.1:2223>\r\n"
	                                      "Call-ID: 1-2-3@10.0.0.1\r\n"
	                                      "CSeq: 10 OPTIONS\r\n"
	                                      "Max-Forwards: 70\r\n"
	                                      "Content-Length: 0\r\n\r\n";

public:
	void classifies()
	{
		CPPUNIT_ASSERT(classify_sip(kProbe) == SipKind::kOptions);
		CPPUNIT_ASSERT(classify_sip("INVITE sip:a@b SIP/2.0\r\n\r\n") ==
		               SipKind::kOtherRequest);
		CPPUNIT_ASSERT(classify_sip("SIP/2.0 200 OK\r\n") == SipKind::kResponse);
		CPPUNIT_ASSERT(classify_sip("c1 d7:command4:pinge") == SipKind::kNotSip);
		CPPUNIT_ASSERT(classify_sip("OPTIONS d7:command4:pinge") == SipKind::kNotSip);
		CPPUNIT_ASSERT(classify_sip("") == SipKind::kNotSip);
	}

	void answers_with_echoed_headers()
	{
		auto a = answer_options(kProbe);
		CPPUNIT_ASSERT(a);
		std::string expected_start = "SIP/2.0 200 OK\r\n"
		                             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
		                             "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-2\r\n"
		                             "From: <sip:dispatcher@10.0.0.1>;tag=abc\r\n"
		                             "To: <sip:127.0.0.1:2223>;tag=";
		CPPUNIT_ASSERT_EQUAL(expected_start, a->substr(0, expected_start.size()));
		CPPUNIT_ASSERT(a->find("\r\nCall-ID: 1-2-3@10.0.0.1\r\n") != std::string::npos);
		CPPUNIT_ASSERT(a->find("\r\nCSeq: 10 OPTIONS\r\n") != std::string::npos);
		CPPUNIT_ASSERT(a->size() > 4 && a->substr(a->size() - 4) == "\r\n\r\n");
		CPPUNIT_ASSERT(a->find("Content-Length: 0\r\n") != std::string::npos);
	}

	void keeps_existing_to_tag()
	{
		std::string req = kProbe;
		req.replace(req.find("To: <sip:127.0.0.1:2223>"), 24, "To: <sip:x@y>;tag=t1");
		auto a = answer_options(req);
		CPPUNIT_ASSERT(a);
		CPPUNIT_ASSERT(a->find("\r\nTo: <sip:x@y>;tag=t1\r\n") != std::string::npos);
	}

	void compact_and_folded_headers()
	{
		auto a =
		        answer_options("OPTIONS sip:x SIP/2.0\n"
		                       "v: SIP/2.0/UDP h;branch=z9hG4bK-9\n"
		                       "f: <sip:a@b>\n  ;tag=1\n"
		                       "t: <sip:c@d>\n"
		                       "i: cid\n"
		                       "cseq: 1 OPTIONS\n"
		                       "Max-Forwards: 70\n"
		                       "User-Agent: probe\n\n"); // room for the answer's full names
		CPPUNIT_ASSERT(a);
		CPPUNIT_ASSERT(a->find("Via: SIP/2.0/UDP h;branch=z9hG4bK-9\r\n") !=
		               std::string::npos);
		CPPUNIT_ASSERT(a->find("From: <sip:a@b> ;tag=1\r\n") != std::string::npos);
		CPPUNIT_ASSERT(a->find("Call-ID: cid\r\n") != std::string::npos);
		CPPUNIT_ASSERT(a->find("CSeq: 1 OPTIONS\r\n") != std::string::npos);
	}

	void missing_headers_get_no_answer()
	{
		for (const char* h : {"Via: ", "From: ", "To: ", "Call-ID: ", "CSeq: "}) {
			std::string req = kProbe;
			for (size_t at; (at = req.find(h)) != std::string::npos;)
				req.erase(at, req.find("\r\n", at) + 2 - at);
			CPPUNIT_ASSERT_MESSAGE(h, !answer_options(req));
		}
		CPPUNIT_ASSERT(!answer_options("OPTIONS sip:x SIP/2.0"));
	}

	void answer_never_larger_than_the_request()
	{
		// A dispatcher's probe with a User-Agent has room for every optional header.
		std::string probe = kProbe;
		probe.insert(probe.find("Content-Length"),
		             "User-Agent: kamailio (5.7.4 (x86_64/linux))\r\n");
		auto full = answer_options(probe);
		CPPUNIT_ASSERT(full && full->size() <= probe.size());
		CPPUNIT_ASSERT(
		        full->find(
		                "Content-Length: 0\r\nAllow: OPTIONS\r\nServer: rtprelayd\r\n") !=
		        std::string::npos);
		// Without Max-Forwards and Content-Length, the optional headers go first.
		std::string req = kProbe;
		for (const char* h : {"Max-Forwards: 70\r\n", "Content-Length: 0\r\n"})
			req.erase(req.find(h), std::string_view(h).size());
		bool too_large = false;
		auto trimmed = answer_options(req, &too_large);
		CPPUNIT_ASSERT(trimmed && !too_large);
		CPPUNIT_ASSERT(trimmed->size() <= req.size());
		CPPUNIT_ASSERT(trimmed->find("Content-Length:") == std::string::npos);
		CPPUNIT_ASSERT(trimmed->find("\r\nCSeq: 10 OPTIONS\r\n") != std::string::npos);
		// Compact names, LF line ends and empty values: even the echoed headers are larger.
		CPPUNIT_ASSERT(!answer_options("OPTIONS s SIP/2.0\nv:\nv:\nf:\nt:\ni:\ncseq:\n\n",
		                               &too_large));
		CPPUNIT_ASSERT(too_large);
		// A missing header is not "too large".
		too_large = false;
		CPPUNIT_ASSERT(!answer_options("OPTIONS sip:x SIP/2.0\r\n\r\n", &too_large));
		CPPUNIT_ASSERT(!too_large);
	}

	void unavailable_answers_503_with_the_same_headers()
	{
		auto ok = answer_options(kProbe);
		auto busy = answer_options(kProbe, nullptr, SipStatus::kUnavailable);
		CPPUNIT_ASSERT(ok && busy);
		const std::string ok_line = "SIP/2.0 200 OK\r\n";
		const std::string busy_line = "SIP/2.0 503 Service Unavailable\r\n";
		CPPUNIT_ASSERT(busy->rfind(busy_line, 0) == 0);
		// Everything after the status line is what the 200 carries, as far as it fits.
		std::string ok_rest = ok->substr(ok_line.size());
		std::string busy_rest = busy->substr(busy_line.size());
		CPPUNIT_ASSERT(
		        busy_rest.rfind("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n", 0) ==
		        0);
		CPPUNIT_ASSERT(busy_rest.find("\r\nCSeq: 10 OPTIONS\r\n") != std::string::npos);
		CPPUNIT_ASSERT(busy->size() <= std::string_view(kProbe).size());
		CPPUNIT_ASSERT(ok_rest.substr(0, ok_rest.find("Content-Length")) ==
		               busy_rest.substr(0, busy_rest.find("Content-Length")));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipOptionsTest);
