// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/json.h"

#include <json-c/json.h>

#include <cctype>
#include <limits>
#include <memory>

#include "util/strings.h"

namespace rtprelay::ng {
namespace {

using JsonPtr = std::unique_ptr<json_object, decltype(&json_object_put)>;
using TokenerPtr = std::unique_ptr<json_tokener, decltype(&json_tokener_free)>;

Result<Value> convert(json_object* obj, Arena& arena)
{
	switch (json_object_get_type(obj)) {
	case json_type_null: return Error{"JSON null is not a valid ng value"};
	case json_type_boolean: return Value::integer(json_object_get_boolean(obj) ? 1 : 0);
	case json_type_double: return Error{"JSON numbers must be integers"};
	case json_type_int: {
		// json-c clamps out-of-range numbers silently: a positive one shows as INT64_MAX
		// with a larger uint64 value; a negative one is indistinguishable from INT64_MIN,
		// so that value is refused as well (no ng value comes near it).
		int64_t v = json_object_get_int64(obj);
		if (v == std::numeric_limits<int64_t>::min() ||
		    (v == std::numeric_limits<int64_t>::max() &&
		     json_object_get_uint64(obj) != static_cast<uint64_t>(v)))
			return Error{"JSON integer out of range"};
		return Value::integer(v);
	}
	case json_type_string:
		return Value::string(
		        arena.copy({json_object_get_string(obj),
		                    static_cast<size_t>(json_object_get_string_len(obj))}));
	case json_type_array: {
		Value list = Value::list(arena);
		size_t n = json_object_array_length(obj);
		for (size_t i = 0; i < n; i++) {
			auto item = convert(json_object_array_get_idx(obj, i), arena);
			if (!item)
				return item;
			list.push(*item);
		}
		return list;
	}
	case json_type_object: {
		Value dict = Value::dict(arena);
		json_object_object_foreach(obj, key, val)
		{
			auto item = convert(val, arena);
			if (!item)
				return item;
			dict.append(arena.copy(key), *item);
		}
		return dict;
	}
	}
	return Error{"unsupported JSON value"};
}

json_object* to_json(const Value& v)
{
	switch (v.type()) {
	case Value::Type::kInt: return json_object_new_int64(v.as_int());
	case Value::Type::kString:
		return json_object_new_string_len(v.as_string().data(),
		                                  static_cast<int>(v.as_string().size()));
	case Value::Type::kList: {
		json_object* arr = json_object_new_array_ext(static_cast<int>(v.as_list().size()));
		for (const auto& item : v.as_list())
			json_object_array_add(arr, to_json(item));
		return arr;
	}
	case Value::Type::kDict: {
		json_object* obj = json_object_new_object();
		for (const auto& m : v.as_dict()) {
			std::string key(m.key);
			json_object_object_add(obj, key.c_str(), to_json(m.value));
		}
		return obj;
	}
	}
	return nullptr;
}

} // namespace

Result<Value> json_decode(std::string_view in, Arena& arena)
{
	TokenerPtr tok(json_tokener_new_ex(kMaxDepth), json_tokener_free);
	if (!tok)
		return Error{"out of memory"};
	// Plain JSON only (no comments, single quotes, trailing commas), valid UTF-8.
	json_tokener_set_flags(tok.get(), JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	if (in.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
		return Error{"message too large"};
	JsonPtr root(json_tokener_parse_ex(tok.get(), in.data(), static_cast<int>(in.size())),
	             json_object_put);
	json_tokener_error jerr = json_tokener_get_error(tok.get());
	if (jerr == json_tokener_continue)
		return Error{"malformed JSON: truncated message"};
	if (jerr != json_tokener_success)
		return Error{strprintf("malformed JSON at offset %zu: %s",
		                       json_tokener_get_parse_end(tok.get()),
		                       json_tokener_error_desc(jerr))};
	for (size_t i = json_tokener_get_parse_end(tok.get()); i < in.size(); i++)
		if (!isspace(static_cast<unsigned char>(in[i])))
			return Error{strprintf(
			        "malformed JSON at offset %zu: trailing data after the value", i)};
	if (!root) // a bare "null"
		return Error{"JSON null is not a valid ng value"};
	return convert(root.get(), arena);
}

void json_encode(const Value& v, std::string& out)
{
	JsonPtr obj(to_json(v), json_object_put);
	size_t len = 0;
	const char* s = json_object_to_json_string_length(
	        obj.get(), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	out.append(s, len);
}

} // namespace rtprelay::ng
