// SPDX-License-Identifier: GPL-3.0-or-later
// Reads INI files the way rtpengine's GKeyFile-based loader does: [section] headers,
// key = value lines, whole-line comments with '#' or ';'. Ours because the Debian-packaged
// inih cuts lines at 200 bytes and reports no line numbers to its callback.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace rtprelay::config {

struct IniEntry {
	std::string section;
	std::string key;
	std::string value;
	int line = 0;
};

Result<std::vector<IniEntry>> parse_ini(std::string_view text, std::string_view filename);
Result<std::vector<IniEntry>> read_ini_file(const std::string& path);

} // namespace rtprelay::config
