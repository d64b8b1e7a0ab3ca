// SPDX-License-Identifier: GPL-3.0-or-later
// What the CLI server's text answers mean: which lines are errors, and how each answer's
// layout (rtpengine's, which rtprelayd keeps) turns into JSON or a table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace rtprelay::ctl {

enum class CliFormat {
	kLines,       // free text: JSON {"lines": [...]}
	kKeyValues,   // "Key: value" / "key = value" lines, optionally under "Section:" headers
	kSessionList, // one line per call: "callid: X | created: N | ..."
	kInterfaces,  // "Interface 'NAME' address 'ADDR' (FAMILY)" and indented "Key: value" lines
	kJson,        // already JSON (list jsonstats)
};

// The answer's first line when it reports a failure (unknown command, unknown call-id, a value
// refused), as rtpengine words them.
std::optional<std::string> cli_error_line(std::string_view answer);

// The answer as one JSON document.
Result<std::string> cli_json(CliFormat format, std::string_view answer);

// The answer for a terminal: a table for the session list, the text as sent otherwise.
std::string cli_human(CliFormat format, std::string_view answer);

} // namespace rtprelay::ctl
