// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/sdes_options.h"

#include <openssl/rand.h>
#include <strings.h>

#include <algorithm>
#include <climits>

namespace rtprelay::crypto {
namespace {

// The lifetime rtpengine writes with SDES-lifetime: 2^31 packets (SRTCP's limit).
constexpr uint64_t kLifetime = uint64_t{1} << 31;

bool listed(const std::vector<std::string>& names, std::string_view suite)
{
	return std::any_of(names.begin(), names.end(), [suite](const std::string& n) {
		return n.size() == suite.size() &&
		       strncasecmp(n.data(), suite.data(), n.size()) == 0;
	});
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

Result<void> fresh_key(sdp::CryptoKey& key, const sdp::SrtpSuite& suite, const SdesOptions& options,
                       const KeySource& keys)
{
	key = sdp::CryptoKey();
	key.length = static_cast<uint8_t>(suite.key_bytes + suite.salt_bytes);
	if (!keys({key.material.data(), key.length}))
		return Error{"no random bytes for an SRTP key"};
	key.padded = options.pad;
	if (options.lifetime) {
		key.lifetime = kLifetime;
		key.lifetime_as_power = true;
	}
	return {};
}

size_t rank(const std::vector<std::string>& order, std::string_view suite)
{
	for (size_t i = 0; i < order.size(); i++)
		if (order[i].size() == suite.size() &&
		    strncasecmp(order[i].data(), suite.data(), suite.size()) == 0)
			return i;
	return order.size();
}

void put_first(std::vector<sdp::CryptoAttr>& lines, const std::vector<std::string>& order)
{
	std::stable_sort(lines.begin(), lines.end(),
	                 [&order](const sdp::CryptoAttr& a, const sdp::CryptoAttr& b) {
		                 return rank(order, a.suite_name) < rank(order, b.suite_name);
	                 });
}

void apply_parameters(const SdesOptions& options, sdp::CryptoAttr& line)
{
	if (options.unencrypted_srtp)
		line.unencrypted_srtp = *options.unencrypted_srtp;
	if (options.unencrypted_srtcp)
		line.unencrypted_srtcp = *options.unencrypted_srtcp;
	if (options.unauthenticated_srtp)
		line.unauthenticated_srtp = *options.unauthenticated_srtp;
}

} // namespace rtprelay::crypto
