// Endpoints written as text in tests: ep("192.0.2.10:5000"), ep("[2001:db8::1]:5000").
#pragma once

#include "net/address.h"

namespace rtprelay::test {

inline net::Endpoint ep(const char* text)
{
	return *net::Endpoint::parse(text, net::IpAddress());
}

} // namespace rtprelay::test
