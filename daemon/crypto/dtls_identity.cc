// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/dtls_identity.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <strings.h>

#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

// Strongest first; the four that browsers and libsrtp2 speak (RFC 5764 4.1.2, RFC 7714 14.2).
constexpr const char* kSrtpProfiles =
        "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32";

std::string openssl_error(const char* what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return strprintf("%s%s%s", what, e ? ": " : "", buf);
}

// EVP_EC_gen() would do, but its macro casts the const away.
EVP_PKEY* ec_p256_key()
{
	EVP_PKEY* key = nullptr;
	EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
	if (c && EVP_PKEY_keygen_init(c) == 1 &&
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(c, NID_X9_62_prime256v1) == 1)
		EVP_PKEY_keygen(c, &key);
	EVP_PKEY_CTX_free(c);
	return key;
}

X509* self_signed(EVP_PKEY* key)
{
	X509* cert = X509_new();
	if (!cert)
		return nullptr;
	uint64_t serial = 0;
	X509_NAME* name = X509_NAME_new();
	bool ok = RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) == 1 &&
	          name && X509_set_version(cert, 2) == 1 &&
	          ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1) == 1 &&
	          X509_gmtime_adj(X509_getm_notBefore(cert), -86400) &&
	          X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 86400) &&
	          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                                     reinterpret_cast<const unsigned char*>("rtprelay"), -1,
	                                     -1, 0) == 1 &&
	          X509_set_subject_name(cert, name) == 1 && X509_set_issuer_name(cert, name) == 1 &&
	          X509_set_pubkey(cert, key) == 1 && X509_sign(cert, key, EVP_sha256()) > 0;
	X509_NAME_free(name);
	if (!ok) {
		X509_free(cert);
		return nullptr;
	}
	return cert;
}

} // namespace

std::optional<std::string> certificate_fingerprint(X509* cert, std::string_view hash)
{
	const EVP_MD* md = nullptr;
	static constexpr struct {
		const char* name;
		const EVP_MD* (*md)();
	} kHashes[] = {{"sha-1", EVP_sha1},
	               {"sha-224", EVP_sha224},
	               {"sha-256", EVP_sha256},
	               {"sha-384", EVP_sha384},
	               {"sha-512", EVP_sha512}};
	for (const auto& h : kHashes)
		if (hash.size() == strlen(h.name) &&
		    strncasecmp(hash.data(), h.name, hash.size()) == 0)
			md = h.md();
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!md || !cert || X509_digest(cert, md, digest, &n) != 1)
		return std::nullopt;
	std::string out;
	for (unsigned int i = 0; i < n; i++)
		out += strprintf(i ? ":%02X" : "%02X", digest[i]);
	return out;
}

Result<std::unique_ptr<DtlsIdentity>> DtlsIdentity::from(EVP_PKEY* key, X509* cert)
{
	std::unique_ptr<DtlsIdentity> id(new DtlsIdentity());
	id->ctx_ = SSL_CTX_new(DTLS_method());
	if (!id->ctx_)
		return Error{openssl_error("DTLS: cannot make a context")};
	SSL_CTX* c = id->ctx_;
	if (SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate(c, cert) != 1 || SSL_CTX_use_PrivateKey(c, key) != 1 ||
	    SSL_CTX_check_private_key(c) != 1)
		return Error{openssl_error("DTLS: certificate or key refused")};
	// 0 is success here.
	if (SSL_CTX_set_tlsext_use_srtp(c, kSrtpProfiles) != 0)
		return Error{openssl_error("DTLS: no SRTP profiles")};
	SSL_CTX_set_read_ahead(c, 1);
	// The path MTU is ours to set (SSL_set_mtu per session): no probing through the BIO.
	SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU);
	auto fp = certificate_fingerprint(cert, "sha-256");
	if (!fp)
		return Error{openssl_error("DTLS: cannot digest the certificate")};
	id->fingerprint_ = "sha-256 " + *fp;
	return id;
}

Result<std::unique_ptr<DtlsIdentity>> DtlsIdentity::generate()
{
	EVP_PKEY* key = ec_p256_key();
	if (!key)
		return Error{openssl_error("DTLS: cannot make an ECDSA P-256 key")};
	X509* cert = self_signed(key);
	if (!cert) {
		EVP_PKEY_free(key);
		return Error{openssl_error("DTLS: cannot make a certificate")};
	}
	auto id = from(key, cert);
	X509_free(cert);
	EVP_PKEY_free(key);
	return id;
}

Result<std::unique_ptr<DtlsIdentity>> DtlsIdentity::load(const std::string& path)
{
	FILE* f = fopen(path.c_str(), "r");
	if (!f)
		return Error{strprintf("--dtls-cert-file %s: cannot open it", path.c_str())};
	X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
	rewind(f);
	EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
	fclose(f);
	Result<std::unique_ptr<DtlsIdentity>> id = Error{strprintf(
	        "--dtls-cert-file %s: needs a PEM certificate and its private key", path.c_str())};
	if (cert && key)
		id = from(key, cert);
	X509_free(cert);
	EVP_PKEY_free(key);
	return id;
}

DtlsIdentity::~DtlsIdentity()
{
	SSL_CTX_free(ctx_);
}

} // namespace rtprelay::crypto
