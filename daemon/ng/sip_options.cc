// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/sip_options.h"

#include <cstdint>
#include <functional>
#include <vector>

#include "util/strings.h"

namespace rtprelay::ng {
namespace {

struct Header {
	std::string_view name;
	std::string value;
};

// Splits the header block; folded continuation lines are joined to their header.
std::vector<Header> parse_headers(std::string_view msg)
{
	std::vector<Header> headers;
	size_t eol = msg.find('\n');
	if (eol == std::string_view::npos)
		return headers;
	msg.remove_prefix(eol + 1); // request line
	while (!msg.empty()) {
		eol = msg.find('\n');
		std::string_view line = msg.substr(0, eol);
		msg.remove_prefix(eol == std::string_view::npos ? msg.size() : eol + 1);
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (line.empty())
			break; // end of headers
		if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
			headers.back().value += ' ';
			headers.back().value += trim(line);
			continue;
		}
		size_t colon = line.find(':');
		if (colon == std::string_view::npos)
			continue;
		headers.push_back(
		        {trim(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
	}
	return headers;
}

bool is_header(std::string_view name, std::string_view full, std::string_view compact)
{
	return iequals(name, full) || (!compact.empty() && iequals(name, compact));
}

bool is_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+' ||
	       c == '`' || c == '\'' || c == '~';
}

} // namespace

SipKind classify_sip(std::string_view d)
{
	if (d.substr(0, 8) == "SIP/2.0 ")
		return SipKind::kResponse;
	// Request-Line = Method SP Request-URI SP SIP-Version CRLF
	size_t sp = d.find(' ');
	if (sp == 0 || sp == std::string_view::npos || sp > 32)
		return SipKind::kNotSip;
	for (size_t i = 0; i < sp; i++)
		if (!is_token_char(d[i]))
			return SipKind::kNotSip;
	size_t eol = d.find('\n');
	std::string_view line = d.substr(0, eol);
	if (!line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	if (line.size() < 8 || line.substr(line.size() - 8) != " SIP/2.0")
		return SipKind::kNotSip;
	return d.substr(0, sp) == "OPTIONS" ? SipKind::kOptions : SipKind::kOtherRequest;
}

std::optional<std::string> answer_options(std::string_view request, bool* too_large,
                                          SipStatus status)
{
	std::vector<Header> headers = parse_headers(request);
	std::string vias;
	const Header *from = nullptr, *to = nullptr, *call_id = nullptr, *cseq = nullptr;
	for (const auto& h : headers) {
		if (is_header(h.name, "Via", "v"))
			vias += "Via: " + h.value + "\r\n";
		else if (is_header(h.name, "From", "f") && !from)
			from = &h;
		else if (is_header(h.name, "To", "t") && !to)
			to = &h;
		else if (is_header(h.name, "Call-ID", "i") && !call_id)
			call_id = &h;
		else if (is_header(h.name, "CSeq", "") && !cseq)
			cseq = &h;
	}
	if (vias.empty() || !from || !to || !call_id || !cseq)
		return std::nullopt;

	std::string to_value = to->value;
	// RFC 3261 8.2.6.2: a response that creates no dialog still carries a To tag. 32 bits
	// (19.3), derived from the Call-ID so that a retransmitted probe gets the same answer.
	if (to_value.find(";tag=") == std::string::npos)
		to_value +=
		        strprintf(";tag=%08x",
		                  static_cast<uint32_t>(std::hash<std::string>{}(call_id->value)));
	std::string answer =
	        std::string(status == SipStatus::kOk ? "SIP/2.0 200 OK\r\n"
	                                             : "SIP/2.0 503 Service Unavailable\r\n") +
	        vias + "From: " + from->value + "\r\nTo: " + to_value +
	        "\r\nCall-ID: " + call_id->value + "\r\nCSeq: " + cseq->value + "\r\n";
	// Optional headers, most useful first; the empty line that ends the headers is not.
	for (std::string_view optional :
	     {"Content-Length: 0\r\n", "Allow: OPTIONS\r\n", "Server: rtprelayd\r\n"})
		if (answer.size() + optional.size() + 2 <= request.size())
			answer += optional;
	answer += "\r\n";
	if (answer.size() > request.size()) {
		if (too_large)
			*too_large = true;
		return std::nullopt;
	}
	return answer;
}

} // namespace rtprelay::ng
