// SDES suites, keys and a=crypto attributes.
#include "sdes.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/random.h>

namespace rtpload {
namespace {

// RFC 4568 (AES_CM_128), RFC 6188 (AES_256_CM), RFC 7714 (AEAD_AES_*_GCM). Not RFC 6188's
// AES_192_CM: libsrtp2 up to 2.5.0 (Debian's) derives its session keys as for AES-256
// (libsrtp issue #763), so every packet fails authentication against a correct peer.
constexpr SrtpSuite kSuites[] = {
        {"AES_CM_128_HMAC_SHA1_80", 16, 14, 10}, {"AES_CM_128_HMAC_SHA1_32", 16, 14, 4},
        {"AES_256_CM_HMAC_SHA1_80", 32, 14, 10}, {"AES_256_CM_HMAC_SHA1_32", 32, 14, 4},
        {"AEAD_AES_128_GCM", 16, 12, 16},        {"AEAD_AES_256_GCM", 32, 12, 16},
};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

// Splits off the text up to the first `sep` (all of it if there is none).
std::string_view take(std::string_view& s, char sep)
{
	size_t at = s.find(sep);
	std::string_view head = s.substr(0, at);
	s = at == std::string_view::npos ? std::string_view{} : s.substr(at + 1);
	return head;
}

} // namespace

const SrtpSuite* find_srtp_suite(std::string_view name)
{
	for (const SrtpSuite& s : kSuites)
		if (name == s.name)
			return &s;
	return nullptr;
}

std::string srtp_suite_names()
{
	std::string out;
	for (const SrtpSuite& s : kSuites)
		out += (out.empty() ? "" : ", ") + std::string(s.name);
	return out;
}

Result<SdesKey> random_sdes_key(const SrtpSuite& suite, unsigned tag)
{
	SdesKey k;
	k.suite = &suite;
	k.tag = tag;
	size_t need = k.length(), got = 0;
	while (got < need) {
		ssize_t n = getrandom(k.key_salt.data() + got, need - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return Error{std::string("getrandom: ") + strerror(errno)};
		got += static_cast<size_t>(n);
	}
	return k;
}

std::string crypto_attribute(const SdesKey& key)
{
	std::string out = std::to_string(key.tag) + " " + key.suite->name + " inline:";
	base64_append(key.bytes(), out);
	if (key.unencrypted_srtp)
		out += " UNENCRYPTED_SRTP";
	if (key.unauthenticated_srtp)
		out += " UNAUTHENTICATED_SRTP";
	return out;
}

Result<SdesKey> parse_crypto_attribute(std::string_view value)
{
	auto bad = [&](const std::string& why) {
		return Error{"a=crypto:" + std::string(value) + ": " + why};
	};
	std::string_view rest = value;
	std::string_view tag = take(rest, ' ');
	std::string_view suite = take(rest, ' ');
	std::string_view key_params = take(rest, ' ');
	SdesKey k;
	auto [end, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), k.tag);
	if (ec != std::errc() || end != tag.data() + tag.size())
		return bad("bad tag");
	k.suite = find_srtp_suite(suite);
	if (!k.suite)
		return bad("unknown suite");
	std::string_view first = take(key_params, ';'); // further keys are alternatives
	if (!first.starts_with("inline:"))
		return bad("no inline: key");
	first.remove_prefix(7);
	std::string_view b64 = take(first, '|');
	while (!first.empty()) {
		std::string_view param = take(first, '|');
		if (param.find(':') != std::string_view::npos)
			return bad("an MKI, which rtpload does not use");
		// anything else is a key lifetime, far beyond a benchmark's packet count
	}
	auto n = base64_decode(b64, k.key_salt);
	if (!n || *n != k.length())
		return bad("the key is not " + std::to_string(k.length()) + " bytes of base64");
	while (!rest.empty()) {
		std::string_view p = take(rest, ' ');
		if (p == "UNENCRYPTED_SRTP")
			k.unencrypted_srtp = true;
		else if (p == "UNAUTHENTICATED_SRTP")
			k.unauthenticated_srtp = true;
		else if (p.empty() || p == "UNENCRYPTED_SRTCP" || p.starts_with("WSH="))
			continue; // no RTCP is sent; the window size hint changes nothing here
		else
			return bad("session parameter '" + std::string(p) + "' is not supported");
	}
	return k;
}

void base64_append(std::span<const uint8_t> data, std::string& out)
{
	size_t i = 0;
	for (; i + 3 <= data.size(); i += 3) {
		uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
		for (int shift = 18; shift >= 0; shift -= 6)
			out += kAlphabet[(v >> shift) & 63];
	}
	size_t left = data.size() - i;
	if (left == 0)
		return;
	uint32_t v = uint32_t{data[i]} << 16 | (left == 2 ? uint32_t{data[i + 1]} << 8 : 0);
	out += kAlphabet[(v >> 18) & 63];
	out += kAlphabet[(v >> 12) & 63];
	if (left == 2)
		out += kAlphabet[(v >> 6) & 63];
}

std::optional<size_t> base64_decode(std::string_view text, std::span<uint8_t> out)
{
	if (text.size() % 4 == 0 && text.ends_with("=="))
		text.remove_suffix(2);
	else if (text.size() % 4 == 0 && text.ends_with("="))
		text.remove_suffix(1);
	if (text.size() % 4 == 1)
		return std::nullopt;
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (char c : text) {
		int v = base64_value(c);
		if (v < 0)
			return std::nullopt;
		acc = acc << 6 | static_cast<uint32_t>(v);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == out.size())
				return std::nullopt;
			out[n++] = static_cast<uint8_t>(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1)) // stray bits: not what any encoder writes
		return std::nullopt;
	return n;
}

} // namespace rtpload
