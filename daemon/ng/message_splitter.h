// SPDX-License-Identifier: GPL-3.0-or-later
// Splits an ng byte stream (TCP) into messages "cookie SP bencode-dictionary", back to back;
// the dictionary's own end delimits each one, as in rtpengine. Whitespace between messages is
// skipped (a client typing into nc sends newlines). Resumable: bytes already looked at are
// not scanned again when more arrive. Control thread only.
#pragma once

#include <cstddef>
#include <string_view>

#include "ng/bencode_scan.h"

namespace rtprelay::ng {

class MessageSplitter {
public:
	enum class Status {
		kMessage,  // in[*begin, *end) is one message; drop in[0, *end) before the next call
		kNeedMore, // nothing complete yet: call again with the same bytes and more
		kMalformed, // not "cookie SP d...e": the stream cannot be resynchronised
	};

	// `in` starts where the previous message ended; between calls that return kNeedMore it
	// may only grow at its end.
	Status next(std::string_view in, size_t* begin, size_t* end);

private:
	enum class Phase { kGap, kCookie, kBody };

	void reset() { *this = MessageSplitter(); }

	Phase phase_ = Phase::kGap;
	size_t pos_ = 0;   // bytes of `in` looked at in the gap and cookie phases
	size_t start_ = 0; // where the cookie begins
	size_t body_ = 0;  // where the dictionary begins
	BencodeScanner scanner_;
};

} // namespace rtprelay::ng
