// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_state.h"

#include <cstring>

namespace rtprelay::crypto {

SrtpKeying::~SrtpKeying()
{
	explicit_bzero(master.data(), master.size());
}

SrtpKeying SrtpKeying::from(const sdp::CryptoAttr& line)
{
	SrtpKeying k;
	k.suite = static_cast<uint8_t>(line.suite - sdp::srtp_suites().data());
	const sdp::CryptoKey& key = line.keys.front();
	k.length = key.length;
	k.master = key.material;
	if (key.mki) {
		k.mki = *key.mki;
		k.mki_length = key.mki_length;
	}
	k.lifetime = key.lifetime.value_or(0);
	k.unencrypted_srtp = line.unencrypted_srtp;
	k.unencrypted_srtcp = line.unencrypted_srtcp;
	k.unauthenticated_srtp = line.unauthenticated_srtp;
	return k;
}

} // namespace rtprelay::crypto
