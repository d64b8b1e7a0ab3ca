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
	CPPUNIT_TEST(sdes_options_in_every_form);
	CPPUNIT_TEST(sdes_string_is_split_on_commas);
	CPPUNIT_TEST(sdes_forms_add_up);
	CPPUNIT_TEST(sdes_suite_lists_skip_empty_names);
	CPPUNIT_TEST(legacy_pad_crypto);
	CPPUNIT_TEST(unknown_sdes_options_are_collected);
	CPPUNIT_TEST(sdes_value_of_wrong_type_is_an_error);
	CPPUNIT_TEST(osrtp_in_every_form);
	CPPUNIT_TEST(osrtp_legacy_is_unknown);
	CPPUNIT_TEST(transport_protocol_is_kept_verbatim);
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

	// `option` as the native `SDES` list, as a word in `flags` and as a word in `rtpp-flags`:
	// each must give `want` and no warning.
	void check_sdes_forms(const std::string& option, const crypto::SdesOptions& want)
	{
		for (const std::string& json : {R"({"SDES":[")" + option + R"("]})",
		                                R"({"flags":["SDES-)" + option + R"("]})",
		                                R"({"rtpp-flags":"SDES-)" + option + R"("})"}) {
			auto f = ok_json(json);
			CPPUNIT_ASSERT_MESSAGE(json, f.options.sdes == want);
			CPPUNIT_ASSERT_MESSAGE(json, f.unknown.empty());
		}
	}

	// The same for OSRTP.
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
		CPPUNIT_ASSERT_EQUAL(std::string("ICE=passive is not supported (remove, default, "
		                                 "optional, force, force-relay are)"),
		                     error_json(R"({"ICE":"passive"})"));
		for (const char* v : {R"({"ICE":"force"})", R"({"rtpp-flags":"ICE=force-relay"})",
		                      R"({"ICE":"FORCE_RELAY"})"})
			CPPUNIT_ASSERT(ok_json(v).options.ice == call::IceMode::kForce);
		CPPUNIT_ASSERT(ok_json(R"({"ICE":"optional"})").options.ice ==
		               call::IceMode::kDefault);
	}

	void sdes_options_in_every_form()
	{
		crypto::SdesOptions off;
		off.off = true;
		for (const char* alias : {"off", "no", "disable", "disabled", "OFF", "Disabled"})
			check_sdes_forms(alias, off);

		// Each option word in rtpengine's spelling and in the others flags allow.
		struct Case {
			std::vector<std::string> spellings;
			void (*set)(crypto::SdesOptions&);
		};
		const Case cases[] = {
		        {{"unencrypted_srtp", "unencrypted-srtp", "Unencrypted_SRTP"},
		         [](crypto::SdesOptions& o) { o.unencrypted_srtp = true; }},
		        {{"encrypted_srtp", "encrypted-srtp"},
		         [](crypto::SdesOptions& o) { o.unencrypted_srtp = false; }},
		        {{"unencrypted_srtcp", "UNENCRYPTED-SRTCP"},
		         [](crypto::SdesOptions& o) { o.unencrypted_srtcp = true; }},
		        {{"encrypted_srtcp", "encrypted-srtcp"},
		         [](crypto::SdesOptions& o) { o.unencrypted_srtcp = false; }},
		        {{"unauthenticated_srtp", "unauthenticated-srtp"},
		         [](crypto::SdesOptions& o) { o.unauthenticated_srtp = true; }},
		        {{"authenticated_srtp", "Authenticated-Srtp"},
		         [](crypto::SdesOptions& o) { o.unauthenticated_srtp = false; }},
		        {{"lifetime", "LIFETIME"},
		         [](crypto::SdesOptions& o) { o.lifetime = true; }},
		        {{"pad"}, [](crypto::SdesOptions& o) { o.pad = true; }},
		        {{"static"}, [](crypto::SdesOptions& o) { o.static_ = true; }},
		        {{"nonew", "NoNew"}, [](crypto::SdesOptions& o) { o.nonew = true; }},
		        {{"prefer", "priority"}, [](crypto::SdesOptions& o) { o.prefer = true; }},
		};
		for (const Case& c : cases)
			for (const std::string& spelling : c.spellings) {
				crypto::SdesOptions want;
				c.set(want);
				check_sdes_forms(spelling, want);
			}

		// Suites are stored as rtpengine writes them, whatever the spelling.
		crypto::SdesOptions no;
		no.no = {"AES_CM_128_HMAC_SHA1_32"};
		for (const char* option :
		     {"no-AES_CM_128_HMAC_SHA1_32", "no-aes_cm_128_hmac_sha1_32",
		      "no-AES-CM-128-HMAC-SHA1-32", "NO_aes-cm_128-HMAC_sha1_32"})
			check_sdes_forms(option, no);
		crypto::SdesOptions only;
		only.only = {"AEAD_AES_256_GCM"};
		for (const char* option : {"only-AEAD_AES_256_GCM", "only-aead-aes-256-gcm"})
			check_sdes_forms(option, only);

		crypto::SdesOptions order;
		order.order = {"AES_256_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM",
		               "F8_128_HMAC_SHA1_80"};
		for (const char* option :
		     {"order:AES_256_CM_HMAC_SHA1_80;AEAD_AES_128_GCM;F8_128_HMAC_SHA1_80",
		      "ORDER:aes-256-cm-hmac-sha1-80;aead_aes_128_gcm;f8_128_hmac_sha1_80"})
			check_sdes_forms(option, order);
		crypto::SdesOptions pref;
		pref.offerer_pref = {"AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80"};
		for (const char* option :
		     {"offerer_pref:AES_CM_128_HMAC_SHA1_32;AES_CM_128_HMAC_SHA1_80",
		      "offerer-pref:aes_cm_128_hmac_sha1_32;aes-cm-128-hmac-sha1-80",
		      "Offerer_Pref:AES_CM_128_HMAC_SHA1_32;AES_CM_128_HMAC_SHA1_80"})
			check_sdes_forms(option, pref);
	}

	void sdes_string_is_split_on_commas()
	{
		// 10.5 ignores a string; newer rtpengine splits it on ','. A list item is one
		// option or, the same way, several.
		auto f = ok_json(R"({"SDES":"no-aes_cm_128_hmac_sha1_32, lifetime,,pad"})");
		CPPUNIT_ASSERT(f.options.sdes.no == Strings{"AES_CM_128_HMAC_SHA1_32"});
		CPPUNIT_ASSERT(f.options.sdes.lifetime && f.options.sdes.pad && f.unknown.empty());

		f = ok_json(R"({"SDES":["order:AEAD_AES_128_GCM;AEAD_AES_256_GCM","static"]})");
		CPPUNIT_ASSERT(f.options.sdes.order ==
		               (Strings{"AEAD_AES_128_GCM", "AEAD_AES_256_GCM"}));
		CPPUNIT_ASSERT(f.options.sdes.static_ && f.unknown.empty());

		f = ok_json(R"({"rtpp-flags":"SDES=nonew,unencrypted_srtcp"})");
		CPPUNIT_ASSERT(f.options.sdes.nonew && *f.options.sdes.unencrypted_srtcp);
		CPPUNIT_ASSERT(f.unknown.empty());
	}

	void sdes_forms_add_up()
	{
		// `flags` first, then the native keys, then `rtpp-flags`, as parse_flags reads
		// them.
		auto f = ok_json(R"({"sdes":["no-AES_CM_128_HMAC_SHA1_80"],
			"flags":["SDES-no-NULL_HMAC_SHA1_32","sdes_only_F8_128_HMAC_SHA1_80"],
			"rtpp-flags":"SDES-no-aead_aes_256_gcm Sdes-Unencrypted-Srtp
			SDES-encrypted_srtp"})");
		CPPUNIT_ASSERT(f.options.sdes.no ==
		               (Strings{"NULL_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80",
		                        "AEAD_AES_256_GCM"}));
		CPPUNIT_ASSERT(f.options.sdes.only == Strings{"F8_128_HMAC_SHA1_80"});
		CPPUNIT_ASSERT(f.options.sdes.unencrypted_srtp == false); // the last word wins
		CPPUNIT_ASSERT(!f.options.sdes.off && f.unknown.empty());
	}

	void sdes_suite_lists_skip_empty_names()
	{
		auto f = ok_json(R"({"flags":["SDES-order:aead_aes_128_gcm;;AEAD_AES_256_GCM;",
			"SDES-order:", "SDES-offerer_pref:;", "SDES-no-", "SDES-only- "]})");
		CPPUNIT_ASSERT(f.options.sdes.order ==
		               (Strings{"AEAD_AES_128_GCM", "AEAD_AES_256_GCM"}));
		CPPUNIT_ASSERT(f.options.sdes.offerer_pref.empty() && f.options.sdes.no.empty() &&
		               f.options.sdes.only.empty());
		CPPUNIT_ASSERT(f.unknown == (Strings{"SDES-order:", "SDES-offerer_pref:;",
		                                     "SDES-no-", "SDES-only- "}));
	}

	void legacy_pad_crypto()
	{
		for (const char* json :
		     {R"({"flags":["pad crypto"]})", R"({"flags":["pad-crypto"]})",
		      R"({"flags":["Pad_Crypto"]})", R"({"rtpp-flags":"pad-crypto"})"}) {
			auto f = ok_json(json);
			CPPUNIT_ASSERT_MESSAGE(json, f.options.sdes.pad && f.unknown.empty());
		}
	}

	void unknown_sdes_options_are_collected()
	{
		auto f = ok_json(
		        R"({"SDES":["frob","lifetime"],"flags":["SDES-wibble","SDES","SDESpad",
			"SDES-pad"],"rtpp-flags":"SDES-no-new SDES=zap,static SDES-"})");
		CPPUNIT_ASSERT(f.options.sdes.lifetime && f.options.sdes.pad &&
		               f.options.sdes.static_);
		// `no-new` is not `nonew`: it bans a suite called NEW, as rtpengine would.
		CPPUNIT_ASSERT(f.options.sdes.no == Strings{"NEW"});
		CPPUNIT_ASSERT(f.unknown == (Strings{"SDES-wibble", "SDES", "SDESpad", "sdes=frob",
		                                     "sdes=zap", "SDES-"}));
	}

	void sdes_value_of_wrong_type_is_an_error()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string("key 'sdes' must be a list of strings, not an integer"),
		        error_json(R"({"SDES":["pad",3]})"));
		CPPUNIT_ASSERT(error_json(R"({"OSRTP":{}})").find("osrtp") != std::string::npos);
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

	void transport_protocol_is_kept_verbatim()
	{
		// Signalling interprets the profile; the parser keeps what it was given.
		for (std::string proto : {"RTP/SAVP", "RTP/SAVPF", "RTP/AVP", "RTP/AVPF", "accept",
		                          "rtp/savp", "Accept"}) {
			for (const std::string& json :
			     {R"({"transport-protocol":")" + proto + R"("})",
			      R"({"transport protocol":")" + proto + R"("})",
			      R"({"rtpp-flags":"transport-protocol=)" + proto + R"("})"}) {
				auto f = ok_json(json);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(json, proto,
				                             f.options.transport_protocol);
				CPPUNIT_ASSERT_MESSAGE(json, f.unknown.empty());
			}
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(FlagsTest);
