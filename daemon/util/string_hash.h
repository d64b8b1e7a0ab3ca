// SPDX-License-Identifier: GPL-3.0-or-later
// Lets a map keyed by std::string be searched with a std::string_view, without building a
// std::string for each lookup (an allocation for keys past the small-string size, such as
// call-ids): std::unordered_map<std::string, T, StringHash, std::equal_to<>>.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace rtprelay {

struct StringHash {
	using is_transparent = void;
	size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

} // namespace rtprelay
