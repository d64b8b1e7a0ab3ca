// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/sdes_offer.h"

#include <openssl/rand.h>
#include <strings.h>

#include <algorithm>
#include <climits>

namespace rtprelay::crypto {
namespace {

// SRTP keys live for 2^31 packets at most in rtpengine's lines (SRTCP's limit).
constexpr uint64_t kLifetime = uint64_t{1} << 31;

bool listed(const std::vector<std::string>& names, std::string_view suite)
{
	return std::any_of(names.begin(), names.end(), [suite](const std::string& n) {
		return n.size() == suite.size() &&
		       strncasecmp(n.data(), suite.data(), n.size()) == 0;
	});
}

void apply_parameters(const SdesOptions& o, sdp::CryptoAttr& a)
{
	if (o.unencrypted_srtp)
		a.unencrypted_srtp = *o.unencrypted_srtp;
	if (o.unencrypted_srtcp)
		a.unencrypted_srtcp = *o.unencrypted_srtcp;
	if (o.unauthenticated_srtp)
		a.unauthenticated_srtp = *o.unauthenticated_srtp;
}

} // namespace

bool SdesOptions::allows(std::string_view suite) const
{
	if (!only.empty())
		return listed(only, suite);
	return !listed(no, suite);
}

bool random_key(std::span<uint8_t> out)
{
	return out.size() <= INT_MAX && RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

Result<std::vector<sdp::CryptoAttr>> offer_crypto(const std::vector<sdp::CryptoAttr>& offered,
                                                  const SdesOptions& options, const KeySource& keys)
{
	std::vector<sdp::CryptoAttr> out;
	if (options.off)
		return out;
	uint32_t next_tag = 1;
	for (const sdp::CryptoAttr& a : offered) {
		next_tag = std::max(next_tag, a.tag + 1);
		// A suite the relay cannot key is dropped (issue 13), though rtpengine passes F8
		// on.
		if (!a.suite || !options.allows(a.suite_name))
			continue;
		out.push_back(a);
		apply_parameters(options, out.back());
	}
	for (const sdp::SrtpSuite& suite : sdp::srtp_suites()) {
		bool present =
		        std::any_of(out.begin(), out.end(), [&suite](const sdp::CryptoAttr& a) {
			        return a.suite == &suite;
		        });
		if (present || !options.allows(suite.name))
			continue;
		sdp::CryptoAttr a;
		a.tag = next_tag++;
		a.suite_name = std::string(suite.name);
		a.suite = &suite;
		sdp::CryptoKey& key = a.keys.emplace_back();
		key.length = static_cast<uint8_t>(suite.key_bytes + suite.salt_bytes);
		if (!keys({key.material.data(), key.length}))
			return Error{"no random bytes for an SRTP key"};
		key.padded = options.pad;
		if (options.lifetime) {
			key.lifetime = kLifetime;
			key.lifetime_as_power = true;
		}
		apply_parameters(options, a);
		out.push_back(std::move(a));
	}
	return out;
}

} // namespace rtprelay::crypto
