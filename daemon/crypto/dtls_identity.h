// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's DTLS identity for DTLS-SRTP (RFC 5763): one certificate, either made at start
// (ECDSA P-256, self-signed: the peers identify it by the fingerprint in the SDP, not by a CA)
// or read from --dtls-cert-file, and the OpenSSL context every DTLS session is made from:
// DTLS 1.2, the use_srtp profiles the relay can key, and a peer certificate required but
// accepted whatever signed it, since the session checks its fingerprint against the SDP once
// the handshake is done. Made once at start, then shared read-only by every media loop.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace rtprelay::crypto {

class DtlsIdentity {
public:
	// A fresh key and certificate.
	static Result<std::unique_ptr<DtlsIdentity>> generate();
	// PEM: the certificate and its private key, in one file.
	static Result<std::unique_ptr<DtlsIdentity>> load(const std::string& path);

	DtlsIdentity(const DtlsIdentity&) = delete;
	DtlsIdentity& operator=(const DtlsIdentity&) = delete;
	~DtlsIdentity();

	SSL_CTX* context() const { return ctx_; }
	// a=fingerprint's value for our certificate: "sha-256 AB:CD:...".
	const std::string& fingerprint() const { return fingerprint_; }

private:
	DtlsIdentity() = default;
	static Result<std::unique_ptr<DtlsIdentity>> from(EVP_PKEY* key, X509* cert);

	SSL_CTX* ctx_ = nullptr;
	std::string fingerprint_;
};

// The digest of `cert` as a=fingerprint writes it (RFC 8122 5: uppercase hex, colon-separated),
// for a hash function name as the SDP spells it (sha-1, sha-224, sha-256, sha-384, sha-512;
// any case); nullopt for another.
std::optional<std::string> certificate_fingerprint(X509* cert, std::string_view hash);

} // namespace rtprelay::crypto
