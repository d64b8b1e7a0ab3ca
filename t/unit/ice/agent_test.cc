// The lite ICE agent: which checks it answers and how, what it refuses silently, nomination,
// consent expiry, ICE restarts, and the bounded memory of checked addresses.
#include "ice/agent.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "browser_check.h"

using namespace rtprelay;
using namespace rtprelay::ice;

namespace {

net::Endpoint endpoint(const char* text)
{
	auto e = net::Endpoint::parse(text, net::IpAddress::loopback_v4());
	CPPUNIT_ASSERT(e.has_value());
	return *e;
}

using Check = test::BrowserCheck;

} // namespace

class IceAgentTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(IceAgentTest);
	CPPUNIT_TEST(credentials_are_ice_chars);
	CPPUNIT_TEST(check_answered_and_nominated);
	CPPUNIT_TEST(strangers_get_nothing);
	CPPUNIT_TEST(role_conflict_and_unknown_attribute);
	CPPUNIT_TEST(consent_expires);
	CPPUNIT_TEST(nomination_moves_and_restart_forgets);
	CPPUNIT_TEST(nomination_names_the_relays_candidate);
	CPPUNIT_TEST(remote_ufrag_unknown_yet);
	CPPUNIT_TEST(sources_are_bounded);
	CPPUNIT_TEST(a_restored_selection_passes_and_has_consent);
	CPPUNIT_TEST_SUITE_END();

	Agent agent;
	std::vector<uint8_t> reply = std::vector<uint8_t>(1500);
	size_t reply_len = 0;

	Agent::Verdict feed(const Check& c, const char* from, int64_t now = 1000, unsigned comp = 1,
	                    size_t local = 0)
	{
		auto b = c.bytes();
		return agent.on_stun(comp, local, endpoint(from), b, now, reply, reply_len);
	}

public:
	void setUp() override
	{
		CPPUNIT_ASSERT(agent.set_local({"LOCALUFR", "localpasswordlocalpassw0"}));
		agent.set_remote("remote", "remotepasswordremotepass");
	}

	// ha/restore.cc: the selection of before the restart, as if just checked.
	void a_restored_selection_passes_and_has_consent()
	{
		uint64_t before = agent.generation();
		agent.restore(1, 2, endpoint("203.0.113.9:4000"), true, 5000);
		CPPUNIT_ASSERT(agent.generation() != before);
		CPPUNIT_ASSERT(*agent.selected(1) == endpoint("203.0.113.9:4000"));
		CPPUNIT_ASSERT_EQUAL(size_t{2}, agent.selected_local(1));
		CPPUNIT_ASSERT(agent.nominated(1));
		CPPUNIT_ASSERT(!agent.nominated(2));
		CPPUNIT_ASSERT(agent.checked(1, endpoint("203.0.113.9:4000")));
		CPPUNIT_ASSERT(!agent.checked(1, endpoint("203.0.113.9:4001")));
		CPPUNIT_ASSERT(agent.consent(1, 5000 + Agent::kConsentMs));
		CPPUNIT_ASSERT(!agent.consent(1, 5001 + Agent::kConsentMs));
		agent.restore(3, 0, endpoint("203.0.113.9:4000"), true, 5000); // no such component
		CPPUNIT_ASSERT(!agent.selected(2));
	}

	void credentials_are_ice_chars()
	{
		auto a = make_credentials();
		auto b = make_credentials();
		CPPUNIT_ASSERT(a && b);
		CPPUNIT_ASSERT_EQUAL(size_t{8}, a->ufrag.size());
		CPPUNIT_ASSERT_EQUAL(size_t{24}, a->pwd.size());
		CPPUNIT_ASSERT(a->pwd != b->pwd);
		for (char c : a->ufrag + a->pwd)
			CPPUNIT_ASSERT(isalnum(static_cast<unsigned char>(c)) || c == '+' ||
			               c == '/');
	}

	void check_answered_and_nominated()
	{
		Check c;
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:50000") == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.checked(1, endpoint("198.51.100.7:50000")));
		// Checked, not nominated: used until a nomination.
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("198.51.100.7:50000"));
		std::span<const uint8_t> r(reply.data(), reply_len);
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(r, m));
		CPPUNIT_ASSERT(m.cls == StunClass::kSuccess);
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, m.transaction[0]);
		CPPUNIT_ASSERT(m.xor_mapped == endpoint("198.51.100.7:50000"));
		CPPUNIT_ASSERT(integrity_ok(r, m, test::stun_key("localpasswordlocalpassw0")));
		CPPUNIT_ASSERT(fingerprint_ok(r, m));

		// Another address's check moves it while nothing is nominated...
		CPPUNIT_ASSERT(feed(c, "198.51.100.8:50000") == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("198.51.100.8:50000"));
		uint64_t g = agent.generation();
		c.use_candidate = true;
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:50000") == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("198.51.100.7:50000"));
		CPPUNIT_ASSERT(agent.generation() != g);
		// ... and after the nomination only another nomination does.
		c.use_candidate = false;
		CPPUNIT_ASSERT(feed(c, "198.51.100.8:50000") == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("198.51.100.7:50000"));
		CPPUNIT_ASSERT(!agent.selected(2)); // components are separate
		CPPUNIT_ASSERT(!agent.checked(2, endpoint("198.51.100.7:50000")));
	}

	void strangers_get_nothing()
	{
		Check wrong_pwd;
		wrong_pwd.pwd = "localpasswordlocalpassw1";
		Check wrong_ufrag;
		wrong_ufrag.username = "LOCALUFX:remote";
		Check wrong_remote;
		wrong_remote.username = "LOCALUFR:other";
		Check no_colon;
		no_colon.username = "LOCALUFR";
		Check no_mi;
		no_mi.integrity = false;
		for (const Check* c :
		     {&wrong_pwd, &wrong_ufrag, &wrong_remote, &no_colon, &no_mi}) {
			reply_len = 0;
			CPPUNIT_ASSERT(feed(*c, "203.0.113.1:1") == Agent::Verdict::kUnauthorized);
			CPPUNIT_ASSERT_EQUAL(size_t{0}, reply_len);
		}
		auto b = Check{}.bytes();
		b.back() ^= 1; // a bad FINGERPRINT
		CPPUNIT_ASSERT(agent.on_stun(1, 0, endpoint("203.0.113.1:1"), b, 0, reply,
		                             reply_len) == Agent::Verdict::kUnauthorized);
		std::vector<uint8_t> junk{0, 1, 0, 0, 1, 2, 3};
		CPPUNIT_ASSERT(agent.on_stun(1, 0, endpoint("203.0.113.1:1"), junk, 0, reply,
		                             reply_len) == Agent::Verdict::kMalformed);
		CPPUNIT_ASSERT(feed(Check{}, "203.0.113.1:1", 0, 3) == Agent::Verdict::kMalformed);
		CPPUNIT_ASSERT(!agent.checked(1, endpoint("203.0.113.1:1")));
	}

	void role_conflict_and_unknown_attribute()
	{
		Check c;
		c.controlled = true;
		c.use_candidate = true;
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:1") == Agent::Verdict::kReply);
		StunMessage m;
		std::span<const uint8_t> r(reply.data(), reply_len);
		CPPUNIT_ASSERT(parse_stun(r, m));
		CPPUNIT_ASSERT(m.cls == StunClass::kError);
		CPPUNIT_ASSERT_EQUAL(uint16_t{487}, *m.error_code);
		CPPUNIT_ASSERT(integrity_ok(r, m, test::stun_key("localpasswordlocalpassw0")));
		CPPUNIT_ASSERT(!agent.selected(1) && !agent.checked(1, endpoint("198.51.100.7:1")));

		Check u;
		u.extra = 0x0042;
		CPPUNIT_ASSERT(feed(u, "198.51.100.7:1") == Agent::Verdict::kReply);
		r = {reply.data(), reply_len};
		CPPUNIT_ASSERT(parse_stun(r, m));
		CPPUNIT_ASSERT_EQUAL(uint16_t{420}, *m.error_code);
		CPPUNIT_ASSERT(!agent.checked(1, endpoint("198.51.100.7:1")));
	}

	void consent_expires()
	{
		Check c;
		c.use_candidate = true;
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:9", 1000) == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.consent(1, 1000 + Agent::kConsentMs));
		CPPUNIT_ASSERT(!agent.consent(1, 1001 + Agent::kConsentMs));
		c.use_candidate = false; // consent checks do not nominate again
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:9", 25000) == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(agent.consent(1, 25000 + Agent::kConsentMs));
		// Checks from another address renew nothing for the selected one.
		CPPUNIT_ASSERT(feed(c, "198.51.100.8:9", 50000) == Agent::Verdict::kReply);
		CPPUNIT_ASSERT(!agent.consent(1, 25001 + Agent::kConsentMs));
		CPPUNIT_ASSERT(!agent.consent(2, 0));
	}

	void nomination_moves_and_restart_forgets()
	{
		Check c;
		c.use_candidate = true;
		feed(c, "198.51.100.7:9");
		uint64_t g = agent.generation();
		feed(c, "[2001:db8::7]:9");
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("[2001:db8::7]:9"));
		CPPUNIT_ASSERT(agent.generation() != g);
		g = agent.generation();
		agent.set_remote("remote", "remotepasswordremotepass"); // the same: nothing
		CPPUNIT_ASSERT_EQUAL(g, agent.generation());
		agent.set_remote("remote2", "remotepasswordremotepas2"); // the party restarts
		CPPUNIT_ASSERT(!agent.selected(1));
		CPPUNIT_ASSERT(!agent.checked(1, endpoint("198.51.100.7:9")));
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:9") == Agent::Verdict::kUnauthorized);
		c.username = "LOCALUFR:remote2";
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:9") == Agent::Verdict::kReply);
		// We restart: the old password no longer works.
		CPPUNIT_ASSERT(agent.set_local({"NEWUFRAG", "newpasswordnewpassword00"}));
		CPPUNIT_ASSERT(!agent.selected(1));
		CPPUNIT_ASSERT(feed(c, "198.51.100.7:9") == Agent::Verdict::kUnauthorized);
	}

	// The party checks several of the relay's host candidates. Before its nomination a check
	// on a later candidate (lower priority) does not displace the selection on an earlier
	// one, but one on an earlier candidate does; the nominated pair names its candidate, and
	// after it only a new nomination moves. Each component has its own selection.
	void nomination_names_the_relays_candidate()
	{
		Check c;
		feed(c, "[2001:db8::7]:9", 1000, 1, 1);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, agent.selected_local(1));
		uint64_t g = agent.generation();
		feed(c, "198.51.100.7:9", 1000, 1, 2);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, agent.selected_local(1));
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("[2001:db8::7]:9"));
		CPPUNIT_ASSERT_EQUAL(g, agent.generation());
		feed(c, "198.51.100.7:9", 1000, 1, 0);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, agent.selected_local(1));
		CPPUNIT_ASSERT(agent.generation() != g);
		g = agent.generation();
		c.use_candidate = true;
		feed(c, "[2001:db8::7]:9", 1000, 1, 1);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, agent.selected_local(1));
		CPPUNIT_ASSERT(agent.generation() != g);
		c.use_candidate = false; // after it, a check on another candidate moves nothing
		g = agent.generation();
		feed(c, "198.51.100.7:9", 1000, 1, 0);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, agent.selected_local(1));
		CPPUNIT_ASSERT_EQUAL(g, agent.generation());
		feed(c, "198.51.100.7:10", 1000, 2, 2); // RTCP's own
		CPPUNIT_ASSERT_EQUAL(size_t{2}, agent.selected_local(2));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, agent.selected_local(1));
	}

	void remote_ufrag_unknown_yet()
	{
		Agent a;
		CPPUNIT_ASSERT(a.set_local({"LOCALUFR", "localpasswordlocalpassw0"}));
		auto b = Check{}.bytes();
		CPPUNIT_ASSERT(a.on_stun(1, 0, endpoint("198.51.100.7:9"), b, 0, reply,
		                         reply_len) == Agent::Verdict::kReply);
		Agent none; // no credentials of ours at all: nothing is answered
		CPPUNIT_ASSERT(none.on_stun(1, 0, endpoint("198.51.100.7:9"), b, 0, reply,
		                            reply_len) == Agent::Verdict::kUnauthorized);
	}

	void sources_are_bounded()
	{
		Check c;
		c.use_candidate = true;
		feed(c, "198.51.100.1:1", 0);
		c.use_candidate = false;
		for (int i = 2; i <= 20; i++) {
			std::string a = "198.51.100." + std::to_string(i) + ":1";
			CPPUNIT_ASSERT(feed(c, a.c_str(), i) == Agent::Verdict::kReply);
		}
		CPPUNIT_ASSERT(agent.selected(1) == endpoint("198.51.100.1:1"));
		CPPUNIT_ASSERT(agent.checked(1, endpoint("198.51.100.1:1"))); // kept while selected
		CPPUNIT_ASSERT(agent.checked(1, endpoint("198.51.100.20:1")));
		CPPUNIT_ASSERT(!agent.checked(1, endpoint("198.51.100.2:1"))); // the oldest went
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(IceAgentTest);
