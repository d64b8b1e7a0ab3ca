// The DTLS-SRTP caller (RFC 5763/5764) as rtpload speaks it with --srtp=dtls: one self-signed
// ECDSA P-256 certificate per run (as a browser makes one), the a=fingerprint it offers, and a
// DTLS 1.2 client handshake (the caller offers a=setup:active, the relay is the server) on a
// call's own socket, which yields the caller's two SRTP keys. OpenSSL, not the daemon's code,
// so the relay under test is checked against another implementation. Setup time only: the
// handshake blocks, before the media engine reads the socket.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "result.h"
#include "sdes.h"

struct ssl_ctx_st; // OpenSSL's SSL_CTX; its headers stay out of rtpload's

namespace rtpload {

// The SRTP keys a handshake exported (RFC 5764 4.2): what the caller sends with and what it
// receives with, as keys of the negotiated suite.
struct DtlsKeys {
	SdesKey tx;
	SdesKey rx;
};

class DtlsParty {
public:
	static Result<DtlsParty> create();

	// "sha-256 AB:CD:...", the value of the caller's a=fingerprint.
	const std::string& fingerprint() const { return fingerprint_; }

	// The handshake from socket `fd` (non-blocking, left open) to `relay` within
	// `timeout_ns`; the relay's certificate must have `relay_fingerprint` (sha-256, as its
	// SDP says it). Profile SRTP_AES128_CM_SHA1_80.
	Result<DtlsKeys> handshake(int fd, const sockaddr_in& relay,
	                           std::string_view relay_fingerprint, int64_t timeout_ns) const;

private:
	struct Free {
		void operator()(ssl_ctx_st* ctx) const;
	};
	std::shared_ptr<ssl_ctx_st> ctx_;
	std::string fingerprint_;
};

} // namespace rtpload
