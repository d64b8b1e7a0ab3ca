// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/call_document.h"

#include <json-c/json.h>

#include <limits>
#include <memory>
#include <optional>

#include "util/base64.h"

namespace rtprelay::ha {
namespace {

using JsonPtr = std::unique_ptr<json_object, decltype(&json_object_put)>;
using TokenerPtr = std::unique_ptr<json_tokener, decltype(&json_tokener_free)>;

// A JSON text as a json-c object; null when it is not one whole JSON value.
JsonPtr parse(std::string_view text)
{
	TokenerPtr tok(json_tokener_new(), json_tokener_free);
	if (!tok || text.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
		return {nullptr, json_object_put};
	JsonPtr obj(json_tokener_parse_ex(tok.get(), text.data(), static_cast<int>(text.size())),
	            json_object_put);
	if (json_tokener_get_error(tok.get()) != json_tokener_success ||
	    json_tokener_get_parse_end(tok.get()) != text.size())
		return {nullptr, json_object_put};
	return obj;
}

json_object* string_of(std::string_view s)
{
	return json_object_new_string_len(s.data(), static_cast<int>(s.size()));
}

json_object* member(json_object* obj, const char* key, json_type type)
{
	json_object* v = nullptr;
	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return nullptr;
	return v;
}

std::string_view text_of(json_object* s)
{
	return {json_object_get_string(s), static_cast<size_t>(json_object_get_string_len(s))};
}

Result<std::vector<call::Journal::Lease>> read_leases(json_object* list)
{
	std::vector<call::Journal::Lease> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object* l = json_object_array_get_idx(list, i);
		json_object* address = member(l, "address", json_type_string);
		json_object* port = member(l, "port", json_type_int);
		int64_t p = port ? json_object_get_int64(port) : 0;
		if (!address || p <= 0 || p > 65535)
			return Error{"a lease without an address or a port"};
		out.push_back({std::string(text_of(address)), static_cast<uint16_t>(p)});
	}
	return out;
}

Result<std::vector<LearnedEndpoint>> read_endpoints(json_object* list)
{
	std::vector<LearnedEndpoint> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object* e = json_object_array_get_idx(list, i);
		json_object* tag = member(e, "tag", json_type_string);
		json_object* media = member(e, "media", json_type_int);
		json_object* rtcp = member(e, "rtcp", json_type_boolean);
		json_object* address = member(e, "address", json_type_string);
		int64_t m = media ? json_object_get_int64(media) : 0;
		if (!tag || !address || !rtcp || m <= 0 || m > std::numeric_limits<int>::max())
			return Error{"an endpoint without a tag, an m= line, rtcp or an address"};
		out.push_back({std::string(text_of(tag)), static_cast<int>(m),
		               json_object_get_boolean(rtcp) != 0, std::string(text_of(address))});
	}
	return out;
}

// An integer member within [0, max]; nullopt when missing, of another type or out of range.
std::optional<int64_t> int_in(json_object* obj, const char* key, int64_t max)
{
	json_object* v = member(obj, key, json_type_int);
	if (!v)
		return std::nullopt;
	int64_t n = json_object_get_int64(v);
	if (n < 0 || n > max)
		return std::nullopt;
	return n;
}

Result<std::vector<SrtpProgress>> read_srtp(json_object* list)
{
	constexpr int64_t kU32 = std::numeric_limits<uint32_t>::max();
	std::vector<SrtpProgress> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object* e = json_object_array_get_idx(list, i);
		json_object* tag = member(e, "tag", json_type_string);
		json_object* outbound = member(e, "out", json_type_boolean);
		auto media = int_in(e, "media", std::numeric_limits<int>::max());
		auto ssrc = int_in(e, "ssrc", kU32);
		if (!tag || !outbound || !media || *media == 0 || !ssrc)
			return Error{
			        "an SRTP entry without a tag, an m= line, a direction or an SSRC"};
		SrtpProgress p{std::string(text_of(tag)), static_cast<int>(*media),
		               json_object_get_boolean(outbound) != 0,
		               static_cast<uint32_t>(*ssrc)};
		auto roc = int_in(e, "roc", kU32);
		auto seq = int_in(e, "seq", std::numeric_limits<uint16_t>::max());
		auto srtcp = int_in(e, "srtcp", kU32);
		auto present = [e](const char* key) {
			json_object* v = nullptr;
			return json_object_object_get_ex(e, key, &v) != 0;
		};
		if (present("roc") != roc.has_value() || present("seq") != seq.has_value() ||
		    roc.has_value() != seq.has_value() || present("srtcp") != srtcp.has_value())
			return Error{"an SRTP entry with a bad roc, seq or srtcp"};
		if (roc) {
			p.has_rtp = true;
			p.roc = static_cast<uint32_t>(*roc);
			p.seq = static_cast<uint16_t>(*seq);
		}
		if (srtcp) {
			p.has_srtcp = true;
			p.srtcp_index = static_cast<uint32_t>(*srtcp);
		}
		out.push_back(p);
	}
	return out;
}

Result<std::string> read_bytes(json_object* s)
{
	if (!s || !json_object_is_type(s, json_type_string))
		return Error{"not a string"};
	std::string bytes(text_of(s).size(), '\0');
	auto n = util::base64_decode(text_of(s),
	                             {reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()});
	if (!n)
		return Error{"not base64"};
	bytes.resize(*n);
	return bytes;
}

std::string base64_of(const std::string& bytes)
{
	std::string b64;
	util::base64_encode({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, b64);
	return b64;
}

Result<std::vector<DtlsKeys>> read_dtls(json_object* list)
{
	std::vector<DtlsKeys> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object* e = json_object_array_get_idx(list, i);
		json_object* tag = member(e, "tag", json_type_string);
		json_object* suite = member(e, "suite", json_type_string);
		auto media = int_in(e, "media", std::numeric_limits<int>::max());
		auto local = read_bytes(member(e, "local", json_type_string));
		auto remote = read_bytes(member(e, "remote", json_type_string));
		if (!tag || !suite || !media || *media == 0 || !local || !remote)
			return Error{"DTLS keys without a tag, an m= line, a suite or base64 keys"};
		out.push_back({std::string(text_of(tag)), static_cast<int>(*media),
		               std::string(text_of(suite)), std::move(*local), std::move(*remote)});
	}
	return out;
}

Result<std::vector<IceSelection>> read_ice(json_object* list)
{
	std::vector<IceSelection> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object* e = json_object_array_get_idx(list, i);
		json_object* tag = member(e, "tag", json_type_string);
		json_object* address = member(e, "address", json_type_string);
		json_object* nominated = member(e, "nominated", json_type_boolean);
		auto media = int_in(e, "media", std::numeric_limits<int>::max());
		auto component = int_in(e, "component", 2);
		auto local = int_in(e, "local", std::numeric_limits<int>::max());
		if (!tag || !address || !nominated || !media || *media == 0 || !component ||
		    *component == 0 || !local)
			return Error{"an ICE selection without a tag, an m= line, a component, a "
			             "candidate, an address or nominated"};
		out.push_back({std::string(text_of(tag)), static_cast<int>(*media),
		               static_cast<int>(*component), static_cast<int>(*local),
		               std::string(text_of(address)),
		               json_object_get_boolean(nominated) != 0});
	}
	return out;
}

Result<std::vector<std::string>> read_secrets(json_object* list)
{
	std::vector<std::string> out;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		auto bytes = read_bytes(json_object_array_get_idx(list, i));
		if (!bytes)
			return Error{"a secret that is " + bytes.error().reason};
		out.push_back(std::move(*bytes));
	}
	return out;
}

// The fields relays added after the first documents; each may be absent.
Result<void> read_later_fields(json_object* r, CallDocument& doc)
{
	if (json_object* endpoints = member(r, "endpoints", json_type_array)) {
		auto e = read_endpoints(endpoints);
		if (!e)
			return e.error();
		doc.endpoints = std::move(*e);
	}
	if (json_object* srtp = member(r, "srtp", json_type_array)) {
		auto p = read_srtp(srtp);
		if (!p)
			return p.error();
		doc.srtp = std::move(*p);
	}
	if (json_object* dtls = member(r, "dtls", json_type_array)) {
		auto k = read_dtls(dtls);
		if (!k)
			return k.error();
		doc.dtls = std::move(*k);
	}
	if (json_object* ice = member(r, "ice", json_type_array)) {
		auto sel = read_ice(ice);
		if (!sel)
			return sel.error();
		doc.ice = std::move(*sel);
	}
	return {};
}

} // namespace

std::string document_key(std::string_view call_id)
{
	std::string key(kDocumentPattern.substr(0, kDocumentPattern.size() - 1));
	key += call_id;
	return key;
}

std::string write_document(const CallDocument& doc)
{
	JsonPtr root(json_object_new_object(), json_object_put);
	json_object* r = root.get();
	json_object_object_add(r, "version", json_object_new_int(kDocumentVersion));
	json_object_object_add(r, "call-id", string_of(doc.call_id));
	json_object_object_add(r, "created", json_object_new_int64(doc.created_ms));
	json_object_object_add(r, "last-signal", json_object_new_int64(doc.last_signal_ms));
	json_object* requests = json_object_new_array();
	for (const std::string& q : doc.requests) {
		// An object where the request is valid JSON (always, from ng/json.h), so that an
		// operator reads it with redis-cli; as a string otherwise.
		JsonPtr obj = parse(q);
		json_object_array_add(requests, obj ? obj.release() : string_of(q));
	}
	json_object_object_add(r, "requests", requests);
	json_object* leases = json_object_new_array();
	for (const auto& l : doc.leases) {
		json_object* o = json_object_new_object();
		json_object_object_add(o, "address", string_of(l.address));
		json_object_object_add(o, "port", json_object_new_int(l.port));
		json_object_array_add(leases, o);
	}
	json_object_object_add(r, "leases", leases);
	json_object* secrets = json_object_new_array();
	for (const std::string& s : doc.secrets)
		json_object_array_add(secrets, string_of(base64_of(s)));
	json_object_object_add(r, "secrets", secrets);
	json_object* endpoints = json_object_new_array();
	for (const auto& e : doc.endpoints) {
		json_object* o = json_object_new_object();
		json_object_object_add(o, "tag", string_of(e.tag));
		json_object_object_add(o, "media", json_object_new_int(e.media));
		json_object_object_add(o, "rtcp", json_object_new_boolean(e.rtcp ? 1 : 0));
		json_object_object_add(o, "address", string_of(e.address));
		json_object_array_add(endpoints, o);
	}
	json_object_object_add(r, "endpoints", endpoints);
	json_object* srtp = json_object_new_array();
	for (const auto& p : doc.srtp) {
		json_object* o = json_object_new_object();
		json_object_object_add(o, "tag", string_of(p.tag));
		json_object_object_add(o, "media", json_object_new_int(p.media));
		json_object_object_add(o, "out", json_object_new_boolean(p.outbound ? 1 : 0));
		json_object_object_add(o, "ssrc", json_object_new_int64(p.ssrc));
		if (p.has_rtp) {
			json_object_object_add(o, "roc", json_object_new_int64(p.roc));
			json_object_object_add(o, "seq", json_object_new_int(p.seq));
		}
		if (p.has_srtcp)
			json_object_object_add(o, "srtcp", json_object_new_int64(p.srtcp_index));
		json_object_array_add(srtp, o);
	}
	json_object_object_add(r, "srtp", srtp);
	json_object* dtls = json_object_new_array();
	for (const auto& k : doc.dtls) {
		json_object* o = json_object_new_object();
		json_object_object_add(o, "tag", string_of(k.tag));
		json_object_object_add(o, "media", json_object_new_int(k.media));
		json_object_object_add(o, "suite", string_of(k.suite));
		json_object_object_add(o, "local", string_of(base64_of(k.local)));
		json_object_object_add(o, "remote", string_of(base64_of(k.remote)));
		json_object_array_add(dtls, o);
	}
	json_object_object_add(r, "dtls", dtls);
	json_object* ice = json_object_new_array();
	for (const auto& sel : doc.ice) {
		json_object* o = json_object_new_object();
		json_object_object_add(o, "tag", string_of(sel.tag));
		json_object_object_add(o, "media", json_object_new_int(sel.media));
		json_object_object_add(o, "component", json_object_new_int(sel.component));
		json_object_object_add(o, "local", json_object_new_int(sel.local));
		json_object_object_add(o, "address", string_of(sel.address));
		json_object_object_add(o, "nominated",
		                       json_object_new_boolean(sel.nominated ? 1 : 0));
		json_object_array_add(ice, o);
	}
	json_object_object_add(r, "ice", ice);
	return json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
}

Result<CallDocument> read_document(std::string_view text)
{
	JsonPtr root = parse(text);
	if (!root || !json_object_is_type(root.get(), json_type_object))
		return Error{"not a JSON object"};
	json_object* r = root.get();
	json_object* version = member(r, "version", json_type_int);
	if (!version)
		return Error{"no schema version"};
	if (json_object_get_int64(version) != kDocumentVersion)
		return Error{"schema version " + std::to_string(json_object_get_int64(version)) +
		             ", this relay reads version " + std::to_string(kDocumentVersion)};
	CallDocument doc;
	json_object* id = member(r, "call-id", json_type_string);
	json_object* created = member(r, "created", json_type_int);
	json_object* last = member(r, "last-signal", json_type_int);
	json_object* requests = member(r, "requests", json_type_array);
	json_object* leases = member(r, "leases", json_type_array);
	json_object* secrets = member(r, "secrets", json_type_array);
	if (!id || text_of(id).empty() || !created || !last || !requests || !leases || !secrets)
		return Error{"missing call-id, created, last-signal, requests, leases or secrets"};
	doc.call_id = text_of(id);
	doc.created_ms = json_object_get_int64(created);
	doc.last_signal_ms = json_object_get_int64(last);
	for (size_t i = 0; i < json_object_array_length(requests); i++) {
		json_object* q = json_object_array_get_idx(requests, i);
		if (json_object_is_type(q, json_type_string))
			doc.requests.emplace_back(text_of(q));
		else if (json_object_is_type(q, json_type_object))
			doc.requests.emplace_back(
			        json_object_to_json_string_ext(q, JSON_C_TO_STRING_PLAIN));
		else
			return Error{"a request that is neither an object nor a string"};
	}
	if (doc.requests.empty())
		return Error{"no requests"};
	auto l = read_leases(leases);
	if (!l)
		return l.error();
	doc.leases = std::move(*l);
	auto s = read_secrets(secrets);
	if (!s)
		return s.error();
	doc.secrets = std::move(*s);
	if (auto added = read_later_fields(r, doc); !added)
		return added.error();
	return doc;
}

} // namespace rtprelay::ha
