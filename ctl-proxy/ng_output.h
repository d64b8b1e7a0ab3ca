// SPDX-License-Identifier: GPL-3.0-or-later
// ng replies for a terminal: `query` as tables of streams and SSRCs, `statistics` as one
// aligned "section.key  value" line per number, whatever the nesting (rtpengine nests it under
// `statistics`, older rtprelayd replies did not).
#pragma once

#include <string>

#include "ng/value.h"

namespace rtprelay::ctl {

std::string query_human(const ng::Value& reply);
std::string statistics_human(const ng::Value& reply);

// A scalar as text: the integer, or the string as sent.
std::string value_text(const ng::Value& v);

// The integer at a key path ("stats", "packets"), or 0 when any step is missing.
int64_t int_at(const ng::Value& v, std::initializer_list<std::string_view> path);

} // namespace rtprelay::ctl
