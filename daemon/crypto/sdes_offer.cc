// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/sdes_offer.h"

#include <algorithm>

namespace rtprelay::crypto {

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
		if (!a.suite || (!options.nonew && !options.allows(a.suite_name)))
			continue;
		out.push_back(a);
		apply_parameters(options, out.back());
	}
	for (const sdp::SrtpSuite& suite : sdp::srtp_suites()) {
		if (options.nonew)
			break; // only what the offerer offered
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
		if (auto r = fresh_key(a.keys.emplace_back(), suite, options, keys); !r)
			return r.error();
		apply_parameters(options, a);
		out.push_back(std::move(a));
	}
	put_first(out, options.order);
	return out;
}

} // namespace rtprelay::crypto
