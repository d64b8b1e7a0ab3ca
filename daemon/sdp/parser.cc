// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/parser.h"

#include <string>
#include <utility>

#include "sdp/crypto.h"
#include "sdp/quote.h"
#include "util/strings.h"

namespace rtprelay::sdp {

namespace {

Error at(size_t line_no, const std::string& what)
{
	return Error{strprintf("SDP line %zu: %s", line_no, what.c_str())};
}

bool is_ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Checks one line (without its line break) for the x=value structure. A bad line is quoted
// only in part (sdp/quote.h), and not at all after a line with key material, whose key the
// bad line may continue.
Result<void> check_structure(std::string_view line, size_t line_no, bool after_secret)
{
	if (line.find('\0') != std::string_view::npos)
		return at(line_no, "contains a NUL byte");
	if (line.find('\r') != std::string_view::npos)
		return at(line_no, "contains a carriage return that does not end the line");
	if (line.empty())
		return at(line_no, "empty line (SDP lines have the form x=value)");
	if (line.size() >= 2 && is_ascii_letter(line[0]) && line[1] == '=')
		return {};
	if (after_secret)
		return at(line_no,
		          "not of the form x=value (not quoted: the line before it may carry "
		          "a key that this line continues)");
	return at(line_no, strprintf("'%s' is not of the form x=value", quote(line).c_str()));
}

class Parser {
public:
	Result<void> line(std::string_view line, size_t line_no);
	Result<Session> finish();

private:
	Result<void> session_only(char type, size_t line_no) const;
	Result<void> session_line(char type, std::string_view value, size_t line_no);
	Result<void> media_line(std::string_view value, size_t line_no);

	Session session_;
	Section* current_ = &session_;
	bool have_o_ = false;
	bool have_s_ = false;
	bool section_has_c_ = false;
	bool after_secret_ = false; // the previous line may carry key material
};

Result<void> Parser::session_only(char type, size_t line_no) const
{
	if (current_ != &session_)
		return at(line_no, strprintf("%c= line inside a media section", type));
	return {};
}

// SDES keys are checked here, where the line number is known; the error names what is wrong,
// never the key (sdp/crypto.h).
Result<void> check_attribute(std::string_view value, size_t line_no)
{
	AttributeView a = split_attribute(value);
	if (a.name == "crypto")
		if (auto c = CryptoAttr::parse(a.value); !c)
			return at(line_no, c.error().reason);
	return {};
}

Result<void> Parser::session_line(char type, std::string_view value, size_t line_no)
{
	if (auto r = session_only(type, line_no); !r)
		return r;
	if (type == 's') {
		have_s_ = true;
		return {};
	}
	if (have_o_)
		return at(line_no, "a second o= line");
	if (auto o = Origin::parse(value); !o)
		return at(line_no, o.error().reason);
	have_o_ = true;
	return {};
}

Result<void> Parser::line(std::string_view line, size_t line_no)
{
	bool after_secret = std::exchange(after_secret_, may_carry_secret(line));
	if (auto r = check_structure(line, line_no, after_secret); !r)
		return r;
	char type = line[0];
	std::string_view value = line.substr(2);
	Result<void> checked;
	if (line_no == 1) {
		if (line != "v=0")
			return at(1, strprintf("expected 'v=0', got '%s'", quote(line).c_str()));
	} else if (type == 'v') {
		return at(line_no, "a second v= line (more than one session) is not supported");
	} else if (type == 'o' || type == 's') {
		checked = session_line(type, value, line_no);
	} else if (type == 'c') {
		if (section_has_c_)
			return at(line_no, "a second c= line in the same section");
		if (auto c = Connection::parse(value); !c)
			return at(line_no, "c= " + c.error().reason);
		section_has_c_ = true;
	} else if (type == 'm') {
		return media_line(value, line_no);
	} else if (type == 'a') {
		checked = check_attribute(value, line_no);
	}
	if (!checked)
		return checked;
	current_->lines().push_back(Line{type, std::string(value)});
	return {};
}

Result<void> Parser::media_line(std::string_view value, size_t line_no)
{
	if (session_.media().size() >= kMaxMediaSections)
		return at(line_no, strprintf("more than %zu media sections", kMaxMediaSections));
	if (auto m = MediaLine::parse(value); !m)
		return at(line_no, m.error().reason);
	session_.media().emplace_back(std::string(value));
	current_ = &session_.media().back();
	section_has_c_ = false;
	return {};
}

Result<Session> Parser::finish()
{
	if (!have_o_)
		return Error{"SDP has no o= line"};
	if (!have_s_)
		return Error{"SDP has no s= line"};
	return std::move(session_);
}

} // namespace

Result<Session> parse(std::string_view text)
{
	if (text.empty())
		return Error{"SDP is empty"};
	if (text.size() > kMaxSdpSize)
		return Error{strprintf("SDP is %zu bytes, more than the limit of %zu", text.size(),
		                       kMaxSdpSize)};
	Parser parser;
	size_t pos = 0;
	for (size_t line_no = 1; pos < text.size(); line_no++) {
		size_t nl = text.find('\n', pos);
		size_t end = nl == std::string_view::npos ? text.size() : nl;
		std::string_view line = text.substr(pos, end - pos);
		pos = end + 1;
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (auto r = parser.line(line, line_no); !r)
			return r.error();
	}
	return parser.finish();
}

} // namespace rtprelay::sdp
