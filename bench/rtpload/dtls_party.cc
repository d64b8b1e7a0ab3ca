// The DTLS-SRTP caller: certificate, fingerprint, handshake and key export (see dtls_party.h).
#include "dtls_party.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "clock.h"

namespace rtpload {
namespace {

constexpr const char* kProfile = "SRTP_AES128_CM_SHA1_80";
constexpr const char* kSuite = "AES_CM_128_HMAC_SHA1_80";
constexpr size_t kKeyLen = 16, kSaltLen = 14; // the profile's master key and salt

// The first error on the thread's queue, which it empties for the next call.
std::string openssl_error(const char* what)
{
	char buf[256];
	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	ERR_clear_error();
	return std::string(what) + ": " + buf;
}

// "sha-256 AB:CD:..." of a certificate.
std::string sha256_fingerprint(X509* cert)
{
	std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
	unsigned n = 0;
	if (!X509_digest(cert, EVP_sha256(), md.data(), &n))
		return {};
	std::string out = "sha-256 ";
	for (unsigned i = 0; i < n; i++) {
		char hex[4];
		snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
		out += hex;
	}
	return out;
}

// A self-signed certificate for `key`, valid for a day.
X509* self_signed(EVP_PKEY* key)
{
	X509* cert = X509_new();
	if (!cert)
		return nullptr;
	uint64_t serial = 0;
	RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
	X509_NAME* name = X509_get_subject_name(cert);
	bool ok = X509_set_version(cert, 2) &&
	          ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1) &&
	          X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
	          X509_gmtime_adj(X509_getm_notAfter(cert), 86400) &&
	          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                                     reinterpret_cast<const unsigned char*>("rtpload"), -1,
	                                     -1, 0) &&
	          X509_set_issuer_name(cert, name) && X509_set_pubkey(cert, key) &&
	          X509_sign(cert, key, EVP_sha256());
	if (!ok) {
		X509_free(cert);
		return nullptr;
	}
	return cert;
}

// Any certificate: the relay's is self-signed, and its fingerprint is checked after the
// handshake against the relay's SDP.
int accept_any(int, X509_STORE_CTX*)
{
	return 1;
}

SdesKey key_of(const uint8_t* key, const uint8_t* salt)
{
	SdesKey k;
	k.suite = find_srtp_suite(kSuite);
	std::copy(key, key + kKeyLen, k.key_salt.begin());
	std::copy(salt, salt + kSaltLen, k.key_salt.begin() + kKeyLen);
	return k;
}

struct SslFree {
	void operator()(SSL* s) const { SSL_free(s); }
};

// Drives SSL_connect on a non-blocking socket until it finishes, fails or `deadline_ns`.
Result<void> connect_until(SSL* ssl, int fd, int64_t deadline_ns)
{
	for (;;) {
		ERR_clear_error(); // SSL_get_error reads the queue: nothing older may be on it
		int r = SSL_connect(ssl);
		if (r == 1)
			return {};
		if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ)
			return Error{openssl_error("DTLS handshake")};
		int64_t left_ns = deadline_ns - mono_ns();
		if (left_ns <= 0)
			return Error{"DTLS handshake: no answer from the relay"};
		timeval tv{};
		int64_t wait_ms = left_ns / 1'000'000 + 1;
		if (DTLSv1_get_timeout(ssl, &tv))
			wait_ms = std::min<int64_t>(wait_ms,
			                            tv.tv_sec * 1000 + tv.tv_usec / 1000 + 1);
		pollfd p{fd, POLLIN, 0};
		if (poll(&p, 1, static_cast<int>(wait_ms)) == 0)
			DTLSv1_handle_timeout(ssl); // retransmit the flight
	}
}

} // namespace

void DtlsParty::Free::operator()(ssl_ctx_st* ctx) const
{
	SSL_CTX_free(ctx);
}

Result<DtlsParty> DtlsParty::create()
{
	EVP_PKEY* key = EVP_EC_gen("P-256");
	if (!key)
		return Error{openssl_error("P-256 key")};
	X509* cert = self_signed(key);
	if (!cert) {
		EVP_PKEY_free(key);
		return Error{openssl_error("certificate")};
	}
	DtlsParty p;
	p.ctx_.reset(SSL_CTX_new(DTLS_client_method()), Free{});
	p.fingerprint_ = sha256_fingerprint(cert);
	SSL_CTX* ctx = p.ctx_.get();
	bool ok = ctx && SSL_CTX_use_certificate(ctx, cert) && SSL_CTX_use_PrivateKey(ctx, key) &&
	          SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) &&
	          SSL_CTX_set_tlsext_use_srtp(ctx, kProfile) == 0 && !p.fingerprint_.empty();
	X509_free(cert);
	EVP_PKEY_free(key);
	if (!ok)
		return Error{openssl_error("DTLS context")};
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	return p;
}

Result<DtlsKeys> DtlsParty::handshake(int fd, const sockaddr_in& relay,
                                      std::string_view relay_fingerprint, int64_t timeout_ns) const
{
	std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx_.get()));
	BIO* bio = BIO_new_dgram(fd, BIO_NOCLOSE);
	if (!ssl || !bio) {
		BIO_free(bio);
		return Error{openssl_error("DTLS session")};
	}
	// BIO_ADDR is a union over the sockaddr types: the relay's address as the peer.
	sockaddr_in peer = relay;
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_PEER, 0, &peer);
	SSL_set_bio(ssl.get(), bio, bio); // the session owns the BIO; the socket stays open
	if (auto r = connect_until(ssl.get(), fd, mono_ns() + timeout_ns); !r)
		return r.error();
	const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl.get());
	if (!profile || profile->id != SRTP_AES128_CM_SHA1_80)
		return Error{"DTLS handshake: the relay chose no SRTP_AES128_CM_SHA1_80"};
	X509* cert = SSL_get1_peer_certificate(ssl.get());
	std::string theirs = cert ? sha256_fingerprint(cert) : std::string();
	X509_free(cert);
	if (theirs.empty() || strcasecmp(theirs.c_str(), std::string(relay_fingerprint).c_str()))
		return Error{"DTLS handshake: the relay's certificate is not its a=fingerprint"};
	// client key, server key, client salt, server salt (RFC 5764 4.2)
	std::array<uint8_t, 2 * (kKeyLen + kSaltLen)> km{};
	const char label[] = "EXTRACTOR-dtls_srtp";
	if (!SSL_export_keying_material(ssl.get(), km.data(), km.size(), label, sizeof label - 1,
	                                nullptr, 0, 0))
		return Error{openssl_error("DTLS key export")};
	DtlsKeys keys{key_of(&km[0], &km[2 * kKeyLen]),
	              key_of(&km[kKeyLen], &km[2 * kKeyLen + kSaltLen])};
	OPENSSL_cleanse(km.data(), km.size());
	// No close_notify: the association stays up for the call, as a browser's does.
	return keys;
}

} // namespace rtpload
