// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/crypto.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "util/base64.h"
#include "util/strings.h"

namespace rtprelay::sdp {
namespace {

// RFC 4568 (AES_CM_128_*), RFC 6188 (AES_192/256), RFC 7714 (AEAD_*); the NULL cipher with
// the AES-128 key size, as libsrtp2 and rtpengine key it.
constexpr std::array<SrtpSuite, 10> kSuites = {{
        {"AEAD_AES_256_GCM", 32, 12, 16, true, false},
        {"AEAD_AES_128_GCM", 16, 12, 16, true, false},
        {"AES_256_CM_HMAC_SHA1_80", 32, 14, 10, false, false},
        {"AES_256_CM_HMAC_SHA1_32", 32, 14, 4, false, false},
        {"AES_192_CM_HMAC_SHA1_80", 24, 14, 10, false, false},
        {"AES_192_CM_HMAC_SHA1_32", 24, 14, 4, false, false},
        {"AES_CM_128_HMAC_SHA1_80", 16, 14, 10, false, false},
        {"AES_CM_128_HMAC_SHA1_32", 16, 14, 4, false, false},
        {"NULL_HMAC_SHA1_80", 16, 14, 10, false, true},
        {"NULL_HMAC_SHA1_32", 16, 14, 4, false, true},
}};

// SRTP allows 2^48 packets per key (RFC 3711 9.2); a larger lifetime means nothing.
constexpr unsigned kMaxLifetimeLog2 = 48;

bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

template <class T>
std::optional<T> number(std::string_view s)
{
	T v{};
	if (s.empty() || s.size() > 20 || !std::all_of(s.begin(), s.end(), is_digit))
		return std::nullopt;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || p != s.data() + s.size())
		return std::nullopt;
	return v;
}

// RFC 4568 9.2: a suite name is letters, digits and '_'.
bool is_suite_name(std::string_view s)
{
	return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
		return is_digit(c) || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	});
}

// Visible ASCII (RFC 5234 VCHAR) other than the separators of the attribute.
bool is_visible(std::string_view s)
{
	return std::all_of(s.begin(), s.end(),
	                   [](char c) { return c > ' ' && c < 0x7f && c != ';' && c != '|'; });
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
	std::vector<std::string_view> out;
	size_t start = 0;
	for (size_t i = 0; i <= s.size(); i++)
		if (i == s.size() || s[i] == sep) {
			out.push_back(s.substr(start, i - start));
			start = i + 1;
		}
	return out;
}

std::vector<std::string_view> words(std::string_view s)
{
	std::vector<std::string_view> out;
	for (std::string_view w : split(s, ' '))
		for (std::string_view t : split(w, '\t'))
			if (!t.empty())
				out.push_back(t);
	return out;
}

Result<void> parse_lifetime(std::string_view s, CryptoKey& key)
{
	if (s.rfind("2^", 0) == 0) {
		auto n = number<unsigned>(s.substr(2));
		if (!n || *n > kMaxLifetimeLog2)
			return Error{"lifetime is not 2^N with N at most 48"};
		key.lifetime = uint64_t{1} << *n;
		key.lifetime_as_power = true;
		return {};
	}
	auto n = number<uint64_t>(s);
	if (!n || *n == 0 || *n > uint64_t{1} << kMaxLifetimeLog2)
		return Error{"lifetime is not a number of packets from 1 to 2^48"};
	key.lifetime = *n;
	return {};
}

Result<void> parse_mki(std::string_view s, CryptoKey& key)
{
	size_t colon = s.find(':');
	auto value = number<uint32_t>(s.substr(0, colon));
	auto length = colon == std::string_view::npos ? std::nullopt
	                                              : number<unsigned>(s.substr(colon + 1));
	if (!value || !length || *length < 1 || *length > 128)
		return Error{"MKI is not VALUE:LENGTH with a length of 1 to 128 bytes"};
	if (*length < 4 && *value >> (8 * *length) != 0)
		return Error{strprintf("MKI value does not fit in %u byte(s)", *length)};
	key.mki = *value;
	key.mki_length = static_cast<uint8_t>(*length);
	return {};
}

// "inline:<key||salt>[|lifetime][|MKI:length]"
Result<CryptoKey> parse_key(std::string_view param, const SrtpSuite* suite)
{
	constexpr std::string_view kInline = "inline:";
	if (param.rfind(kInline, 0) != 0)
		return Error{"key method is not inline"};
	auto parts = split(param.substr(kInline.size()), '|');
	if (parts.size() > 3)
		return Error{"too many '|' fields"};
	CryptoKey key;
	for (size_t i = 1; i < parts.size(); i++) {
		bool is_mki = parts[i].find(':') != std::string_view::npos;
		if (is_mki ? key.mki.has_value() : key.lifetime.has_value())
			return Error{is_mki ? "two MKIs" : "two lifetimes"};
		if (!is_mki && key.mki)
			return Error{"lifetime after the MKI"};
		auto r = is_mki ? parse_mki(parts[i], key) : parse_lifetime(parts[i], key);
		if (!r)
			return r.error();
	}
	if (!suite) {
		if (parts[0].empty() || !is_visible(parts[0]))
			return Error{"key is empty or not visible ASCII"};
		key.unknown_text = std::string(parts[0]);
		return key;
	}
	auto n = util::base64_decode(parts[0], key.material);
	if (!n)
		return Error{"key is not valid base64 or too long"};
	size_t want = size_t{suite->key_bytes} + suite->salt_bytes;
	if (*n != want)
		return Error{strprintf("key and salt are %zu bytes, %.*s needs %zu", *n,
		                       static_cast<int>(suite->name.size()), suite->name.data(),
		                       want)};
	key.length = static_cast<uint8_t>(*n);
	key.padded = parts[0].size() % 4 == 0;
	return key;
}

void parse_session_param(std::string_view p, CryptoAttr& a)
{
	if (p == "UNENCRYPTED_SRTP")
		a.unencrypted_srtp = true;
	else if (p == "UNENCRYPTED_SRTCP")
		a.unencrypted_srtcp = true;
	else if (p == "UNAUTHENTICATED_SRTP")
		a.unauthenticated_srtp = true;
	else
		a.other_params.emplace_back(p);
}

} // namespace

std::span<const SrtpSuite> srtp_suites()
{
	return kSuites;
}

const SrtpSuite* find_srtp_suite(std::string_view name)
{
	for (const auto& s : kSuites)
		if (s.name == name)
			return &s;
	return nullptr;
}

CryptoKey::~CryptoKey()
{
	explicit_bzero(material.data(), material.size());
	explicit_bzero(unknown_text.data(), unknown_text.size());
}

Result<CryptoAttr> CryptoAttr::parse(std::string_view value)
{
	auto w = words(value);
	if (w.size() < 3)
		return Error{"a=crypto needs a tag, a suite and a key"};
	auto tag = number<uint32_t>(w[0]);
	if (!tag || *tag == 0 || w[0].size() > 9)
		return Error{"a=crypto tag is not a number from 1 to 999999999"};
	if (!is_suite_name(w[1]))
		return Error{"a=crypto suite is not a name of letters, digits and '_'"};
	CryptoAttr a;
	a.tag = *tag;
	a.suite_name = std::string(w[1]);
	a.suite = find_srtp_suite(w[1]);
	auto params = split(w[2], ';');
	for (size_t i = 0; i < params.size(); i++) {
		auto key = parse_key(params[i], a.suite);
		if (!key)
			return Error{strprintf("a=crypto tag %u, key %zu: %s", a.tag, i + 1,
			                       key.error().reason.c_str())};
		a.keys.push_back(std::move(key).value());
	}
	if (a.keys.size() > 1 &&
	    std::any_of(a.keys.begin(), a.keys.end(), [](const CryptoKey& k) { return !k.mki; }))
		return Error{strprintf("a=crypto tag %u: several keys need an MKI each", a.tag)};
	for (size_t i = 3; i < w.size(); i++) {
		if (!std::all_of(w[i].begin(), w[i].end(),
		                 [](char c) { return c > ' ' && c < 0x7f; }))
			return Error{strprintf(
			        "a=crypto tag %u: a session parameter is not visible ASCII",
			        a.tag)};
		parse_session_param(w[i], a);
	}
	return a;
}

std::string CryptoAttr::to_string() const
{
	std::string out = std::to_string(tag) + " " + suite_name + " ";
	for (size_t i = 0; i < keys.size(); i++) {
		const CryptoKey& k = keys[i];
		out += i ? ";inline:" : "inline:";
		if (suite)
			util::base64_encode(k.bytes(), out, k.padded);
		else
			out += k.unknown_text;
		if (k.lifetime) {
			if (k.lifetime_as_power)
				out += "|2^" + std::to_string(__builtin_ctzll(*k.lifetime));
			else
				out += "|" + std::to_string(*k.lifetime);
		}
		if (k.mki)
			out += "|" + std::to_string(*k.mki) + ":" + std::to_string(k.mki_length);
	}
	for (auto [on, name] : {std::pair{unencrypted_srtp, "UNENCRYPTED_SRTP"},
	                        {unencrypted_srtcp, "UNENCRYPTED_SRTCP"},
	                        {unauthenticated_srtp, "UNAUTHENTICATED_SRTP"}})
		if (on)
			out += std::string(" ") + name;
	for (const auto& p : other_params)
		out += " " + p;
	return out;
}

} // namespace rtprelay::sdp
