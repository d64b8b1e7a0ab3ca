#include "ha/call_document.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::ha;

class CallDocumentTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CallDocumentTest);
	CPPUNIT_TEST(round_trip);
	CPPUNIT_TEST(requests_are_objects_an_operator_can_read);
	CPPUNIT_TEST(other_versions_and_bad_documents_are_refused);
	CPPUNIT_TEST(learned_endpoints_round_trip_and_may_be_absent);
	CPPUNIT_TEST(srtp_progress_round_trips);
	CPPUNIT_TEST(dtls_keys_round_trip_as_base64);
	CPPUNIT_TEST(ice_selections_round_trip);
	CPPUNIT_TEST(key);
	CPPUNIT_TEST_SUITE_END();

	static CallDocument sample()
	{
		CallDocument d;
		d.call_id = "abc@host \"quoted\"";
		d.created_ms = 1764800000123;
		d.last_signal_ms = 1764800000999;
		d.requests = {R"({"command":"offer","sdp":"v=0\r\n"})",
		              R"({"command":"answer","to-tag":"B"})"};
		d.leases = {{"127.0.0.1", 30000}, {"2001:db8::1", 40002}};
		d.secrets = {std::string("\x00\xff key\x01", 7), "ufrag pwd"};
		return d;
	}

public:
	void round_trip()
	{
		CallDocument d = sample();
		auto back = read_document(write_document(d));
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT_EQUAL(d.call_id, back->call_id);
		CPPUNIT_ASSERT_EQUAL(d.created_ms, back->created_ms);
		CPPUNIT_ASSERT_EQUAL(d.last_signal_ms, back->last_signal_ms);
		CPPUNIT_ASSERT(d.requests == back->requests);
		CPPUNIT_ASSERT(d.leases == back->leases);
		CPPUNIT_ASSERT(d.secrets == back->secrets);
	}

	void requests_are_objects_an_operator_can_read()
	{
		std::string text = write_document(sample());
		CPPUNIT_ASSERT(text.find(R"("requests":[{"command":"offer")") != std::string::npos);
		CPPUNIT_ASSERT(text.find(R"("version":1)") != std::string::npos);
		// Keys are stored (Redis is the relay's own store) but never as plain text.
		CPPUNIT_ASSERT(text.find(" key") == std::string::npos);
	}

	void other_versions_and_bad_documents_are_refused()
	{
		std::string text = write_document(sample());
		std::string v2 = text;
		v2.replace(v2.find(R"("version":1)"), 11, R"("version":2)");
		auto r = read_document(v2);
		CPPUNIT_ASSERT(!r);
		CPPUNIT_ASSERT(r.error().reason.find("version 2") != std::string::npos);
		for (std::string bad : {std::string(""), std::string("[]"), std::string("{}"),
		                        text.substr(0, text.size() - 1), text + "x",
		                        std::string(R"({"version":1,"call-id":"x"})")})
			CPPUNIT_ASSERT(!read_document(bad));
		CallDocument no_requests = sample();
		no_requests.requests.clear();
		CPPUNIT_ASSERT(!read_document(write_document(no_requests)));
		std::string bad_port = text;
		bad_port.replace(bad_port.find("40002"), 5, "70000");
		CPPUNIT_ASSERT(!read_document(bad_port));
		std::string bad_secret = text;
		bad_secret.replace(bad_secret.find(R"("secrets":[")") + 12, 1, "*");
		CPPUNIT_ASSERT(!read_document(bad_secret));
	}

	void learned_endpoints_round_trip_and_may_be_absent()
	{
		CallDocument d = sample();
		d.endpoints = {{"A", 1, false, "203.0.113.9:61000"},
		               {"B", 2, true, "[2001:db8::7]:5005"}};
		std::string text = write_document(d);
		auto back = read_document(text);
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT(d.endpoints == back->endpoints);
		// A relay before this field wrote none: its documents read as having none.
		std::string old = write_document(sample());
		old.erase(old.find(R"(,"endpoints":[])"), 15);
		CPPUNIT_ASSERT(old.find("endpoints") == std::string::npos);
		auto from_old = read_document(old);
		CPPUNIT_ASSERT(from_old);
		CPPUNIT_ASSERT(from_old->endpoints.empty());
		std::string no_media = text;
		no_media.replace(no_media.find(R"("media":1)"), 9, R"("media":0)");
		CPPUNIT_ASSERT(!read_document(no_media));
		std::string no_address = text;
		no_address.replace(no_address.find(R"("address":"203)"), 10, R"("adress":")");
		CPPUNIT_ASSERT(!read_document(no_address));
	}

	void srtp_progress_round_trips()
	{
		CallDocument d = sample();
		d.srtp = {{"A", 1, false, 0x12345678, true, 3, 65000, false, 0},
		          {"A", 1, true, 0xfffffffe, true, 0, 7, true, 0x7ffffff0},
		          {"B", 2, true, 5, false, 0, 0, true, 9}};
		std::string text = write_document(d);
		auto back = read_document(text);
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT(d.srtp == back->srtp);
		CPPUNIT_ASSERT(read_document(write_document(sample()))->srtp.empty());
		std::string no_seq = text;
		no_seq.replace(no_seq.find(R"(,"seq":65000)"), 12, "");
		CPPUNIT_ASSERT(!read_document(no_seq)); // a rollover counter needs its sequence
		std::string big_ssrc = text;
		big_ssrc.replace(big_ssrc.find("305419896"), 9, "4294967296");
		CPPUNIT_ASSERT(!read_document(big_ssrc));
	}

	void dtls_keys_round_trip_as_base64()
	{
		CallDocument d = sample();
		d.dtls = {{"A", 1, "AES_CM_128_HMAC_SHA1_80",
		           std::string("\x01\x02 s3cr3t\x00", 10), std::string(30, '\xee')}};
		std::string text = write_document(d);
		CPPUNIT_ASSERT(text.find("s3cr3t") == std::string::npos); // never plain text
		auto back = read_document(text);
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT(d.dtls == back->dtls);
		CPPUNIT_ASSERT(read_document(write_document(sample()))->dtls.empty());
		std::string bad = text;
		bad.replace(bad.find(R"("remote":")") + 10, 1, "*");
		CPPUNIT_ASSERT(!read_document(bad));
	}

	void ice_selections_round_trip()
	{
		CallDocument d = sample();
		d.ice = {{"A", 1, 1, 0, "192.0.2.7:50000", true},
		         {"A", 1, 2, 3, "[2001:db8::9]:1", false}};
		auto back = read_document(write_document(d));
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT(d.ice == back->ice);
		CPPUNIT_ASSERT(read_document(write_document(sample()))->ice.empty());
		std::string bad = write_document(d);
		bad.replace(bad.find(R"("component":2)"), 13, R"("component":3)");
		CPPUNIT_ASSERT(!read_document(bad));
	}

	void key() { CPPUNIT_ASSERT_EQUAL(std::string("rtprelay:call:a b"), document_key("a b")); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallDocumentTest);
