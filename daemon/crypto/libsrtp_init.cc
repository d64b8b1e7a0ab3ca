// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/libsrtp_init.h"

#include <srtp2/srtp.h>

#include <mutex>

namespace rtprelay::crypto {

bool libsrtp_ready()
{
	static std::once_flag once;
	static bool ready = false;
	std::call_once(once, [] { ready = srtp_init() == srtp_err_status_ok; });
	return ready;
}

} // namespace rtprelay::crypto
