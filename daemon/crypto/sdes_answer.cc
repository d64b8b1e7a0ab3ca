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
	std::stable_sort(out.begin(), out.end(), [&options](auto* a, auto* b) {
		return rank(options.offerer_pref, a->suite_name) <
		       rank(options.offerer_pref, b->suite_name);
	});
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
	// SDES-offerer_pref: the offerer's preference decides, not the answerer's suite.
	if (theirs && theirs->suite && options.offerer_pref.empty()) {
		auto same = std::find_if(
		        offers.begin(), offers.end(),
		        [theirs](const sdp::CryptoAttr* a) { return a->suite == theirs->suite; });
		if (same != offers.end())
			chosen = *same;
	}
	sdp::CryptoAttr line = *chosen;
	line.keys.resize(1);
	out.passthrough = theirs && theirs->suite == chosen->suite;
	if (out.passthrough)
		line.keys.front() = theirs->keys.front();
	else if (auto r = fresh_key(line.keys.front(), *chosen->suite, options, keys); !r)
		return r.error();
	apply_parameters(options, line);
	out.to_offerer = std::move(line);
	return out;
}

} // namespace rtprelay::crypto
