// A browser's ICE connectivity check (RFC 8445 7.2.2) as bytes, for tests that feed an agent:
// the fields a test varies, signed with the agent's password unless told otherwise.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <string>
#include <vector>

#include "crypto/hmac_sha1.h"
#include "ice/stun.h"

namespace rtprelay::test {

inline crypto::HmacSha1 stun_key(const std::string& pwd)
{
	crypto::HmacSha1 k;
	CPPUNIT_ASSERT(k.set_key({reinterpret_cast<const uint8_t*>(pwd.data()), pwd.size()}));
	return k;
}

struct BrowserCheck {
	std::string username = "LOCALUFR:remote";
	std::string pwd = "localpasswordlocalpassw0";
	bool use_candidate = false;
	bool controlled = false; // ICE-CONTROLLED instead of ICE-CONTROLLING
	bool fingerprint = true;
	bool integrity = true;
	uint16_t extra = 0; // an extra attribute type, if any
	uint8_t tx = 1;

	std::vector<uint8_t> bytes() const
	{
		using namespace ice;
		std::vector<uint8_t> b(256);
		TransactionId t{};
		t[0] = tx;
		StunWriter w(b, StunClass::kRequest, kStunBinding, t);
		w.username(username);
		w.priority(0x6e7f1eff);
		if (controlled)
			w.ice_controlled(7);
		else
			w.ice_controlling(7);
		if (use_candidate)
			w.use_candidate();
		if (extra) { // a placeholder attribute, retyped before it is signed
			std::array<uint16_t, 1> none{};
			size_t at = w.size();
			w.unknown_attributes(none);
			b[at] = static_cast<uint8_t>(extra >> 8);
			b[at + 1] = static_cast<uint8_t>(extra);
		}
		if (integrity)
			w.integrity(stun_key(pwd));
		if (fingerprint)
			w.fingerprint();
		b.resize(w.size());
		return b;
	}
};

} // namespace rtprelay::test
