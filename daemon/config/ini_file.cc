// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/ini_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/strings.h"

namespace rtprelay::config {

Result<std::vector<IniEntry>> parse_ini(std::string_view text, std::string_view filename)
{
	std::vector<IniEntry> entries;
	std::string section;
	int line_no = 0;
	auto fail = [&](const char* what) {
		return Error{strprintf("%.*s:%d: %s", static_cast<int>(filename.size()),
		                       filename.data(), line_no, what)};
	};

	if (text.substr(0, 3) == "\xEF\xBB\xBF")
		text.remove_prefix(3);
	while (!text.empty()) {
		size_t nl = text.find('\n');
		std::string_view raw = text.substr(0, nl);
		text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
		line_no++;

		std::string_view line = trim(raw);
		if (line.empty() || line.front() == '#' || line.front() == ';')
			continue;
		if (line.front() == '[') {
			if (line.back() != ']' || line.size() < 3)
				return fail("malformed section header, expected [name]");
			section = trim(line.substr(1, line.size() - 2));
			continue;
		}
		size_t eq = line.find('=');
		if (eq == std::string_view::npos)
			return fail("expected 'key = value'");
		std::string_view key = trim(line.substr(0, eq));
		if (key.empty())
			return fail("empty key before '='");
		if (section.empty())
			return fail("'key = value' before the first [section]");
		entries.push_back({section, std::string(key),
		                   std::string(trim(line.substr(eq + 1))), line_no});
	}
	return entries;
}

Result<std::vector<IniEntry>> read_ini_file(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return Error{
		        strprintf("cannot read config file %s: %s", path.c_str(), strerror(errno))};
	std::ostringstream content;
	content << in.rdbuf();
	if (in.bad())
		return Error{strprintf("cannot read config file %s", path.c_str())};
	return parse_ini(content.str(), path);
}

} // namespace rtprelay::config
