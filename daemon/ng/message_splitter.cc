// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/message_splitter.h"

#include "ng/message.h"

namespace rtprelay::ng {
namespace {
bool is_gap(char c)
{
	return c == ' ' || c == '\r' || c == '\n' || c == '\t';
}
// What split_message() accepts in a cookie.
bool is_cookie_char(char c)
{
	auto u = static_cast<unsigned char>(c);
	return u > 0x20 && u < 0x7f;
}
} // namespace

MessageSplitter::Status MessageSplitter::next(std::string_view in, size_t* begin, size_t* end)
{
	while (phase_ == Phase::kGap && pos_ < in.size()) {
		if (!is_gap(in[pos_])) {
			phase_ = Phase::kCookie;
			start_ = pos_;
		} else {
			pos_++;
		}
	}
	for (; phase_ == Phase::kCookie && pos_ < in.size(); pos_++) {
		char c = in[pos_];
		if (c == ' ' && pos_ > start_) {
			phase_ = Phase::kBody;
			body_ = pos_ + 1;
		} else if (!is_cookie_char(c) || pos_ - start_ >= kMaxCookieLength) {
			return Status::kMalformed;
		}
	}
	if (phase_ != Phase::kBody || body_ >= in.size())
		return Status::kNeedMore;
	// A JSON body has no delimiter we could trust, and rtpengine takes only bencode here.
	if (in[body_] != 'd')
		return Status::kMalformed;
	switch (scanner_.scan(in.substr(body_))) {
	case BencodeScanner::Status::kNeedMore: return Status::kNeedMore;
	case BencodeScanner::Status::kInvalid: return Status::kMalformed;
	case BencodeScanner::Status::kComplete: break;
	}
	*begin = start_;
	*end = body_ + scanner_.end();
	reset();
	return Status::kMessage;
}

} // namespace rtprelay::ng
