// libFuzzer target for the a=crypto parser and writer (daemon/sdp/crypto.h): any value either
// fails with an error or parses into keys of exactly its suite's length, and what it writes
// parses back to the same text (the writer is the parser's inverse on everything it accepts).
#include <cstdint>
#include <string_view>

#include "sdp/crypto.h"

using namespace rtprelay::sdp;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::string_view value(reinterpret_cast<const char*>(data), size);
	auto a = CryptoAttr::parse(value);
	if (!a)
		return 0;
	check(a->tag >= 1 && a->tag <= 999999999 && !a->keys.empty());
	for (const CryptoKey& k : a->keys) {
		if (a->suite)
			check(k.length == a->suite->key_bytes + a->suite->salt_bytes);
		check(!k.mki || (k.mki_length >= 1 && k.mki_length <= 128));
	}
	std::string written = a->to_string();
	auto again = CryptoAttr::parse(written);
	check(again.has_value());
	check(again->to_string() == written);
	return 0;
}
