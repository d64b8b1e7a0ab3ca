// SPDX-License-Identifier: GPL-3.0-or-later
// JSON encoding of ng messages (json-c). Numbers must be integers and booleans become 0/1, so
// that a JSON message means the same as its bencode twin. Control thread only.
#pragma once

#include <string>
#include <string_view>

#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::ng {

// Decodes one JSON value spanning `in` (surrounding whitespace allowed). Strings are copied
// into `arena`. Rejects nesting deeper than kMaxDepth, null, fractional numbers, trailing data.
Result<Value> json_decode(std::string_view in, Arena& arena);

void json_encode(const Value& v, std::string& out);

} // namespace rtprelay::ng
