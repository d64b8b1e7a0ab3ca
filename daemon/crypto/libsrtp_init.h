// SPDX-License-Identifier: GPL-3.0-or-later
// libsrtp2 initialised once per process. srtp_init() must not run twice: the second call
// fails (it loads its debug module again), so every user goes through here.
#pragma once

namespace rtprelay::crypto {

// False if libsrtp2 could not initialise; then no SRTP session can be made.
bool libsrtp_ready();

} // namespace rtprelay::crypto
