#include "ng/flags.h"

#include <sys/socket.h>

#include <cctype>

#include "util/strings.h"

namespace rtprelay::ng {

std::string normalize_flag(std::string_view s)
{
	std::string out(s);
	for (char& c : out) {
		if (c == '_' || c == ' ')
			c = '-';
		else
			c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
	}
	return out;
}

bool flag_equals(std::string_view s, std::string_view canonical)
{
	if (s.size() != canonical.size())
		return false;
	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i] == '_' || s[i] == ' '
		                 ? '-'
		                 : static_cast<char>(tolower(static_cast<unsigned char>(s[i])));
		if (c != canonical[i])
			return false;
	}
	return true;
}

const Value* find_key(const Value& dict, std::string_view canonical)
{
	if (!dict.is_dict())
		return nullptr;
	const Value* found = nullptr;
	for (const auto& m : dict.as_dict()) // last one wins, like Value::find
		if (flag_equals(m.key, canonical))
			found = &m.value;
	return found;
}

namespace {

Error wrong_type(std::string_view key, const Value& v, const char* want)
{
	return Error{strprintf("key '%.*s' must be %s, not %s", static_cast<int>(key.size()),
	                       key.data(), want, std::string(v.type_name()).c_str())};
}

Result<void> get_string(const Value& params, std::string_view key, std::string& out)
{
	const Value* v = find_key(params, key);
	if (!v)
		return {};
	if (!v->is_string())
		return wrong_type(key, *v, "a string");
	out = v->as_string();
	return {};
}

// A list of strings; a single string is accepted as a one-element list.
Result<std::vector<std::string>> get_list(const Value& params, std::string_view key)
{
	std::vector<std::string> out;
	const Value* v = find_key(params, key);
	if (!v)
		return out;
	if (v->is_string()) {
		out.emplace_back(v->as_string());
		return out;
	}
	if (!v->is_list())
		return wrong_type(key, *v, "a list of strings");
	for (const auto& item : v->as_list()) {
		if (!item.is_string())
			return wrong_type(key, item, "a list of strings");
		out.emplace_back(item.as_string());
	}
	return out;
}

Result<int> parse_family(std::string_view v)
{
	std::string n = normalize_flag(v);
	if (n == "ip4" || n == "ipv4")
		return AF_INET;
	if (n == "ip6" || n == "ipv6")
		return AF_INET6;
	return Error{strprintf("address family '%s' is neither IP4 nor IP6", printable(v).c_str())};
}

// One flag word from `flags` or `rtpp-flags`; returns false if unknown.
bool apply_flag(SignallingFlags& f, const std::string& n)
{
	if (n == "trust-address")
		f.options.trust_address = true;
	else if (n == "sip-source-address")
		f.options.sip_source_address = true;
	else if (n == "symmetric") {
	} // the default
	else if (n == "asymmetric")
		f.options.asymmetric = true;
	else if (n == "strict-source")
		f.options.strict_source = true;
	else if (n == "fatal")
		f.fatal = true;
	else if (n == "replace-origin")
		f.options.replace_origin = true;
	else if (n == "replace-session-connection") {
	} // always done
	else if (n == "replace-sdp-version")
		f.options.replace_sdp_version = true;
	else if (n == "rtcp-mux-offer")
		f.options.rtcp_mux.offer = true;
	else if (n == "rtcp-mux-demux")
		f.options.rtcp_mux.demux = true;
	else if (n == "rtcp-mux-accept")
		f.options.rtcp_mux.accept = true;
	else if (n == "rtcp-mux-reject")
		f.options.rtcp_mux.reject = true;
	else if (n == "ice-remove")
		f.options.ice = call::IceMode::kRemove;
	else
		return false;
	return true;
}

Result<void> apply_replace(SignallingFlags& f, const std::string& what)
{
	std::string n = normalize_flag(what);
	if (n == "origin")
		f.options.replace_origin = true;
	else if (n == "session-connection") {
	} // always done
	else if (n == "sdp-version")
		f.options.replace_sdp_version = true;
	else
		f.unknown.push_back("replace=" + what);
	return {};
}

Result<void> apply_ice(SignallingFlags& f, std::string_view value)
{
	std::string n = normalize_flag(value);
	if (n == "remove")
		f.options.ice = call::IceMode::kRemove;
	else if (n == "default")
		f.options.ice = call::IceMode::kDefault;
	else
		return Error{strprintf("ICE=%s is not supported yet (only 'remove')",
		                       printable(value).c_str())};
	return {};
}

Result<void> apply_address(std::optional<net::IpAddress>& out, std::string_view key,
                           std::string_view value)
{
	auto ip = net::IpAddress::parse(trim(value));
	if (!ip)
		return Error{strprintf("%.*s: %s", static_cast<int>(key.size()), key.data(),
		                       ip.error().reason.c_str())};
	out = *ip;
	return {};
}

// `rtpp-flags`: space-separated words, `key=value` for the keyed ones.
Result<void> apply_rtpp_flags(SignallingFlags& f, std::string_view text)
{
	while (!text.empty()) {
		size_t sp = text.find_first_of(" \t\r\n");
		std::string_view word = text.substr(0, sp);
		text.remove_prefix(sp == std::string_view::npos ? text.size() : sp + 1);
		if (word.empty())
			continue;
		size_t eq = word.find('=');
		std::string key = normalize_flag(word.substr(0, eq));
		std::string_view value = eq == std::string_view::npos ? "" : word.substr(eq + 1);
		Result<void> r;
		if (eq == std::string_view::npos) {
			if (!apply_flag(f, key))
				f.unknown.emplace_back(word);
		} else if (key == "direction")
			f.options.direction.emplace_back(value);
		else if (key == "replace")
			r = apply_replace(f, std::string(value));
		else if (key == "ice")
			r = apply_ice(f, value);
		else if (key == "transport-protocol")
			f.options.transport_protocol = value;
		else if (key == "address-family") {
			auto fam = parse_family(value);
			if (!fam)
				return fam.error();
			f.options.address_family = *fam;
		} else if (key == "media-address")
			r = apply_address(f.options.media_address, "media-address", value);
		else if (key == "label")
			f.options.label = value;
		else if (key == "via-branch")
			f.options.via_branch = value;
		else if (key == "to-tag")
			f.options.to_tag = value;
		else if (key == "from-tag")
			f.options.from_tag = value;
		else if (key == "rtcp-mux") {
			if (!apply_flag(f, "rtcp-mux-" + normalize_flag(value)))
				f.unknown.emplace_back(word);
		} else if (key == "delete-delay") {
			auto d = parse_int(value);
			if (!d || *d < 0 || *d > 86400)
				return Error{"rtpp-flags: delete-delay must be 0..86400 seconds"};
			f.delete_delay = static_cast<int>(*d);
		} else
			f.unknown.emplace_back(word);
		if (!r)
			return r;
	}
	return {};
}

} // namespace

Result<SignallingFlags> parse_flags(const Value& params)
{
	SignallingFlags f;
	for (auto [key, out] : {std::pair{"call-id", &f.call_id},
	                        {"from-tag", &f.options.from_tag},
	                        {"to-tag", &f.options.to_tag},
	                        {"via-branch", &f.options.via_branch},
	                        {"label", &f.options.label},
	                        {"sdp", &f.sdp},
	                        {"transport-protocol", &f.options.transport_protocol}})
		if (auto r = get_string(params, key, *out); !r)
			return r.error();

	auto flags = get_list(params, "flags");
	if (!flags)
		return flags.error();
	for (const auto& word : *flags) {
		std::string n = normalize_flag(word);
		if (!apply_flag(f, n))
			f.unknown.push_back(word);
	}
	auto replace = get_list(params, "replace");
	if (!replace)
		return replace.error();
	for (const auto& r : *replace)
		(void)apply_replace(f, r);
	auto direction = get_list(params, "direction");
	if (!direction)
		return direction.error();
	f.options.direction = *direction;
	auto mux = get_list(params, "rtcp-mux");
	if (!mux)
		return mux.error();
	for (const auto& m : *mux)
		if (!apply_flag(f, "rtcp-mux-" + normalize_flag(m)))
			f.unknown.push_back("rtcp-mux=" + m);

	std::string text;
	if (auto r = get_string(params, "ice", text); !r)
		return r.error();
	if (!text.empty())
		if (auto r = apply_ice(f, text); !r)
			return r.error();
	text.clear();
	if (auto r = get_string(params, "address-family", text); !r)
		return r.error();
	if (!text.empty()) {
		auto fam = parse_family(text);
		if (!fam)
			return fam.error();
		f.options.address_family = *fam;
	}
	text.clear();
	if (auto r = get_string(params, "media-address", text); !r)
		return r.error();
	if (!text.empty())
		if (auto r = apply_address(f.options.media_address, "media-address", text); !r)
			return r.error();

	// received-from: ["IP4", "192.0.2.1"]
	auto received = get_list(params, "received-from");
	if (!received)
		return received.error();
	if (!received->empty()) {
		if (received->size() != 2)
			return Error{"key 'received-from' must be a list [family, address]"};
		if (auto r =
		            apply_address(f.options.received_from, "received-from", (*received)[1]);
		    !r)
			return r.error();
	}
	if (const Value* dd = find_key(params, "delete-delay")) {
		int64_t secs = -1;
		if (dd->is_int())
			secs = dd->as_int();
		else if (dd->is_string())
			secs = parse_int(dd->as_string()).value_or(-1);
		if (secs < 0 || secs > 86400)
			return Error{"key 'delete-delay' must be 0..86400 seconds"};
		f.delete_delay = static_cast<int>(secs);
	}
	text.clear();
	if (auto r = get_string(params, "rtpp-flags", text); !r)
		return r.error();
	if (auto r = apply_rtpp_flags(f, text); !r)
		return r.error();
	return f;
}

} // namespace rtprelay::ng
