// SPDX-License-Identifier: GPL-3.0-or-later
// The ng message model shared by the bencode and JSON codecs: integers, byte strings, lists and
// dictionaries (insertion-ordered). A Value is a small handle; strings and containers live in
// an Arena or in the received datagram, which must outlive every Value pointing into them.
#pragma once

#include <cstdint>
#include <memory_resource>
#include <string_view>
#include <variant>
#include <vector>

#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::ng {

class Value;
struct Member;
using List = std::pmr::vector<Value>;
using Dict = std::pmr::vector<Member>;

inline constexpr int kMaxDepth = 32;

class Value {
public:
	enum class Type : uint8_t { kInt, kString, kList, kDict };

	Value() : v_(int64_t{0}) {}
	static Value integer(int64_t v) { return Value(v); }
	// Borrows s: it must live as long as the Value (copy it into the arena if it does not).
	static Value string(std::string_view s) { return Value(s); }
	static Value list(Arena& arena) { return Value(arena.make<List>(arena.resource())); }
	// `capacity`: the members it will hold, where the builder knows (one allocation).
	static Value dict(Arena& arena, size_t capacity = 0);

	Type type() const { return static_cast<Type>(v_.index()); }
	bool is_int() const { return type() == Type::kInt; }
	bool is_string() const { return type() == Type::kString; }
	bool is_list() const { return type() == Type::kList; }
	bool is_dict() const { return type() == Type::kDict; }
	std::string_view type_name() const;

	int64_t as_int() const { return std::get<int64_t>(v_); }
	std::string_view as_string() const { return std::get<std::string_view>(v_); }
	const List& as_list() const { return *std::get<List*>(v_); }
	const Dict& as_dict() const { return *std::get<Dict*>(v_); }

	// List: append. Dict: replace the value of key, or append it.
	void push(Value v) { std::get<List*>(v_)->push_back(v); }
	void set(std::string_view key, Value v);
	// Dict: append without looking for an existing key (decoders, and builders whose keys
	// are distinct: keeps them linear).
	void append(std::string_view key, Value v);

	// Dict lookups; the last occurrence of a key wins, as json-c decides for JSON.
	const Value* find(std::string_view key) const;
	// The string at key; the error says whether it is missing or of the wrong type.
	Result<std::string_view> get_string(std::string_view key) const;

	bool operator==(const Value& other) const;

private:
	template <class T>
	explicit Value(T v) : v_(v)
	{
	}

	// Index order must match Type.
	std::variant<int64_t, std::string_view, List*, Dict*> v_;
};

struct Member {
	std::string_view key;
	Value value;
};

} // namespace rtprelay::ng
