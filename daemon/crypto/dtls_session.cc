// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/dtls_session.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>
#include <strings.h>
#include <vector>

#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

// Below any path MTU a browser's path has (ICE's and TURN's overhead included).
constexpr long kMtu = 1200;
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

// The write side: every write OpenSSL makes is one datagram (a memory BIO would run a flight's
// datagrams together), queued on the session until flush() sends them.
int out_write(BIO* b, const char* data, int len)
{
	auto* queue = static_cast<std::vector<std::vector<uint8_t>>*>(BIO_get_data(b));
	if (len < 0 || queue->size() >= 64)
		return -1; // a flight is a handful of datagrams
	queue->emplace_back(data, data + len);
	return len;
}

long out_ctrl(BIO*, int cmd, long, void*)
{
	switch (cmd) {
	case BIO_CTRL_FLUSH: return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU: return kMtu;
	default: return 0;
	}
}

int out_create(BIO* b)
{
	BIO_set_init(b, 1);
	return 1;
}

BIO_METHOD* out_method()
{
	static BIO_METHOD* m = [] {
		BIO_METHOD* meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
		                                "rtprelay DTLS datagrams");
		if (meth) {
			BIO_meth_set_write(meth, out_write);
			BIO_meth_set_ctrl(meth, out_ctrl);
			BIO_meth_set_create(meth, out_create);
		}
		return meth;
	}();
	return m;
}

// Where an SSL keeps its DtlsSession, for verify().
int session_index()
{
	static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
	return index;
}

std::string ssl_error()
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

} // namespace

DtlsSrtpKeys::~DtlsSrtpKeys()
{
	OPENSSL_cleanse(local.data(), local.size());
	OPENSSL_cleanse(remote.data(), remote.size());
}

const sdp::SrtpSuite* suite_of_profile(std::string_view profile)
{
	static constexpr struct {
		const char* profile;
		const char* suite;
	} kProfiles[] = {{"SRTP_AES128_CM_SHA1_80", "AES_CM_128_HMAC_SHA1_80"},
	                 {"SRTP_AES128_CM_SHA1_32", "AES_CM_128_HMAC_SHA1_32"},
	                 {"SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM"},
	                 {"SRTP_AEAD_AES_256_GCM", "AEAD_AES_256_GCM"}};
	for (const auto& p : kProfiles)
		if (profile == p.profile)
			return sdp::find_srtp_suite(p.suite);
	return nullptr;
}

Result<std::unique_ptr<DtlsSession>> DtlsSession::create(const DtlsIdentity& id, Role role,
                                                         const std::string& fingerprint)
{
	std::unique_ptr<DtlsSession> s(new DtlsSession(role, fingerprint));
	s->ssl_ = SSL_new(id.context());
	s->in_ = BIO_new(BIO_s_mem());
	s->out_ = out_method() ? BIO_new(out_method()) : nullptr;
	if (!s->ssl_ || !s->in_ || !s->out_) {
		BIO_free(s->in_);
		BIO_free(s->out_);
		return Error{"DTLS: cannot make a session: " + ssl_error()};
	}
	// A read of an empty memory BIO is "try again", not the end of the stream.
	BIO_set_mem_eof_return(s->in_, -1);
	BIO_set_data(s->out_, &s->pending_);
	SSL_set_bio(s->ssl_, s->in_, s->out_);
	// Any certificate chain will do, but the party's own certificate must be the one its SDP
	// names (self-signed, as browsers' are).
	if (SSL_set_ex_data(s->ssl_, session_index(), s.get()) != 1)
		return Error{"DTLS: cannot make a session: " + ssl_error()};
	SSL_set_verify(s->ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify);
	SSL_set_mtu(s->ssl_, kMtu);
	DTLS_set_link_mtu(s->ssl_, kMtu);
	if (role == Role::kActive)
		SSL_set_connect_state(s->ssl_);
	else
		SSL_set_accept_state(s->ssl_);
	return s;
}

DtlsSession::~DtlsSession()
{
	SSL_free(ssl_);
}

void DtlsSession::flush(const Send& send)
{
	for (const auto& d : pending_)
		send(d);
	pending_.clear();
}

void DtlsSession::fail(std::string reason)
{
	state_ = State::kFailed;
	reason_ = std::move(reason);
}

bool DtlsSession::matches(X509* certificate) const
{
	size_t space = fingerprint_.find(' ');
	std::string hash = space == std::string::npos ? "" : fingerprint_.substr(0, space);
	std::string want = space == std::string::npos ? "" : fingerprint_.substr(space + 1);
	auto got = certificate ? certificate_fingerprint(certificate, hash) : std::nullopt;
	return got && want.size() == got->size() &&
	       strncasecmp(want.c_str(), got->c_str(), want.size()) == 0;
}

int DtlsSession::verify(int, X509_STORE_CTX* store)
{
	auto* ssl = static_cast<SSL*>(
	        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
	auto* self =
	        ssl ? static_cast<DtlsSession*>(SSL_get_ex_data(ssl, session_index())) : nullptr;
	if (!self)
		return 0;
	if (X509_STORE_CTX_get_error_depth(store) > 0)
		return 1; // only the party's own certificate is pinned
	if (self->matches(X509_STORE_CTX_get_current_cert(store)))
		return 1;
	self->mismatch_ = true;
	X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
	return 0;
}

void DtlsSession::finish()
{
	const SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(ssl_);
	const sdp::SrtpSuite* suite = p ? suite_of_profile(p->name) : nullptr;
	if (!suite) {
		fail("no SRTP profile was agreed");
		return;
	}
	size_t k = suite->key_bytes, salt = suite->salt_bytes;
	std::array<uint8_t, 2 * sdp::CryptoKey::kMaxMaterial> m{};
	if (SSL_export_keying_material(ssl_, m.data(), 2 * (k + salt), kExporterLabel,
	                               sizeof kExporterLabel - 1, nullptr, 0, 0) != 1) {
		fail("cannot export the SRTP keys: " + ssl_error());
		return;
	}
	// client key, server key, client salt, server salt (RFC 5764 4.2).
	DtlsSrtpKeys keys;
	keys.suite = suite;
	keys.length = k + salt;
	bool client = role_ == Role::kActive;
	auto& client_side = client ? keys.local : keys.remote;
	auto& server_side = client ? keys.remote : keys.local;
	memcpy(client_side.data(), m.data(), k);
	memcpy(server_side.data(), m.data() + k, k);
	memcpy(client_side.data() + k, m.data() + 2 * k, salt);
	memcpy(server_side.data() + k, m.data() + 2 * k + salt, salt);
	OPENSSL_cleanse(m.data(), m.size());
	keys_ = keys;
	state_ = State::kConnected;
}

void DtlsSession::step(const Send& send)
{
	if (state_ == State::kHandshaking) {
		int r = SSL_do_handshake(ssl_);
		if (r == 1) {
			finish();
		} else {
			int e = SSL_get_error(ssl_, r);
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				fail(mismatch_ ? "the party's certificate does not match its "
				                 "a=fingerprint"
				               : "handshake failed: " + ssl_error());
		}
	} else if (state_ == State::kConnected) {
		// Application data is not expected; this reads alerts and late handshake records
		// (a retransmitted Finished makes OpenSSL resend its own).
		std::array<uint8_t, 2048> sink;
		int r;
		while ((r = SSL_read(ssl_, sink.data(), static_cast<int>(sink.size()))) > 0) {
		}
		int e = SSL_get_error(ssl_, r);
		if (e == SSL_ERROR_ZERO_RETURN) {
			state_ = State::kClosed;
			reason_ = "the party closed DTLS";
		}
	}
	ERR_clear_error();
	flush(send);
}

void DtlsSession::start(const Send& send)
{
	if (role_ == Role::kActive)
		step(send);
}

void DtlsSession::on_datagram(std::span<const uint8_t> datagram, const Send& send)
{
	if (state_ == State::kFailed || state_ == State::kClosed || datagram.size() > INT_MAX)
		return;
	BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
	step(send);
}

std::optional<int64_t> DtlsSession::timer_ms() const
{
	timeval tv{};
	if (state_ != State::kHandshaking || DTLSv1_get_timeout(ssl_, &tv) != 1)
		return std::nullopt;
	return int64_t{tv.tv_sec} * 1000 + tv.tv_usec / 1000;
}

void DtlsSession::on_timer(const Send& send)
{
	if (state_ != State::kHandshaking)
		return;
	if (DTLSv1_handle_timeout(ssl_) < 0)
		fail("handshake timed out: " + ssl_error());
	ERR_clear_error();
	flush(send);
}

} // namespace rtprelay::crypto
