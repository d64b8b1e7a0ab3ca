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
		auto a = answer_options("OPTIONS sip:x SIP/2.0\n"
		                        "v: SIP/2.0/UDP h;branch=z9hG4bK-9\n"
		                        "f: <sip:a@b>\n  ;tag=1\n"
		                        "t: <sip:c@d>\n"
		                        "i: cid\n"
		                        "cseq: 1 OPTIONS\n\n");
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipOptionsTest);
