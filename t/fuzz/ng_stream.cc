// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for ng over TCP's framing: BencodeScanner (where does a bencode value end)
// and MessageSplitter (cookie SP dictionary, back to back). Fed at once or in pieces, they
// must find the same ends, never look past the bytes given (ASan), and agree with the decoder:
// a buffer that decodes as exactly one value is one complete value to the scanner.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ng/bencode.h"
#include "ng/bencode_scan.h"
#include "ng/message.h"
#include "ng/message_splitter.h"

using namespace rtprelay;
using namespace rtprelay::ng;

namespace {

struct Scan {
	BencodeScanner::Status status;
	size_t end;
};

// The input as it arrives in pieces of `step` bytes: each call sees a copy of exactly what
// has arrived, so reading past it is an ASan error.
Scan scan_in_pieces(std::string_view in, size_t step)
{
	BencodeScanner s;
	for (size_t have = std::min(step, in.size());; have = std::min(have + step, in.size())) {
		std::string arrived(in.substr(0, have));
		auto st = s.scan(arrived);
		if (st != BencodeScanner::Status::kNeedMore || have == in.size())
			return {st, s.end()};
	}
}

std::vector<std::string> split_in_pieces(std::string_view in, size_t step, bool* malformed)
{
	std::vector<std::string> out;
	MessageSplitter splitter;
	std::string buffered;
	*malformed = false;
	for (size_t pos = 0; pos < in.size(); pos += step) {
		buffered.append(in.substr(pos, step));
		while (true) {
			size_t begin = 0;
			size_t end = 0;
			auto st = splitter.next(buffered, &begin, &end);
			if (st == MessageSplitter::Status::kMalformed) {
				*malformed = true;
				return out;
			}
			if (st == MessageSplitter::Status::kNeedMore)
				break;
			if (begin >= end || end > buffered.size())
				__builtin_trap();
			out.emplace_back(buffered.substr(begin, end - begin));
			buffered.erase(0, end);
		}
	}
	return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::string_view in(reinterpret_cast<const char*>(data), size);
	size_t step = size ? 1 + data[0] % 7 : 1;

	Scan whole = scan_in_pieces(in, in.size() ? in.size() : 1);
	Scan pieces = scan_in_pieces(in, step);
	if (whole.status != pieces.status ||
	    (whole.status == BencodeScanner::Status::kComplete && whole.end != pieces.end) ||
	    whole.end > in.size())
		__builtin_trap();
	Arena arena;
	if (bencode_decode(in, arena) &&
	    (whole.status != BencodeScanner::Status::kComplete || whole.end != in.size()))
		__builtin_trap();

	bool malformed_whole = false;
	bool malformed_pieces = false;
	auto a = split_in_pieces(in, in.size() ? in.size() : 1, &malformed_whole);
	auto b = split_in_pieces(in, step, &malformed_pieces);
	if (a != b || malformed_whole != malformed_pieces)
		__builtin_trap();
	for (const auto& m : a) {
		auto framing = split_message(m);
		if (!framing || framing->body.empty() || framing->body.front() != 'd')
			__builtin_trap();
	}
	return 0;
}
