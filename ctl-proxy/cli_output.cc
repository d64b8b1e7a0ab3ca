// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli_output.h"

#include <json-c/json.h>

#include <array>
#include <memory>
#include <vector>

#include "ng/json.h"
#include "ng/value.h"
#include "text_table.h"
#include "util/arena.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

// How rtpengine's CLI starts the lines that say a command failed.
constexpr std::array kErrorPrefixes = {
        std::string_view{"Unknown or incomplete command"},
        std::string_view{"Call Id not found"},
        std::string_view{"Call ID not found"},
        std::string_view{"Call ID '"},
        std::string_view{"Fail"},
        std::string_view{"Invalid"},
        std::string_view{"Error"},
        std::string_view{"More parameters required"},
        std::string_view{"Subsystem not found"},
        std::string_view{"No Redis"},        // active, on a relay without --redis
        std::string_view{"Not taking over"}, // active, refused
};

std::vector<std::string_view> lines_of(std::string_view text)
{
	std::vector<std::string_view> lines;
	while (!text.empty()) {
		size_t nl = text.find('\n');
		lines.push_back(text.substr(0, nl));
		text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
	}
	return lines;
}

ng::Value scalar(std::string_view text, Arena& arena)
{
	if (auto n = parse_int(text))
		return ng::Value::integer(*n);
	return ng::Value::string(arena.copy(text));
}

// "Key: value", "Key :value" or "key = value"; nullopt for a line that is neither.
std::optional<std::pair<std::string_view, std::string_view>> key_value(std::string_view line)
{
	size_t sep = line.find(':');
	size_t eq = line.find('=');
	if (eq != std::string_view::npos && (sep == std::string_view::npos || eq < sep))
		sep = eq;
	if (sep == std::string_view::npos)
		return std::nullopt;
	std::string_view key = trim(line.substr(0, sep));
	if (key.empty())
		return std::nullopt;
	return std::pair{key, trim(line.substr(sep + 1))};
}

std::vector<std::string_view> split_cells(std::string_view line)
{
	std::vector<std::string_view> cells;
	for (;;) {
		size_t bar = line.find('|');
		cells.push_back(trim(line.substr(0, bar)));
		if (bar == std::string_view::npos)
			return cells;
		line.remove_prefix(bar + 1);
	}
}

// Collects key/value lines into `current`; sections ("Title:" alone on a line) open a nested
// dictionary; a "|" table becomes a list of rows keyed by its header; other lines are kept.
class KeyValueReader {
public:
	explicit KeyValueReader(Arena& arena)
	    : arena_(arena), root_(ng::Value::dict(arena)), current_(root_),
	      lines_(ng::Value::list(arena))
	{
	}

	void read(std::string_view raw)
	{
		std::string_view line = trim(raw);
		if (line.empty())
			return;
		if (line.find('|') != std::string_view::npos) {
			table_row(line);
			return;
		}
		auto kv = line.front() == '-' ? std::nullopt : key_value(line);
		if (!kv) {
			lines_.push(ng::Value::string(arena_.copy(line)));
			return;
		}
		if (kv->second.empty() && line.back() == ':') {
			current_ = ng::Value::dict(arena_);
			root_.set(arena_.copy(kv->first), current_);
			header_.clear();
			return;
		}
		current_.set(arena_.copy(kv->first), scalar(kv->second, arena_));
	}

	ng::Value result()
	{
		if (!lines_.as_list().empty())
			root_.set("lines", lines_);
		return root_;
	}

private:
	void table_row(std::string_view line)
	{
		auto cells = split_cells(line);
		if (header_.empty()) {
			header_ = cells;
			rows_ = ng::Value::list(arena_);
			current_.set("rows", rows_);
			return;
		}
		ng::Value row = ng::Value::dict(arena_);
		for (size_t i = 0; i < cells.size() && i < header_.size(); i++)
			row.set(arena_.copy(header_[i]), scalar(cells[i], arena_));
		rows_.push(row);
	}

	Arena& arena_;
	ng::Value root_;
	ng::Value current_;
	ng::Value lines_;
	ng::Value rows_;
	std::vector<std::string_view> header_;
};

ng::Value session_list(std::string_view answer, Arena& arena)
{
	ng::Value sessions = ng::Value::list(arena);
	for (auto line : lines_of(answer)) {
		if (line.find('|') == std::string_view::npos)
			continue; // "No sessions on this media relay." and blank lines
		ng::Value session = ng::Value::dict(arena);
		for (auto cell : split_cells(line))
			if (auto kv = key_value(cell))
				session.set(arena.copy(kv->first), scalar(kv->second, arena));
		sessions.push(session);
	}
	return sessions;
}

// "Interface 'default' address '127.0.0.1' (IPv4)": name, address, family.
ng::Value interface_entry(std::string_view line, Arena& arena)
{
	ng::Value entry = ng::Value::dict(arena);
	std::vector<std::string_view> quoted;
	for (size_t open = line.find('\''); open != std::string_view::npos;) {
		size_t close = line.find('\'', open + 1);
		if (close == std::string_view::npos)
			break;
		quoted.push_back(line.substr(open + 1, close - open - 1));
		open = line.find('\'', close + 1);
	}
	if (quoted.size() >= 2) {
		entry.set("name", ng::Value::string(arena.copy(quoted[0])));
		entry.set("address", ng::Value::string(arena.copy(quoted[1])));
	}
	size_t paren = line.rfind('(');
	if (paren != std::string_view::npos && line.back() == ')')
		entry.set("family", ng::Value::string(arena.copy(
		                            line.substr(paren + 1, line.size() - paren - 2))));
	return entry;
}

ng::Value interfaces(std::string_view answer, Arena& arena)
{
	ng::Value list = ng::Value::list(arena);
	ng::Value entry;
	bool open = false;
	for (auto line : lines_of(answer)) {
		if (trim(line).empty())
			continue;
		if (line.front() != ' ') {
			entry = interface_entry(line, arena);
			list.push(entry);
			open = true;
		} else if (auto kv = key_value(line); kv && open) {
			entry.set(arena.copy(kv->first), scalar(kv->second, arena));
		}
	}
	return list;
}

ng::Value plain_lines(std::string_view answer, Arena& arena)
{
	ng::Value lines = ng::Value::list(arena);
	for (auto line : lines_of(answer))
		if (!trim(line).empty())
			lines.push(ng::Value::string(arena.copy(line)));
	ng::Value doc = ng::Value::dict(arena);
	doc.set("lines", lines);
	return doc;
}

Result<std::string> checked_json(std::string_view answer)
{
	using JsonPtr = std::unique_ptr<json_object, decltype(&json_object_put)>;
	std::string text(trim(answer));
	JsonPtr doc(json_tokener_parse(text.c_str()), json_object_put);
	if (!doc)
		return Error{"the CLI's answer is not JSON"};
	return text;
}

} // namespace

std::optional<std::string> cli_error_line(std::string_view answer)
{
	// Only the first line: an error is the whole answer, while a good answer may well have
	// a line that starts like one ("Errors per second" in list totals).
	for (auto line : lines_of(answer)) {
		std::string_view t = trim(line);
		if (t.empty())
			continue;
		for (auto prefix : kErrorPrefixes)
			if (t.substr(0, prefix.size()) == prefix)
				return std::string(t);
		return std::nullopt;
	}
	return std::nullopt;
}

Result<std::string> cli_json(CliFormat format, std::string_view answer)
{
	if (format == CliFormat::kJson)
		return checked_json(answer);
	Arena arena;
	ng::Value doc;
	switch (format) {
	case CliFormat::kKeyValues: {
		KeyValueReader reader(arena);
		for (auto line : lines_of(answer))
			reader.read(line);
		doc = reader.result();
		break;
	}
	case CliFormat::kSessionList: doc = session_list(answer, arena); break;
	case CliFormat::kInterfaces: doc = interfaces(answer, arena); break;
	default: doc = plain_lines(answer, arena); break;
	}
	std::string out;
	ng::json_encode(doc, out);
	return out;
}

std::string cli_human(CliFormat format, std::string_view answer)
{
	if (format != CliFormat::kSessionList)
		return std::string(answer);
	Arena arena;
	ng::Value sessions = session_list(answer, arena);
	if (sessions.as_list().empty())
		return std::string(answer);
	std::vector<std::string> header;
	for (const auto& m : sessions.as_list().front().as_dict())
		header.emplace_back(m.key);
	TextTable table(header);
	for (const auto& s : sessions.as_list()) {
		std::vector<std::string> row;
		for (const auto& key : header) {
			const ng::Value* v = s.find(key);
			row.push_back(!v            ? ""
			              : v->is_int() ? std::to_string(v->as_int())
			                            : std::string(v->as_string()));
		}
		table.add(std::move(row));
	}
	return table.render();
}

} // namespace rtprelay::ctl
