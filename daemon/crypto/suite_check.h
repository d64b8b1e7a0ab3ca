// SPDX-License-Identifier: GPL-3.0-or-later
// Whether this libsrtp2 keys a suite as its RFC says, found out once by a known-answer test
// against a reference built on OpenSSL. Debian 12's libsrtp2 (2.5.0) derives AES-192 session
// keys with the AES-256 PRF (cisco/libsrtp#763, fixed upstream in 2025), so its AES_192_CM
// suites interoperate with no RFC 6188 implementation; the relay neither offers nor accepts a
// suite it would get wrong, and says so once in the log.
#pragma once

#include "sdp/crypto.h"

namespace rtprelay::crypto {

bool suite_usable(const sdp::SrtpSuite& suite);

} // namespace rtprelay::crypto
