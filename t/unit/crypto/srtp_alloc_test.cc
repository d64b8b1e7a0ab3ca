// "No allocation per packet" (issue 13), measured: OpenSSL's allocator is replaced, before
// anything in this process uses OpenSSL, by one that counts while a packet is being protected
// or unprotected. SrtpSession's own code holds only fixed arrays and values, so OpenSSL (its
// cipher contexts given a new IV, the GCM tag controls) is where an allocation could hide.
#include <openssl/crypto.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/srtp_session.h"

using namespace rtprelay;
using namespace rtprelay::crypto;
using V = SrtpSession::Verdict;

namespace {

std::atomic<bool> counting{false};
std::atomic<unsigned long> allocations{0};

void* count_malloc(size_t n, const char*, int)
{
	if (counting)
		allocations++;
	return malloc(n);
}

void* count_realloc(void* p, size_t n, const char*, int)
{
	if (counting)
		allocations++;
	return realloc(p, n);
}

void count_free(void* p, const char*, int)
{
	free(p);
}

// Before main(), so before OpenSSL's first allocation (it refuses once it has allocated).
const bool hooked = CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free) == 1;

std::vector<uint8_t> rtp_packet(uint16_t seq)
{
	std::vector<uint8_t> p(12 + 160 + SrtpSession::kMaxTrailer, 0);
	p[0] = 0x80;
	p[2] = static_cast<uint8_t>(seq >> 8);
	p[3] = static_cast<uint8_t>(seq);
	p[11] = 0x77;
	return p;
}

} // namespace

class SrtpAllocTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SrtpAllocTest);
	CPPUNIT_TEST(no_openssl_allocation_per_packet);
	CPPUNIT_TEST_SUITE_END();

public:
	void no_openssl_allocation_per_packet()
	{
		CPPUNIT_ASSERT_MESSAGE("OpenSSL allocated before the counting hook", hooked);
		for (const sdp::SrtpSuite& suite : sdp::srtp_suites()) {
			std::string name(suite.name);
			std::vector<uint8_t> key(size_t{suite.key_bytes} + suite.salt_bytes, 9);
			allocations = 0;
			counting = true;
			auto out =
			        SrtpSession::create(suite, key, SrtpSession::Direction::kOutbound);
			auto in = SrtpSession::create(suite, key, SrtpSession::Direction::kInbound);
			counting = false;
			CPPUNIT_ASSERT_MESSAGE(name, out && in);
			// The hook sees OpenSSL's allocations: making the cipher contexts has some.
			CPPUNIT_ASSERT_MESSAGE(name, allocations > 0);
			// Packets prepared before counting: only protect/unprotect are counted.
			std::vector<std::vector<uint8_t>> rtp;
			for (uint16_t seq = 1; seq <= 50; seq++)
				rtp.push_back(rtp_packet(seq));
			std::vector<uint8_t> rtcp(8 + SrtpSession::kMaxTrailer, 0);
			rtcp[0] = 0x80;
			rtcp[1] = 201;
			rtcp[3] = 1;
			allocations = 0;
			counting = true;
			bool ok = true;
			for (auto& p : rtp) {
				size_t len = 172;
				ok = ok && out->protect(p.data(), len, p.size(), false) == V::kOk;
				ok = ok && in->unprotect(p.data(), len, false) == V::kOk;
				p[40] ^= 1; // and a failure: the tampered copy is refused
				ok = ok &&
				     out->protect(p.data(), len, p.size(), false) == V::kReplay;
			}
			size_t len = 8;
			ok = ok && out->protect(rtcp.data(), len, rtcp.size(), true) == V::kOk;
			ok = ok && in->unprotect(rtcp.data(), len, true) == V::kOk;
			counting = false;
			CPPUNIT_ASSERT_MESSAGE(name, ok);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 0UL, allocations.load());
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SrtpAllocTest);
