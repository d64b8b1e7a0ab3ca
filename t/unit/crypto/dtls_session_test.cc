// DTLS-SRTP sessions handshaking with each other in memory: both roles connect and export the
// same keys crosswise, which protect and unprotect SRTP; lost flights come back by the timer;
// a certificate that does not match the fingerprint fails the handshake; identities, their
// fingerprints and the profile names. (A browser is the other implementation this meets, in
// t/webrtc.)
#include "crypto/dtls_session.h"

#include <openssl/pem.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "crypto/srtp_session.h"

using namespace rtprelay;
using namespace rtprelay::crypto;

namespace {

using Wire = std::deque<std::vector<uint8_t>>;

DtlsSession::Send to(Wire& w)
{
	return [&w](std::span<const uint8_t> d) { w.emplace_back(d.begin(), d.end()); };
}

std::unique_ptr<DtlsIdentity> identity()
{
	auto id = DtlsIdentity::generate();
	CPPUNIT_ASSERT_MESSAGE(id ? "" : id.error().reason, id);
	return std::move(*id);
}

// Delivers what each side sent to the other until both are quiet; `drop` loses the first
// datagram that many times.
void pump(DtlsSession& a, Wire& a_out, DtlsSession& b, Wire& b_out, int drop = 0)
{
	for (int round = 0; round < 50 && (!a_out.empty() || !b_out.empty()); round++) {
		while (!a_out.empty()) {
			auto d = std::move(a_out.front());
			a_out.pop_front();
			if (drop > 0) {
				drop--;
				continue;
			}
			b.on_datagram(d, to(b_out));
		}
		while (!b_out.empty()) {
			auto d = std::move(b_out.front());
			b_out.pop_front();
			a.on_datagram(d, to(a_out));
		}
	}
}

std::vector<uint8_t> rtp(uint16_t seq)
{
	std::vector<uint8_t> p(12 + 160 + SrtpSession::kMaxTrailer, 0x42);
	p[0] = 0x80;
	p[2] = static_cast<uint8_t>(seq >> 8);
	p[3] = static_cast<uint8_t>(seq);
	p[8] = 0x12;
	return p;
}

} // namespace

class DtlsSessionTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(DtlsSessionTest);
	CPPUNIT_TEST(identity_and_fingerprints);
	CPPUNIT_TEST(handshake_exports_matching_keys);
	CPPUNIT_TEST(lost_flight_is_retransmitted);
	CPPUNIT_TEST(wrong_fingerprint_fails);
	CPPUNIT_TEST(profiles);
	CPPUNIT_TEST(identity_from_a_file);
	CPPUNIT_TEST_SUITE_END();

	std::unique_ptr<DtlsIdentity> relay = identity();
	std::unique_ptr<DtlsIdentity> peer = identity();

public:
	void identity_and_fingerprints()
	{
		const std::string& fp = relay->fingerprint();
		CPPUNIT_ASSERT_EQUAL(std::string("sha-256 "), fp.substr(0, 8));
		CPPUNIT_ASSERT_EQUAL(size_t{8 + 32 * 3 - 1}, fp.size());
		CPPUNIT_ASSERT(fp != peer->fingerprint());
		X509* cert = SSL_CTX_get0_certificate(relay->context());
		CPPUNIT_ASSERT_EQUAL(fp.substr(8), *certificate_fingerprint(cert, "SHA-256"));
		CPPUNIT_ASSERT_EQUAL(size_t{20 * 3 - 1},
		                     certificate_fingerprint(cert, "sha-1")->size());
		CPPUNIT_ASSERT_EQUAL(size_t{64 * 3 - 1},
		                     certificate_fingerprint(cert, "sha-512")->size());
		CPPUNIT_ASSERT(!certificate_fingerprint(cert, "md5"));
	}

	void handshake_exports_matching_keys()
	{
		auto a = DtlsSession::create(*relay, DtlsSession::Role::kActive,
		                             peer->fingerprint());
		auto b = DtlsSession::create(*peer, DtlsSession::Role::kPassive,
		                             relay->fingerprint());
		CPPUNIT_ASSERT(a && b);
		Wire a_out, b_out;
		(*b)->start(to(b_out)); // the passive side sends nothing first
		CPPUNIT_ASSERT(b_out.empty());
		(*a)->start(to(a_out));
		CPPUNIT_ASSERT(!a_out.empty());
		CPPUNIT_ASSERT((*a)->timer_ms().has_value());
		pump(**a, a_out, **b, b_out);
		CPPUNIT_ASSERT_MESSAGE((*a)->reason(),
		                       (*a)->state() == DtlsSession::State::kConnected);
		CPPUNIT_ASSERT_MESSAGE((*b)->reason(),
		                       (*b)->state() == DtlsSession::State::kConnected);
		const DtlsSrtpKeys& ka = *(*a)->keys();
		const DtlsSrtpKeys& kb = *(*b)->keys();
		CPPUNIT_ASSERT_EQUAL(std::string("AEAD_AES_256_GCM"), std::string(ka.suite->name));
		CPPUNIT_ASSERT(ka.suite == kb.suite);
		CPPUNIT_ASSERT_EQUAL(size_t{32 + 12}, ka.length);
		CPPUNIT_ASSERT(ka.local == kb.remote && ka.remote == kb.local);
		CPPUNIT_ASSERT(ka.local != ka.remote);
		CPPUNIT_ASSERT(!(*a)->timer_ms());

		// What one side protects the other unprotects, both ways.
		for (bool a_sends : {true, false}) {
			const DtlsSrtpKeys& s = a_sends ? ka : kb;
			const DtlsSrtpKeys& r = a_sends ? kb : ka;
			auto out = SrtpSession::create(*s.suite, s.local_key_salt(),
			                               SrtpSession::Direction::kOutbound);
			auto in = SrtpSession::create(*r.suite, r.remote_key_salt(),
			                              SrtpSession::Direction::kInbound);
			CPPUNIT_ASSERT(out && in);
			auto p = rtp(1);
			size_t len = 12 + 160;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) ==
			               SrtpSession::Verdict::kOk);
			CPPUNIT_ASSERT(in->unprotect(p.data(), len, false) ==
			               SrtpSession::Verdict::kOk);
			CPPUNIT_ASSERT_EQUAL(size_t{12 + 160}, len);
		}
	}

	void lost_flight_is_retransmitted()
	{
		auto a = DtlsSession::create(*relay, DtlsSession::Role::kActive,
		                             peer->fingerprint());
		auto b = DtlsSession::create(*peer, DtlsSession::Role::kPassive,
		                             relay->fingerprint());
		Wire a_out, b_out;
		(*a)->start(to(a_out));
		a_out.clear(); // the ClientHello is lost
		pump(**a, a_out, **b, b_out);
		CPPUNIT_ASSERT((*a)->state() == DtlsSession::State::kHandshaking);
		// OpenSSL's timer runs on the wall clock: wait until it is due, then fire it.
		auto due = (*a)->timer_ms();
		CPPUNIT_ASSERT(due && *due <= 1000);
		usleep(static_cast<useconds_t>(*due * 1000 + 20000));
		(*a)->on_timer(to(a_out));
		CPPUNIT_ASSERT(!a_out.empty());
		pump(**a, a_out, **b, b_out);
		CPPUNIT_ASSERT((*a)->state() == DtlsSession::State::kConnected);
		CPPUNIT_ASSERT((*b)->state() == DtlsSession::State::kConnected);
	}

	void wrong_fingerprint_fails()
	{
		auto a = DtlsSession::create(*relay, DtlsSession::Role::kActive,
		                             relay->fingerprint());
		auto b = DtlsSession::create(*peer, DtlsSession::Role::kPassive,
		                             relay->fingerprint());
		Wire a_out, b_out;
		(*a)->start(to(a_out));
		pump(**a, a_out, **b, b_out);
		CPPUNIT_ASSERT((*a)->state() == DtlsSession::State::kFailed);
		CPPUNIT_ASSERT((*a)->reason().find("a=fingerprint") != std::string::npos);
		CPPUNIT_ASSERT(!(*a)->keys());
		// The refusal happened during the handshake: its alert ended the other side's too,
		// which never connected either.
		CPPUNIT_ASSERT((*b)->state() == DtlsSession::State::kFailed);
		CPPUNIT_ASSERT(!(*b)->keys());
		// Garbage after a failure changes nothing.
		std::vector<uint8_t> junk(40, 22);
		(*a)->on_datagram(junk, to(a_out));
		CPPUNIT_ASSERT((*a)->state() == DtlsSession::State::kFailed);

		// The same where the passive side (the relay answering a browser) checks the
		// client's certificate.
		auto client = DtlsSession::create(*peer, DtlsSession::Role::kActive,
		                                  relay->fingerprint());
		auto server = DtlsSession::create(*relay, DtlsSession::Role::kPassive,
		                                  relay->fingerprint());
		Wire c_out, s_out;
		(*client)->start(to(c_out));
		pump(**client, c_out, **server, s_out);
		CPPUNIT_ASSERT((*server)->state() == DtlsSession::State::kFailed);
		CPPUNIT_ASSERT((*server)->reason().find("a=fingerprint") != std::string::npos);
		CPPUNIT_ASSERT((*client)->state() == DtlsSession::State::kFailed);
		CPPUNIT_ASSERT(!(*server)->keys() && !(*client)->keys());
	}

	void profiles()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("AES_CM_128_HMAC_SHA1_80"),
		                     std::string(suite_of_profile("SRTP_AES128_CM_SHA1_80")->name));
		CPPUNIT_ASSERT_EQUAL(std::string("AES_CM_128_HMAC_SHA1_32"),
		                     std::string(suite_of_profile("SRTP_AES128_CM_SHA1_32")->name));
		CPPUNIT_ASSERT_EQUAL(std::string("AEAD_AES_128_GCM"),
		                     std::string(suite_of_profile("SRTP_AEAD_AES_128_GCM")->name));
		CPPUNIT_ASSERT(!suite_of_profile("SRTP_NULL_SHA1_80"));
	}

	void identity_from_a_file()
	{
		char path[] = "/tmp/rtprelay-dtls-XXXXXX";
		int fd = mkstemp(path);
		CPPUNIT_ASSERT(fd >= 0);
		FILE* f = fdopen(fd, "w");
		PEM_write_X509(f, SSL_CTX_get0_certificate(relay->context()));
		PEM_write_PrivateKey(f, SSL_CTX_get0_privatekey(relay->context()), nullptr, nullptr,
		                     0, nullptr, nullptr);
		fclose(f);
		auto loaded = DtlsIdentity::load(path);
		CPPUNIT_ASSERT(loaded);
		CPPUNIT_ASSERT_EQUAL(relay->fingerprint(), (*loaded)->fingerprint());
		FILE* g = fopen(path, "w");
		fputs("not a certificate\n", g);
		fclose(g);
		CPPUNIT_ASSERT(!DtlsIdentity::load(path));
		unlink(path);
		CPPUNIT_ASSERT(!DtlsIdentity::load(path));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DtlsSessionTest);
