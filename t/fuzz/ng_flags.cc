// libFuzzer target for the signalling flags parser: any dictionary (bencode or JSON) must
// give flags or a clear error, never a crash, and the same flags when parsed twice.
#include <cstdint>
#include <string_view>

#include "ng/flags.h"
#include "ng/message.h"

using namespace rtprelay;
using namespace rtprelay::ng;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::string_view in(reinterpret_cast<const char*>(data), size);
	auto framing = split_message(in);
	if (!framing)
		return 0;
	Arena arena;
	auto params = decode_body(*framing, arena);
	if (!params)
		return 0;
	auto a = parse_flags(*params);
	auto b = parse_flags(*params);
	if (a.has_value() != b.has_value())
		__builtin_trap();
	if (a && !(*a == *b))
		__builtin_trap();
	if (!a && a.error().reason.empty())
		__builtin_trap();
	return 0;
}
