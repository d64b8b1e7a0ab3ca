// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng_output.h"

#include <vector>

#include "text_table.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

bool has_flag(const ng::Value& stream, std::string_view flag)
{
	const ng::Value* flags = stream.find("flags");
	if (!flags || !flags->is_list())
		return false;
	for (const auto& f : flags->as_list())
		if (f.is_string() && f.as_string() == flag)
			return true;
	return false;
}

std::string endpoint_text(const ng::Value* ep)
{
	if (!ep || !ep->is_dict())
		return "-";
	const ng::Value* addr = ep->find("address");
	std::string a = addr ? value_text(*addr) : "?";
	if (a.find(':') != std::string::npos)
		a = "[" + a + "]";
	return a + ":" + std::to_string(int_at(*ep, {"port"}));
}

void stream_rows(const ng::Value& tag, TextTable& table)
{
	const ng::Value* medias = tag.find("medias");
	if (!medias || !medias->is_list())
		return;
	std::string name = tag.find("tag") ? value_text(*tag.find("tag")) : "";
	for (const auto& m : medias->as_list()) {
		const ng::Value* streams = m.find("streams");
		if (!streams || !streams->is_list())
			continue;
		std::string media = std::to_string(int_at(m, {"index"})) + " " +
		                    (m.find("type") ? value_text(*m.find("type")) : "");
		for (const auto& s : streams->as_list()) {
			std::string local = s.find("local address")
			                            ? value_text(*s.find("local address"))
			                            : "?";
			table.add({name, media, has_flag(s, "RTCP") ? "RTCP" : "RTP",
			           local + ":" + std::to_string(int_at(s, {"local port"})),
			           endpoint_text(s.find("endpoint")),
			           std::to_string(int_at(s, {"stats", "packets"})),
			           std::to_string(int_at(s, {"stats", "bytes"})),
			           std::to_string(int_at(s, {"stats", "errors"})),
			           has_flag(s, "kernelized") ? "kernel" : "user"});
		}
	}
}

std::string mos_text(int64_t mos_x10)
{
	return mos_x10 > 0 ? strprintf("%.1f", static_cast<double>(mos_x10) / 10) : "-";
}

std::string ssrc_table(const ng::Value& ssrcs)
{
	TextTable table(
	        {"SSRC", "packets", "lost", "loss%", "jitter", "MOS avg", "MOS min", "MOS max"});
	for (const auto& m : ssrcs.as_dict()) {
		const ng::Value& e = m.value;
		table.add({std::string(m.key), std::to_string(int_at(e, {"packets"})),
		           std::to_string(int_at(e, {"lost"})),
		           std::to_string(int_at(e, {"average MOS", "packet loss"})),
		           std::to_string(int_at(e, {"average MOS", "jitter"})),
		           mos_text(int_at(e, {"average MOS", "MOS"})),
		           mos_text(int_at(e, {"lowest MOS", "MOS"})),
		           mos_text(int_at(e, {"highest MOS", "MOS"}))});
	}
	return table.rows() ? table.render() : "no SSRC statistics yet\n";
}

void flatten(const ng::Value& v, const std::string& path, TextTable& table)
{
	if (v.is_dict()) {
		for (const auto& m : v.as_dict())
			flatten(m.value,
			        path.empty() ? std::string(m.key) : path + "." + std::string(m.key),
			        table);
	} else if (v.is_list()) {
		for (size_t i = 0; i < v.as_list().size(); i++)
			flatten(v.as_list()[i], path + "[" + std::to_string(i) + "]", table);
	} else {
		table.add({path, value_text(v)});
	}
}

} // namespace

std::string value_text(const ng::Value& v)
{
	if (v.is_int())
		return std::to_string(v.as_int());
	if (v.is_string())
		return std::string(v.as_string());
	return v.is_list() ? "[...]" : "{...}";
}

int64_t int_at(const ng::Value& v, std::initializer_list<std::string_view> path)
{
	const ng::Value* at = &v;
	for (auto key : path) {
		at = at->is_dict() ? at->find(key) : nullptr;
		if (!at)
			return 0;
	}
	return at->is_int() ? at->as_int() : 0;
}

std::string query_human(const ng::Value& reply)
{
	std::string out = strprintf(
	        "created %lld, last signal %lld; RTP %lld packets %lld bytes %lld errors, "
	        "RTCP %lld packets\n\n",
	        static_cast<long long>(int_at(reply, {"created"})),
	        static_cast<long long>(int_at(reply, {"last signal"})),
	        static_cast<long long>(int_at(reply, {"totals", "RTP", "packets"})),
	        static_cast<long long>(int_at(reply, {"totals", "RTP", "bytes"})),
	        static_cast<long long>(int_at(reply, {"totals", "RTP", "errors"})),
	        static_cast<long long>(int_at(reply, {"totals", "RTCP", "packets"})));
	TextTable streams(
	        {"tag", "media", "kind", "local", "peer", "packets", "bytes", "errors", "path"});
	if (const ng::Value* tags = reply.find("tags"); tags && tags->is_dict())
		for (const auto& t : tags->as_dict())
			stream_rows(t.value, streams);
	out += streams.render() + "\n";
	const ng::Value* ssrcs = reply.find("SSRC");
	out += ssrcs && ssrcs->is_dict() ? ssrc_table(*ssrcs) : "no SSRC statistics yet\n";
	return out;
}

std::string statistics_human(const ng::Value& reply)
{
	TextTable table({"statistic", "value"});
	for (const auto& m : reply.as_dict())
		if (m.key != "result")
			flatten(m.value, std::string(m.key), table);
	return table.render();
}

} // namespace rtprelay::ctl
