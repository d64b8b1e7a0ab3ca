// SPDX-License-Identifier: GPL-3.0-or-later
// One DTLS-SRTP association with one party (RFC 5764), over the relay's media socket: the
// handshake in either role, fed datagram by datagram (memory BIOs, no socket of its own), its
// retransmissions when the caller's timer fires, the check of the party's certificate against
// the fingerprint its SDP announced, and then the SRTP suite and keys it exported for both
// directions. A handshake that fails (or a fingerprint that does not match) leaves the session
// failed with a reason; nothing is keyed. Made by signalling, driven on the call's media loop.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/dtls_identity.h"
#include "sdp/crypto.h"
#include "util/result.h"

namespace rtprelay::crypto {

// What the handshake exported (RFC 5764 4.2): the suite, and the master key || salt each side
// protects its SRTP with. Wiped when the value goes.
struct DtlsSrtpKeys {
	const sdp::SrtpSuite* suite = nullptr;
	std::array<uint8_t, sdp::CryptoKey::kMaxMaterial> local{};  // what the relay sends with
	std::array<uint8_t, sdp::CryptoKey::kMaxMaterial> remote{}; // what the party sends with
	size_t length = 0;                                          // of each

	DtlsSrtpKeys() = default;
	DtlsSrtpKeys(const DtlsSrtpKeys&) = default;
	DtlsSrtpKeys& operator=(const DtlsSrtpKeys&) = default;
	~DtlsSrtpKeys();
	std::span<const uint8_t> local_key_salt() const { return {local.data(), length}; }
	std::span<const uint8_t> remote_key_salt() const { return {remote.data(), length}; }
};

class DtlsSession {
public:
	enum class Role { kActive, kPassive }; // a=setup: the client, the server
	enum class State { kHandshaking, kConnected, kFailed, kClosed };
	// Sends one datagram to the party.
	using Send = std::function<void(std::span<const uint8_t>)>;

	// `fingerprint`: the party's a=fingerprint ("sha-256 AB:CD:..."), checked at the end.
	static Result<std::unique_ptr<DtlsSession>> create(const DtlsIdentity& id, Role role,
	                                                   const std::string& fingerprint);
	DtlsSession(const DtlsSession&) = delete;
	DtlsSession& operator=(const DtlsSession&) = delete;
	~DtlsSession();

	// The active side's first flight (nothing for the passive side).
	void start(const Send& send);
	// A DTLS datagram from the party (RFC 7983: first byte 20-63).
	void on_datagram(std::span<const uint8_t> datagram, const Send& send);
	// When the retransmission timer should fire next, in ms from now; nullopt: none runs.
	std::optional<int64_t> timer_ms() const;
	// The timer fired: resends the last flight if it is due (and gives up in the end).
	void on_timer(const Send& send);

	Role role() const { return role_; }
	State state() const { return state_; }
	const std::string& fingerprint() const { return fingerprint_; }
	// Why it failed or closed; empty otherwise.
	const std::string& reason() const { return reason_; }
	// Set once connected.
	const std::optional<DtlsSrtpKeys>& keys() const { return keys_; }

private:
	DtlsSession(Role role, std::string fingerprint)
	    : role_(role), fingerprint_(std::move(fingerprint))
	{
	}
	// The peer's certificate is checked against the a=fingerprint (RFC 5763 5) while the
	// handshake runs, so that a mismatch ends it with an alert the party sees.
	static int verify(int ok, X509_STORE_CTX* store);
	bool matches(X509* certificate) const;
	void step(const Send& send);
	void flush(const Send& send);
	void fail(std::string reason);
	void finish();

	SSL* ssl_ = nullptr;
	BIO* in_ = nullptr;  // datagrams from the party, owned by ssl_
	BIO* out_ = nullptr; // datagrams to the party, owned by ssl_, into pending_
	std::vector<std::vector<uint8_t>> pending_;
	Role role_;
	std::string fingerprint_;
	State state_ = State::kHandshaking;
	std::string reason_;
	bool mismatch_ = false; // verify() refused the party's certificate
	std::optional<DtlsSrtpKeys> keys_;
};

// The SRTP suite of a use_srtp profile name (RFC 5764, RFC 7714); null for another.
const sdp::SrtpSuite* suite_of_profile(std::string_view profile);

} // namespace rtprelay::crypto
