// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/bencode_scan.h"

#include <algorithm>

#include "ng/message.h"
#include "ng/value.h"

namespace rtprelay::ng {
namespace {
// int64 has 19 digits, plus a sign; anything longer the decoder would refuse anyway.
constexpr size_t kMaxIntegerChars = 20;
bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
} // namespace

BencodeScanner::Status BencodeScanner::scan(std::string_view in)
{
	while (pos_ < in.size()) {
		if (state_ == State::kBody) {
			// Skips the string in one step; only the bytes present count.
			size_t skip = std::min<size_t>(number_, in.size() - pos_);
			pos_ += skip;
			number_ -= skip;
			if (number_ > 0)
				return Status::kNeedMore;
			if (Status s = value_done(); s != Status::kNeedMore)
				return s;
			continue;
		}
		char c = in[pos_++];
		Status s = state_ == State::kValue     ? value_byte(c)
		           : state_ == State::kInteger ? integer_byte(c)
		                                       : length_byte(c);
		if (s != Status::kNeedMore)
			return s;
	}
	return Status::kNeedMore;
}

BencodeScanner::Status BencodeScanner::value_byte(char c)
{
	digits_ = 0;
	number_ = 0;
	if (c == 'i') {
		state_ = State::kInteger;
		return Status::kNeedMore;
	}
	if (is_digit(c)) {
		state_ = State::kLength;
		return length_byte(c);
	}
	if (c == 'l' || c == 'd') {
		if (++depth_ > kMaxDepth)
			return Status::kInvalid;
		return Status::kNeedMore;
	}
	if (c == 'e' && depth_ > 0) {
		depth_--;
		return value_done();
	}
	return Status::kInvalid;
}

BencodeScanner::Status BencodeScanner::integer_byte(char c)
{
	// number_ counts the digits, digits_ the sign too: "i-e" has no digit.
	if (c == 'e' && number_ > 0)
		return value_done();
	bool sign = c == '-' && digits_ == 0;
	if ((!is_digit(c) && !sign) || ++digits_ > kMaxIntegerChars)
		return Status::kInvalid;
	if (!sign)
		number_++;
	return Status::kNeedMore;
}

BencodeScanner::Status BencodeScanner::length_byte(char c)
{
	if (c == ':') {
		state_ = State::kBody;
		return number_ == 0 ? value_done() : Status::kNeedMore;
	}
	if (!is_digit(c))
		return Status::kInvalid;
	number_ = number_ * 10 + static_cast<uint64_t>(c - '0');
	// No message may be longer, so neither may a string in it; this also keeps number_ small.
	if (number_ > kMaxMessageSize)
		return Status::kInvalid;
	return Status::kNeedMore;
}

BencodeScanner::Status BencodeScanner::value_done()
{
	state_ = State::kValue;
	return depth_ == 0 ? Status::kComplete : Status::kNeedMore;
}

} // namespace rtprelay::ng
