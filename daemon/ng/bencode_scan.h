// SPDX-License-Identifier: GPL-3.0-or-later
// Finds where one bencode value ends in a byte stream that arrives in pieces (ng over TCP has
// no length prefix: the dictionary's closing 'e' delimits a message). It only delimits; the
// decoder validates the value afterwards. Resumable, so a message trickling in one byte at a
// time is scanned once, not once per byte. Control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtprelay::ng {

class BencodeScanner {
public:
	enum class Status {
		kNeedMore, // no end yet: call again with the same bytes and more after them
		kComplete, // the value spans the first end() bytes
		kInvalid,  // cannot be bencode (bad byte, too deep, a string longer than a message)
	};

	// `in` starts with the value and holds everything received so far; between calls it may
	// only grow at its end. Never reads past in.size().
	Status scan(std::string_view in);
	size_t end() const { return pos_; }
	// Forgets the value scanned so far, to scan the next one from its first byte.
	void reset() { *this = BencodeScanner(); }

private:
	enum class State { kValue, kInteger, kLength, kBody };

	Status value_byte(char c);
	Status integer_byte(char c);
	Status length_byte(char c);
	// One whole value (string, integer or container) just ended at pos_.
	Status value_done();

	State state_ = State::kValue;
	size_t pos_ = 0;
	int depth_ = 0;       // containers open
	uint64_t number_ = 0; // string length read so far, bytes of it still to skip, or digits
	size_t digits_ = 0;   // characters of the integer being read (digits and sign)
};

} // namespace rtprelay::ng
