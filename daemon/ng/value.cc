// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/value.h"

#include "util/strings.h"

namespace rtprelay::ng {

std::string_view Value::type_name() const
{
	switch (type()) {
	case Type::kInt: return "an integer";
	case Type::kString: return "a string";
	case Type::kList: return "a list";
	case Type::kDict: return "a dictionary";
	}
	return "?";
}

Value Value::dict(Arena& arena, size_t capacity)
{
	Dict* d = arena.make<Dict>(arena.resource());
	d->reserve(capacity);
	return Value(d);
}

void Value::set(std::string_view key, Value v)
{
	Dict& d = *std::get<Dict*>(v_);
	for (auto& m : d) {
		if (m.key == key) {
			m.value = v;
			return;
		}
	}
	d.push_back({key, v});
}

void Value::append(std::string_view key, Value v)
{
	std::get<Dict*>(v_)->push_back({key, v});
}

const Value* Value::find(std::string_view key) const
{
	if (!is_dict())
		return nullptr;
	const Dict& d = as_dict();
	for (auto it = d.rbegin(); it != d.rend(); ++it)
		if (it->key == key)
			return &it->value;
	return nullptr;
}

Result<std::string_view> Value::get_string(std::string_view key) const
{
	const Value* v = find(key);
	std::string k = printable(key);
	if (!v)
		return Error{strprintf("missing key '%s'", k.c_str())};
	if (!v->is_string())
		return Error{strprintf("key '%s' must be a string, not %s", k.c_str(),
		                       std::string(v->type_name()).c_str())};
	return v->as_string();
}

bool Value::operator==(const Value& other) const
{
	if (type() != other.type())
		return false;
	switch (type()) {
	case Type::kInt: return as_int() == other.as_int();
	case Type::kString: return as_string() == other.as_string();
	case Type::kList: {
		const List& a = as_list();
		const List& b = other.as_list();
		if (a.size() != b.size())
			return false;
		for (size_t i = 0; i < a.size(); i++)
			if (!(a[i] == b[i]))
				return false;
		return true;
	}
	case Type::kDict: {
		const Dict& a = as_dict();
		const Dict& b = other.as_dict();
		if (a.size() != b.size())
			return false;
		for (size_t i = 0; i < a.size(); i++)
			if (a[i].key != b[i].key || !(a[i].value == b[i].value))
				return false;
		return true;
	}
	}
	return false;
}

} // namespace rtprelay::ng
