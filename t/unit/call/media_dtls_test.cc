// DTLS-SRTP roles in signalling (call/media_dtls.h), for every way an offer and its answer can
// set them: the relay's a=setup is always the complement of the party's, an actpass offer gets
// the relay's preference, a re-offer keeps the settled role and the association, and a new
// certificate or tls-id starts a new one. (t/webrtc runs the same with a browser.)
#include "call/media_dtls.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "call_fixture.h"
#include "sdp/parser.h"

using namespace rtprelay;
using namespace rtprelay::call;
using Role = crypto::DtlsSession::Role;

namespace {

const std::string kFp1 = "sha-256 " + std::string(31 * 3, 'x');
const std::string kFp2 =
        "SHA-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
        "67:89:AB:CD:EF:01:23:45:67:89";

std::string fingerprint(char c)
{
	std::string fp = "sha-256 ";
	for (int i = 0; i < 32; i++)
		fp += std::string(i ? ":" : "") + c + c;
	return fp;
}

sdp::Session party_sdp(const std::string& setup, const std::string& fp,
                       const std::string& extra = "")
{
	std::string text =
	        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
	if (!fp.empty())
		text += "a=fingerprint:" + fp + "\r\n";
	if (!setup.empty())
		text += "a=setup:" + setup + "\r\n";
	text += extra;
	auto s = sdp::parse(text);
	CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().reason, s);
	return std::move(s).value();
}

} // namespace

class MediaDtlsTest : public test::CallFixture {
	CPPUNIT_TEST_SUITE(MediaDtlsTest);
	CPPUNIT_TEST(answering_an_offer);
	CPPUNIT_TEST(offering_then_the_answer);
	CPPUNIT_TEST(reoffers_keep_the_association);
	CPPUNIT_TEST(new_certificate_or_tls_id_is_a_new_association);
	CPPUNIT_TEST(attributes_never_pass_to_others);
	CPPUNIT_TEST(bad_or_missing_fingerprint);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<crypto::DtlsIdentity> id_;

	Media& party()
	{
		Media& m = pair("browser", "phone").media_at(1);
		m.protocol = "UDP/TLS/RTP/SAVPF";
		return m;
	}

	// The party offered `setup`; returns the relay's a=setup in its answer.
	std::string answer_to(Media& m, const std::string& setup,
	                      DtlsMode mode = DtlsMode::kDefault,
	                      const std::string& fp = fingerprint('a'))
	{
		sdp::Session in = party_sdp(setup, fp);
		auto r = read_dtls(m, in, in.media()[0], false, id_.get());
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
		return written_setup(m, mode, true);
	}

	std::string written_setup(Media& m, DtlsMode mode, bool answering)
	{
		sdp::Session out = party_sdp("", "");
		auto r = write_dtls(out.media()[0], m, id_.get(), mode, answering);
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
		CPPUNIT_ASSERT_EQUAL(id_->fingerprint(),
		                     std::string(*out.media()[0].attr("fingerprint")));
		return std::string(out.media()[0].attr("setup").value_or(""));
	}

	void party_answers(Media& m, const std::string& setup,
	                   const std::string& fp = fingerprint('a'))
	{
		sdp::Session in = party_sdp(setup, fp);
		auto r = read_dtls(m, in, in.media()[0], true, id_.get());
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
	}

public:
	void setUp() override
	{
		test::CallFixture::setUp();
		auto id = crypto::DtlsIdentity::generate();
		CPPUNIT_ASSERT(id);
		id_ = std::move(*id);
	}

	void answering_an_offer()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("passive"), answer_to(party(), "actpass"));
		tearDown();
		setUp();
		CPPUNIT_ASSERT_EQUAL(std::string("active"),
		                     answer_to(party(), "actpass", DtlsMode::kActive));
		tearDown();
		setUp();
		CPPUNIT_ASSERT_EQUAL(std::string("passive"), answer_to(party(), "active"));
		tearDown();
		setUp();
		Media& m = party();
		CPPUNIT_ASSERT_EQUAL(std::string("active"),
		                     answer_to(m, "passive", DtlsMode::kPassive));
		CPPUNIT_ASSERT(m.dtls && m.dtls->role() == Role::kActive);
		// DTLS-reverse of the party's offer, unless the answer's DTLS flag says otherwise.
		tearDown();
		setUp();
		party().dtls_answer_role = Role::kActive;
		CPPUNIT_ASSERT_EQUAL(std::string("active"), answer_to(party(), "actpass"));
		tearDown();
		setUp();
		party().dtls_answer_role = Role::kActive;
		CPPUNIT_ASSERT_EQUAL(std::string("passive"),
		                     answer_to(party(), "actpass", DtlsMode::kPassive));
	}

	void offering_then_the_answer()
	{
		for (const char* answer : {"active", "passive", "actpass"}) {
			tearDown();
			setUp();
			Media& m = party();
			CPPUNIT_ASSERT_EQUAL(std::string("actpass"),
			                     written_setup(m, DtlsMode::kDefault, false));
			CPPUNIT_ASSERT(!m.dtls); // nothing before the party's answer
			party_answers(m, answer);
			Role want =
			        std::string(answer) == "active" ? Role::kPassive : Role::kActive;
			CPPUNIT_ASSERT_MESSAGE(answer, m.dtls && m.dtls->role() == want);
			// Every re-offer states the settled role, never actpass again.
			CPPUNIT_ASSERT_EQUAL(
			        std::string(want == Role::kActive ? "active" : "passive"),
			        written_setup(m, DtlsMode::kDefault, false));
		}
		tearDown();
		setUp();
		CPPUNIT_ASSERT_EQUAL(std::string("active"),
		                     written_setup(party(), DtlsMode::kActive, false));
	}

	void reoffers_keep_the_association()
	{
		Media& m = party();
		CPPUNIT_ASSERT_EQUAL(std::string("passive"), answer_to(m, "actpass"));
		const crypto::DtlsSession* first = m.dtls.get();
		// The party re-offers actpass (a re-INVITE, an ICE restart): the same role, the
		// same association, even where DTLS=active would ask otherwise.
		CPPUNIT_ASSERT_EQUAL(std::string("passive"),
		                     answer_to(m, "actpass", DtlsMode::kActive));
		CPPUNIT_ASSERT(m.dtls.get() == first);
		// The relay re-offers: it states its role.
		CPPUNIT_ASSERT_EQUAL(std::string("passive"),
		                     written_setup(m, DtlsMode::kDefault, false));
		party_answers(m, "active");
		CPPUNIT_ASSERT(m.dtls.get() == first);
	}

	void new_certificate_or_tls_id_is_a_new_association()
	{
		Media& m = party();
		answer_to(m, "actpass");
		CPPUNIT_ASSERT(m.dtls);
		sdp::Session b = party_sdp("actpass", fingerprint('b'));
		CPPUNIT_ASSERT(read_dtls(m, b, b.media()[0], false, id_.get()));
		CPPUNIT_ASSERT(!m.dtls); // the old association ended
		written_setup(m, DtlsMode::kDefault, true);
		CPPUNIT_ASSERT(m.dtls && m.dtls->fingerprint() == fingerprint('B'));
		// The same certificate with a new tls-id.
		sdp::Session t = party_sdp("actpass", fingerprint('b'), "a=tls-id:abc123\r\n");
		CPPUNIT_ASSERT(read_dtls(m, t, t.media()[0], false, id_.get()));
		CPPUNIT_ASSERT(!m.dtls);
		written_setup(m, DtlsMode::kDefault, true);
		CPPUNIT_ASSERT(m.dtls);
		// And again: nothing new, the association stays.
		CPPUNIT_ASSERT(read_dtls(m, t, t.media()[0], false, id_.get()));
		CPPUNIT_ASSERT(m.dtls);
	}

	void attributes_never_pass_to_others()
	{
		Media& phone = pair("browser", "phone").peer->media_at(1);
		phone.protocol = "RTP/AVP";
		sdp::Session s = party_sdp("actpass", fingerprint('a'), "a=tls-id:x\r\n");
		CPPUNIT_ASSERT(
		        write_dtls(s.media()[0], phone, id_.get(), DtlsMode::kDefault, false));
		for (const char* a : {"fingerprint", "setup", "tls-id"})
			CPPUNIT_ASSERT_MESSAGE(a, !s.media()[0].has_attr(a));
		CPPUNIT_ASSERT(!speaks_dtls(phone));
	}

	void bad_or_missing_fingerprint()
	{
		Media& m = party();
		sdp::Session none = party_sdp("actpass", "");
		auto r = read_dtls(m, none, none.media()[0], false, id_.get());
		CPPUNIT_ASSERT(!r && r.error().reason.find("a=fingerprint") != std::string::npos);
		for (const std::string& fp :
		     {kFp1, std::string("sha-256"), std::string("sha-256 AB:C")}) {
			sdp::Session bad = party_sdp("actpass", fp);
			CPPUNIT_ASSERT_MESSAGE(
			        fp, !read_dtls(m, bad, bad.media()[0], false, id_.get()));
		}
		sdp::Session upper = party_sdp("ACTPASS", kFp2);
		CPPUNIT_ASSERT(read_dtls(m, upper, upper.media()[0], false, id_.get()));
		CPPUNIT_ASSERT_EQUAL(std::string("sha-256 ") + kFp2.substr(8), m.dtls_fingerprint);
		CPPUNIT_ASSERT_EQUAL(std::string("actpass"), m.dtls_setup);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaDtlsTest);
