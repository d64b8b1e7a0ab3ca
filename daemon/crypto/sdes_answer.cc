// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/sdes_answer.h"

#include <algorithm>

namespace rtprelay::crypto {
namespace {

// The offerer's lines the relay may settle on: suites it can key and the flags allow. Like
// newer rtpengine, the offerer's first keyable line stays even when the flags refuse them all,
// so that a call is not left without any.
std::vector<const sdp::CryptoAttr*> candidates(const std::vector<sdp::CryptoAttr>& offered,
                                               const SdesOptions& options)
{
	std::vector<const sdp::CryptoAttr*> out;
	for (const auto& a : offered)
		if (a.suite && options.allows(a.suite_name))
			out.push_back(&a);
	if (out.empty())
		for (const auto& a : offered)
			if (a.suite) {
				out.push_back(&a);
				break;
			}
	return out;
}

} // namespace

Result<SdesAnswer> answer_crypto(const std::vector<sdp::CryptoAttr>& offered,
                                 const std::vector<sdp::CryptoAttr>& answered,
                                 const SdesOptions& options, const KeySource& keys)
{
	SdesAnswer out;
	auto offers = candidates(offered, options);
	if (offers.empty())
		return out; // a plain offerer, or none of its suites can be keyed
	const sdp::CryptoAttr* chosen = offers.front();
	const sdp::CryptoAttr* theirs = answered.empty() ? nullptr : &answered.front();
	if (theirs && theirs->suite) {
		auto same = std::find_if(
		        offers.begin(), offers.end(),
		        [theirs](const sdp::CryptoAttr* a) { return a->suite == theirs->suite; });
		if (same != offers.end())
			chosen = *same;
	}
	sdp::CryptoAttr line = *chosen;
	line.keys.resize(1);
	sdp::CryptoKey& key = line.keys.front();
	key.lifetime.reset();
	key.mki.reset();
	key.mki_length = 0;
	out.passthrough = theirs && theirs->suite == chosen->suite;
	if (out.passthrough) {
		key = theirs->keys.front();
	} else {
		key.length =
		        static_cast<uint8_t>(chosen->suite->key_bytes + chosen->suite->salt_bytes);
		if (!keys({key.material.data(), key.length}))
			return Error{"no random bytes for an SRTP key"};
		key.padded = options.pad;
		if (options.lifetime) {
			key.lifetime = uint64_t{1} << 31;
			key.lifetime_as_power = true;
		}
	}
	if (options.unencrypted_srtp)
		line.unencrypted_srtp = *options.unencrypted_srtp;
	if (options.unencrypted_srtcp)
		line.unencrypted_srtcp = *options.unencrypted_srtcp;
	if (options.unauthenticated_srtp)
		line.unauthenticated_srtp = *options.unauthenticated_srtp;
	out.to_offerer = std::move(line);
	return out;
}

} // namespace rtprelay::crypto
