#include "ng/flags.h"

#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>

#include "ng/bencode.h"
#include "ng/json.h"

using namespace rtprelay;
using namespace rtprelay::ng;

class FlagsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(FlagsTest);
	CPPUNIT_TEST(kamailio_minimal_request);
	CPPUNIT_TEST(native_keys);
	CPPUNIT_TEST(spelling_variants_are_equivalent);
	CPPUNIT_TEST(rtpp_flags_string);
	CPPUNIT_TEST(unknown_flags_are_collected);
	CPPUNIT_TEST(wrong_types_name_the_key);
	CPPUNIT_TEST(unsupported_ice_mode_is_an_error);
	CPPUNIT_TEST(osrtp_in_every_form);
	CPPUNIT_TEST(osrtp_legacy_is_unknown);
	CPPUNIT_TEST_SUITE_END();

	Arena arena_;

	SignallingFlags ok_json(const std::string& json)
	{
		auto v = json_decode(json, arena_);
		CPPUNIT_ASSERT_MESSAGE(json, v);
		auto f = parse_flags(*v);
		CPPUNIT_ASSERT_MESSAGE(f ? json : f.error().reason, f);
		return *f;
	}

	std::string error_json(const std::string& json)
	{
		auto v = json_decode(json, arena_);
		CPPUNIT_ASSERT_MESSAGE(json, v);
		auto f = parse_flags(*v);
		CPPUNIT_ASSERT_MESSAGE(json, !f);
		return f.error().reason;
	}

	// `option` as the native `OSRTP` list and string, as a word in `flags` and in `rtpp-flags`:
	// each must set what is asked and give no warning.
	void check_osrtp_forms(const std::string& option, bool offer, bool accept)
	{
		for (const std::string& json :
		     {R"({"OSRTP":[")" + option + R"("]})", R"({"OSRTP":")" + option + R"("})",
		      R"({"flags":["OSRTP-)" + option + R"("]})",
		      R"({"rtpp-flags":"OSRTP-)" + option + R"("})"}) {
			auto f = ok_json(json);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(json, offer, f.options.osrtp_offer);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(json, accept, f.options.osrtp_accept);
			CPPUNIT_ASSERT_MESSAGE(json, f.unknown.empty());
		}
	}

	using Strings = std::vector<std::string>;

public:
	void kamailio_minimal_request()
	{
		auto v = bencode_decode(
		        "d7:command5:offer7:call-id4:c1@h8:from-tag2:ft3:sdp3:v=0"
		        "8:supportsl10:load limite16:sip-message-type11:sip requeste",
		        arena_);
		CPPUNIT_ASSERT(v);
		auto f = parse_flags(*v);
		CPPUNIT_ASSERT(f);
		CPPUNIT_ASSERT_EQUAL(std::string("c1@h"), f->call_id);
		CPPUNIT_ASSERT_EQUAL(std::string("ft"), f->options.from_tag);
		CPPUNIT_ASSERT(f->options.to_tag.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("v=0"), f->sdp);
		CPPUNIT_ASSERT(f->unknown.empty());
		CPPUNIT_ASSERT(!f->options.trust_address &&
		               f->options.ice == call::IceMode::kDefault);
	}

	void native_keys()
	{
		auto f = ok_json(R"({"command":"offer","call-id":"c","from-tag":"a","to-tag":"b",
			"via-branch":"z9","label":"caller","flags":["trust-address","SIP-source-address",
			"strict-source","symmetric","fatal"],"replace":["origin","session-connection",
			"SDP-version"],"direction":["external","internal"],"ICE":"remove",
			"transport-protocol":"RTP/AVPF","address family":"IP6","media address":"2001:db8::1",
			"received-from":["IP4","192.0.2.9"],"rtcp-mux":["offer","demux"],"delete-delay":5})");
		CPPUNIT_ASSERT_EQUAL(std::string("b"), f.options.to_tag);
		CPPUNIT_ASSERT_EQUAL(std::string("z9"), f.options.via_branch);
		CPPUNIT_ASSERT_EQUAL(std::string("caller"), f.options.label);
		CPPUNIT_ASSERT(f.options.trust_address && f.options.sip_source_address &&
		               f.options.strict_source && f.fatal);
		CPPUNIT_ASSERT(f.options.replace_origin && f.options.replace_sdp_version);
		CPPUNIT_ASSERT_EQUAL(size_t(2), f.options.direction.size());
		CPPUNIT_ASSERT_EQUAL(std::string("internal"), f.options.direction[1]);
		CPPUNIT_ASSERT(f.options.ice == call::IceMode::kRemove);
		CPPUNIT_ASSERT_EQUAL(std::string("RTP/AVPF"), f.options.transport_protocol);
		CPPUNIT_ASSERT_EQUAL(AF_INET6, f.options.address_family);
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"),
		                     f.options.media_address->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.9"),
		                     f.options.received_from->to_string());
		CPPUNIT_ASSERT(f.options.rtcp_mux.offer && f.options.rtcp_mux.demux &&
		               !f.options.rtcp_mux.accept);
		CPPUNIT_ASSERT_EQUAL(5, *f.delete_delay);
		CPPUNIT_ASSERT(f.unknown.empty());
	}

	void spelling_variants_are_equivalent()
	{
		auto f = ok_json(
		        R"({"call_id":"c","from tag":"a","FLAGS":["trust_address","Strict Source"],
			"replace":["session_connection","sdp version"],"address_family":"ip4",
			"delete_delay":"0"})");
		CPPUNIT_ASSERT_EQUAL(std::string("c"), f.call_id);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), f.options.from_tag);
		CPPUNIT_ASSERT(f.options.trust_address && f.options.strict_source);
		CPPUNIT_ASSERT(f.options.replace_sdp_version && f.unknown.empty());
		CPPUNIT_ASSERT_EQUAL(AF_INET, f.options.address_family);
		CPPUNIT_ASSERT_EQUAL(0, *f.delete_delay);
	}

	void rtpp_flags_string()
	{
		auto f = ok_json(
		        R"({"rtpp-flags":"trust-address replace-origin replace-session-connection
			ICE=remove direction=external direction=internal transport-protocol=RTP/AVP
			address-family=IP6 label=callee rtcp-mux=demux delete-delay=3 media-address=192.0.2.1"})");
		CPPUNIT_ASSERT(f.options.trust_address && f.options.replace_origin);
		CPPUNIT_ASSERT(f.options.ice == call::IceMode::kRemove);
		CPPUNIT_ASSERT_EQUAL(size_t(2), f.options.direction.size());
		CPPUNIT_ASSERT_EQUAL(std::string("external"), f.options.direction[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("RTP/AVP"), f.options.transport_protocol);
		CPPUNIT_ASSERT_EQUAL(AF_INET6, f.options.address_family);
		CPPUNIT_ASSERT_EQUAL(std::string("callee"), f.options.label);
		CPPUNIT_ASSERT(f.options.rtcp_mux.demux);
		CPPUNIT_ASSERT_EQUAL(3, *f.delete_delay);
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"),
		                     f.options.media_address->to_string());
		CPPUNIT_ASSERT(f.unknown.empty());
	}

	void unknown_flags_are_collected()
	{
		auto f = ok_json(R"({"flags":["trust-address","frobnicate"],"replace":["zap"],
			"rtpp-flags":"wibble x=y"})");
		CPPUNIT_ASSERT(f.options.trust_address);
		CPPUNIT_ASSERT_EQUAL(size_t(4), f.unknown.size());
		CPPUNIT_ASSERT_EQUAL(std::string("frobnicate"), f.unknown[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("replace=zap"), f.unknown[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("wibble"), f.unknown[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("x=y"), f.unknown[3]);
	}

	void wrong_types_name_the_key()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("key 'call-id' must be a string, not an integer"),
		                     error_json(R"({"call-id":5})"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string("key 'flags' must be a list of strings, not an integer"),
		        error_json(R"({"flags":["a",1]})"));
		CPPUNIT_ASSERT(error_json(R"({"media-address":"nope"})").find("media-address") ==
		               0);
		CPPUNIT_ASSERT(error_json(R"({"address-family":"IPX"})").find("IPX") !=
		               std::string::npos);
		CPPUNIT_ASSERT(error_json(R"({"delete-delay":-1})").find("delete-delay") !=
		               std::string::npos);
		CPPUNIT_ASSERT(error_json(R"({"received-from":["IP4"]})").find("received-from") !=
		               std::string::npos);
	}

	void unsupported_ice_mode_is_an_error()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("ICE=force is not supported yet (only 'remove')"),
		                     error_json(R"({"ICE":"force"})"));
		CPPUNIT_ASSERT(error_json(R"({"rtpp-flags":"ICE=force-relay"})")
		                       .find("not supported yet") != std::string::npos);
	}

	void osrtp_in_every_form()
	{
		for (const char* offer : {"offer", "offer-RFC", "offer_rfc", "Offer-RFC"})
			check_osrtp_forms(offer, true, false);
		for (const char* accept : {"accept", "accept-RFC", "ACCEPT_RFC"})
			check_osrtp_forms(accept, false, true);
		auto f = ok_json(R"({"OSRTP":"offer-RFC,accept-RFC"})");
		CPPUNIT_ASSERT(f.options.osrtp_offer && f.options.osrtp_accept &&
		               f.unknown.empty());
		f = ok_json(R"({"rtpp-flags":"OSRTP=accept"})");
		CPPUNIT_ASSERT(!f.options.osrtp_offer && f.options.osrtp_accept &&
		               f.unknown.empty());
	}

	void osrtp_legacy_is_unknown()
	{
		auto f = ok_json(R"({"OSRTP":["offer-legacy"],"flags":["OSRTP-accept-legacy"],
			"rtpp-flags":"OSRTP-offer-legacy OSRTP=accept-legacy"})");
		CPPUNIT_ASSERT(!f.options.osrtp_offer && !f.options.osrtp_accept);
		CPPUNIT_ASSERT(f.unknown == (Strings{"OSRTP-accept-legacy", "osrtp=offer-legacy",
		                                     "OSRTP-offer-legacy", "osrtp=accept-legacy"}));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(FlagsTest);
