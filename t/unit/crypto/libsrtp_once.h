// libsrtp2, the independent SRTP implementation the unit tests check ours against, initialised
// once per process: srtp_init() fails when called a second time. Inline, so that every test
// file shares the one flag.
#pragma once

#include <srtp2/srtp.h>

inline bool libsrtp_ready()
{
	static const bool ready = srtp_init() == srtp_err_status_ok;
	return ready;
}
