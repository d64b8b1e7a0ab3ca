// SPDX-License-Identifier: GPL-3.0-or-later
// Bencode (BEP 3) as the ng protocol uses it: decoded in place into Values whose strings point
// into the input, and encoded from Values. Any thread: nothing here is shared.
#pragma once

#include <string>
#include <string_view>

#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::ng {

// Decodes exactly one value spanning all of `in`. Strings borrow from `in`; containers are
// built in `arena`. Rejects nesting deeper than kMaxDepth, malformed integers and lengths,
// truncation and trailing bytes, with the offset of the problem in the reason.
Result<Value> bencode_decode(std::string_view in, Arena& arena);

// Appends v's encoding to out.
void bencode_encode(const Value& v, std::string& out);
// The length of that encoding, to size `out` once (a delete's reply runs to kilobytes).
size_t bencode_size(const Value& v);

} // namespace rtprelay::ng
