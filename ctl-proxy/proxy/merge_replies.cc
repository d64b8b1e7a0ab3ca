// SPDX-License-Identifier: GPL-3.0-or-later
#include "merge_replies.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace rtprelay::proxy {

namespace {

enum class Rule { kSum, kMean, kMin, kMax };

Rule rule_for(std::string_view key)
{
	for (std::string_view mean : {"avg", "average", "stddev", "pct", "percent"})
		if (key.find(mean) != std::string_view::npos)
			return Rule::kMean;
	if (key.starts_with("min"))
		return Rule::kMin;
	if (key == "max" || key == "uptime")
		return Rule::kMax;
	return Rule::kSum;
}

ng::Value merge(std::string_view key, std::span<const ng::Value> parts, Arena& arena);

ng::Value merge_ints(std::string_view key, std::span<const ng::Value> parts)
{
	int64_t sum = 0;
	int64_t lo = parts[0].as_int();
	int64_t hi = lo;
	for (const ng::Value& v : parts) {
		sum += v.as_int();
		lo = std::min(lo, v.as_int());
		hi = std::max(hi, v.as_int());
	}
	switch (rule_for(key)) {
	case Rule::kMean: return ng::Value::integer(sum / static_cast<int64_t>(parts.size()));
	case Rule::kMin: return ng::Value::integer(lo);
	case Rule::kMax: return ng::Value::integer(hi);
	case Rule::kSum: break;
	}
	return ng::Value::integer(sum);
}

ng::Value merge_dicts(std::span<const ng::Value> parts, Arena& arena)
{
	ng::Value out = ng::Value::dict(arena);
	std::vector<std::string_view> keys;
	for (const ng::Value& p : parts)
		for (const ng::Member& m : p.as_dict())
			if (std::find(keys.begin(), keys.end(), m.key) == keys.end())
				keys.push_back(m.key);
	for (std::string_view k : keys) {
		std::vector<ng::Value> values;
		for (const ng::Value& p : parts)
			if (const ng::Value* v = p.find(k))
				values.push_back(*v);
		out.append(k, merge(k, values, arena));
	}
	return out;
}

ng::Value merge(std::string_view key, std::span<const ng::Value> parts, Arena& arena)
{
	auto same = [&](ng::Value::Type t) {
		return std::all_of(parts.begin(), parts.end(),
		                   [t](const ng::Value& v) { return v.type() == t; });
	};
	if (parts.size() == 1)
		return parts[0];
	if (same(ng::Value::Type::kDict))
		return merge_dicts(parts, arena);
	if (same(ng::Value::Type::kList)) {
		ng::Value out = ng::Value::list(arena);
		for (const ng::Value& p : parts)
			for (const ng::Value& v : p.as_list())
				out.push(v);
		return out;
	}
	if (same(ng::Value::Type::kInt))
		return merge_ints(key, parts);
	return parts[0];
}

} // namespace

ng::Value merge_replies(std::span<const ng::Value> replies, Arena& arena)
{
	if (replies.empty())
		return ng::Value::dict(arena);
	return merge({}, replies, arena);
}

} // namespace rtprelay::proxy
