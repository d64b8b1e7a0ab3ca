// libFuzzer target for everything a datagram on the ng port goes through before a command
// handler: SIP OPTIONS detection and answer, cookie framing, bencode/JSON decoding, dispatch,
// and reply encoding. A decoded message must re-encode to something that decodes to the same
// value (bencode: to the same bytes, whose length bencode_size() gives beforehand).
#include <cstdint>
#include <string>
#include <string_view>

#include "ng/bencode.h"
#include "ng/dispatch.h"
#include "ng/message.h"
#include "ng/sip_options.h"
#include "util/log.h"

using namespace rtprelay;
using namespace rtprelay::ng;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	log::Settings quiet;
	quiet.to_stderr = true;
	quiet.levels.fill(0);
	log::init(quiet);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::string_view in(reinterpret_cast<const char*>(data), size);
	if (classify_sip(in) == SipKind::kOptions) {
		(void)answer_options(in);
		return 0;
	}
	auto framing = split_message(in);
	if (!framing)
		return 0;
	Arena arena;
	auto value = decode_body(*framing, arena);
	if (!value)
		return 0;

	std::string encoded = encode_reply(framing->cookie, *value, framing->encoding);
	if (framing->encoding == Encoding::kBencode &&
	    (std::string_view(encoded).substr(framing->cookie.size() + 1) != framing->body ||
	     bencode_size(*value) != framing->body.size()))
		__builtin_trap();
	auto again = split_message(encoded);
	if (!again)
		__builtin_trap();
	Arena arena2;
	auto value2 = decode_body(*again, arena2);
	if (!value2 || !(*value2 == *value))
		__builtin_trap();

	// Only ping: the call commands need a running relay and have their own tests.
	static const CommandTable commands = [] {
		CommandTable t;
		t.add("ping", cmd_ping);
		return t;
	}();
	int answers = 0;
	dispatch(commands, *value, arena, framing->cookie, net::Endpoint(), nullptr,
	         [&](Value reply) {
		         answers++;
		         (void)encode_reply(framing->cookie, reply, framing->encoding);
	         });
	if (answers != 1)
		__builtin_trap();
	return 0;
}
