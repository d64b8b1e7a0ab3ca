// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/model.h"

#include <utility>

namespace rtprelay::sdp {

Media::Media(std::string m_value) : Section(Kind::kMedia)
{
	insert_line(0, 'm', std::move(m_value));
}

MediaLine Media::media_line() const
{
	if (lines().empty() || lines().front().type != 'm')
		return {};
	auto m = MediaLine::parse(lines().front().value);
	if (!m)
		return {};
	return std::move(*m);
}

void Media::set_media_line(const MediaLine& m)
{
	std::string value = m.to_string();
	if (lines().empty() || lines().front().type != 'm')
		insert_line(0, 'm', std::move(value));
	else
		lines().front().value = std::move(value);
}

void Media::set_port(uint16_t port)
{
	MediaLine m = media_line();
	m.port = port;
	set_media_line(m);
}

void Media::set_port_count(uint32_t count)
{
	MediaLine m = media_line();
	m.port_count = count;
	set_media_line(m);
}

void Media::set_protocol(std::string_view protocol)
{
	MediaLine m = media_line();
	m.protocol = std::string(protocol);
	set_media_line(m);
}

void Media::set_formats(std::vector<std::string> formats)
{
	MediaLine m = media_line();
	m.formats = std::move(formats);
	set_media_line(m);
}

std::optional<RtcpAttr> Media::rtcp() const
{
	auto value = attr("rtcp");
	if (!value)
		return std::nullopt;
	return RtcpAttr::parse(*value);
}

void Media::set_rtcp_mux(bool on)
{
	if (on)
		set_flag("rtcp-mux");
	else
		remove_attr("rtcp-mux");
}

std::optional<Origin> Session::origin() const
{
	auto i = find_type('o');
	if (!i)
		return std::nullopt;
	auto o = Origin::parse(lines()[*i].value);
	if (!o)
		return std::nullopt;
	return std::move(*o);
}

void Session::set_origin(const Origin& o)
{
	std::string value = o.to_string();
	if (auto i = find_type('o'))
		lines()[*i].value = std::move(value);
	else
		insert_line(after_last_of("v"), 'o', std::move(value));
}

std::optional<Connection> Session::effective_connection(const Media& m) const
{
	if (auto c = m.connection())
		return c;
	return connection();
}

std::optional<std::string_view> Session::effective_attr(const Media& m, std::string_view name) const
{
	if (auto v = m.attr(name))
		return v;
	return attr(name);
}

Direction Session::effective_direction(const Media& m) const
{
	Direction d = m.direction().value_or(direction().value_or(Direction::kSendRecv));
	auto c = effective_connection(m);
	if (c && c->is_hold())
		d = without_receive(d);
	return d;
}

size_t Session::remove_all_ice()
{
	size_t n = remove_ice();
	for (auto& m : media_)
		n += m.remove_ice();
	return n;
}

} // namespace rtprelay::sdp
