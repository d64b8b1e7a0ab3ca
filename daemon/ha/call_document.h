// SPDX-License-Identifier: GPL-3.0-or-later
// A call as Redis keeps it: one JSON document per call (json-c) holding what rebuilds it, the
// ng requests that built it and the ports and secrets its signalling chose (call/journal.h),
// with its times, and the endpoints its parties' packets proved. Documents carry a schema version;
// a relay refuses a version it does not know rather than guess at its fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "call/journal.h"
#include "util/result.h"

namespace rtprelay::ha {

inline constexpr int kDocumentVersion = 1;

// An endpoint that a party's packets proved (media/learning.h): a restarted relay sends to
// it at once instead of learning it again, and strangers get no new chance to be learned.
struct LearnedEndpoint {
	std::string tag;     // the party's
	int media = 0;       // its m= line, 1-based
	bool rtcp = false;   // the RTCP stream on its own port, else RTP
	std::string address; // ADDR:PORT, an IPv6 address in brackets
	bool operator==(const LearnedEndpoint&) const = default;
};

// Where one SSRC of one SRTP session stood (crypto/srtp_session.h): a restarted relay
// continues its rollover counter, and its SRTCP index past any it may have used since.
struct SrtpProgress {
	std::string tag;       // the party's
	int media = 0;         // its m= line, 1-based
	bool outbound = false; // the session protecting what the relay sends it, else unprotecting
	uint32_t ssrc = 0;
	bool has_rtp = false;
	uint32_t roc = 0;
	uint16_t seq = 0;
	bool has_srtcp = false;
	uint32_t srtcp_index = 0;
	bool operator==(const SrtpProgress&) const = default;
};

// The SRTP keys a party's DTLS association made (call/media_dtls.h): a restarted relay keys
// its sessions with them, and the party's association goes on without a new handshake.
struct DtlsKeys {
	std::string tag;    // the party's
	int media = 0;      // its m= line, 1-based
	std::string suite;  // as RFC 4568 names it
	std::string local;  // master key || salt the relay sends with (bytes)
	std::string remote; // ... the party sends with
	bool operator==(const DtlsKeys&) const = default;
};

// The pair a party's ICE checks had selected (ice/agent.h): a restarted relay lets its media
// through at once instead of after the party's next check.
struct IceSelection {
	std::string tag;        // the party's
	int media = 0;          // its m= line, 1-based
	int component = 1;      // 1 RTP, 2 RTCP
	int local = 0;          // the relay's candidate (its receiver index)
	std::string address;    // the party's, ADDR:PORT
	bool nominated = false; // by USE-CANDIDATE, not only a check
	bool operator==(const IceSelection&) const = default;
};

struct CallDocument {
	std::string call_id;
	int64_t created_ms = 0;
	int64_t last_signal_ms = 0;
	std::vector<std::string> requests; // ng requests, JSON text, in the order they ran
	std::vector<call::Journal::Lease> leases;
	std::vector<std::string> secrets;       // bytes
	std::vector<LearnedEndpoint> endpoints; // absent from documents of older relays
	std::vector<SrtpProgress> srtp;         // likewise
	std::vector<DtlsKeys> dtls;             // likewise
	std::vector<IceSelection> ice;          // likewise
};

// The Redis key of a call's document.
std::string document_key(std::string_view call_id);
// The pattern that finds every document (SCAN MATCH).
inline constexpr std::string_view kDocumentPattern = "rtprelay:call:*";

std::string write_document(const CallDocument& doc);
// Any malformed or foreign input is an Error that says what is wrong with it.
Result<CallDocument> read_document(std::string_view text);

} // namespace rtprelay::ha
