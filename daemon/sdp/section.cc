// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/section.h"

#include <algorithm>
#include <iterator>

#include "sdp/text.h"

namespace rtprelay::sdp {

namespace {

std::string attr_value(std::string_view name, std::string_view value)
{
	return clean_text(name) + ":" + clean_text(value);
}

bool is_direction_line(const Line& l)
{
	return l.type == 'a' && direction_from_name(l.value).has_value();
}

} // namespace

std::optional<size_t> Section::find_attr(std::string_view name, size_t from) const
{
	for (size_t i = from; i < lines_.size(); i++)
		if (lines_[i].type == 'a' && split_attribute(lines_[i].value).name == name)
			return i;
	return std::nullopt;
}

std::optional<std::string_view> Section::attr(std::string_view name) const
{
	auto i = find_attr(name);
	if (!i)
		return std::nullopt;
	return split_attribute(lines_[*i].value).value;
}

std::vector<std::string_view> Section::attrs(std::string_view name) const
{
	std::vector<std::string_view> out;
	for (const auto& l : lines_) {
		if (l.type != 'a')
			continue;
		auto a = split_attribute(l.value);
		if (a.name == name)
			out.push_back(a.value);
	}
	return out;
}

void Section::add_attr(std::string_view name, std::string_view value)
{
	std::string line = attr_value(name, value);
	insert_line(attr_insert_pos(), 'a', std::move(line));
}

void Section::add_flag(std::string_view name)
{
	std::string line = clean_text(name);
	insert_line(attr_insert_pos(), 'a', std::move(line));
}

void Section::set_attr(std::string_view name, std::string_view value)
{
	std::string line = attr_value(name, value);
	set_attr_line(std::move(line));
}

void Section::set_flag(std::string_view name)
{
	std::string line = clean_text(name);
	set_attr_line(std::move(line));
}

void Section::set_attr_line(std::string value)
{
	// Match on the cleaned name: that is what ends up in the line.
	std::string key(split_attribute(value).name);
	auto first = find_attr(key);
	if (!first) {
		insert_line(attr_insert_pos(), 'a', std::move(value));
		return;
	}
	lines_[*first].value = std::move(value);
	auto rest =
	        std::remove_if(lines_.begin() + static_cast<std::ptrdiff_t>(*first) + 1,
	                       lines_.end(), [&](const Line& l) {
		                       return l.type == 'a' && split_attribute(l.value).name == key;
	                       });
	lines_.erase(rest, lines_.end());
}

size_t Section::remove_attr(std::string_view name)
{
	std::string key(name);
	size_t before = lines_.size();
	std::erase_if(lines_, [&](const Line& l) {
		return l.type == 'a' && split_attribute(l.value).name == key;
	});
	return before - lines_.size();
}

size_t Section::remove_ice()
{
	size_t before = lines_.size();
	std::erase_if(lines_, [](const Line& l) {
		return l.type == 'a' && is_ice_attribute(split_attribute(l.value).name);
	});
	return before - lines_.size();
}

std::optional<Direction> Section::direction() const
{
	for (const auto& l : lines_)
		if (l.type == 'a')
			if (auto d = direction_from_name(l.value))
				return d;
	return std::nullopt;
}

void Section::set_direction(Direction d)
{
	std::string value(direction_name(d));
	auto first = std::find_if(lines_.begin(), lines_.end(), is_direction_line);
	if (first == lines_.end()) {
		insert_line(attr_insert_pos(), 'a', std::move(value));
		return;
	}
	first->value = std::move(value);
	lines_.erase(std::remove_if(first + 1, lines_.end(), is_direction_line), lines_.end());
}

size_t Section::remove_direction()
{
	return std::erase_if(lines_, is_direction_line);
}

std::optional<Connection> Section::connection() const
{
	auto i = find_type('c');
	if (!i)
		return std::nullopt;
	auto c = Connection::parse(lines_[*i].value);
	if (!c)
		return std::nullopt;
	return std::move(*c);
}

void Section::set_connection(const Connection& c)
{
	std::string value = c.to_string();
	if (auto i = find_type('c')) {
		lines_[*i].value = std::move(value);
		// One c= per section: the parser rejects a second one.
		auto rest =
		        std::remove_if(lines_.begin() + static_cast<std::ptrdiff_t>(*i) + 1,
		                       lines_.end(), [](const Line& l) { return l.type == 'c'; });
		lines_.erase(rest, lines_.end());
		return;
	}
	insert_line(after_last_of(kind_ == Kind::kMedia ? "mi" : "vosiuep"), 'c', std::move(value));
}

bool Section::remove_connection()
{
	return std::erase_if(lines_, [](const Line& l) { return l.type == 'c'; }) > 0;
}

std::optional<size_t> Section::find_type(char type) const
{
	for (size_t i = 0; i < lines_.size(); i++)
		if (lines_[i].type == type)
			return i;
	return std::nullopt;
}

size_t Section::after_last_of(std::string_view types) const
{
	for (size_t i = lines_.size(); i > 0; i--)
		if (types.find(lines_[i - 1].type) != std::string_view::npos)
			return i;
	return 0;
}

void Section::insert_line(size_t pos, char type, std::string value)
{
	lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(pos),
	              Line{type, std::move(value)});
}

size_t Section::attr_insert_pos() const
{
	if (size_t pos = after_last_of("a"))
		return pos;
	return after_last_of(kind_ == Kind::kMedia ? "micbk" : "vosiuepcbtrzk");
}

} // namespace rtprelay::sdp
