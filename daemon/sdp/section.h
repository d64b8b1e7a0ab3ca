// SPDX-License-Identifier: GPL-3.0-or-later
// One section of an SDP (the session part, or one media description): its lines in their
// original order and verbatim, plus the accessors both levels share: attributes, c= and
// direction. Lines no accessor touches are never changed. Not thread-safe: a Session belongs
// to one request or call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.h"
#include "sdp/attributes.h"
#include "sdp/connection.h"

namespace rtprelay::sdp {

// "<type>=<value>", without the line break.
struct Line {
	char type = 0;
	std::string value;

	bool operator==(const Line&) const = default;
};

class Section {
public:
	enum class Kind { kSession, kMedia };

	Kind kind() const { return kind_; }
	const std::vector<Line>& lines() const { return lines_; }
	// Raw access for rewrites the typed API does not cover. A media section must keep its
	// m= line first; values must not contain CR, LF or NUL.
	std::vector<Line>& lines() { return lines_; }

	// Attributes, by name (without ':'). Views returned point into the section and are
	// valid until it changes. Mutators copy their arguments first, so passing such a view
	// back is safe. CR, LF and NUL in names and values are dropped.
	std::optional<size_t> find_attr(std::string_view name, size_t from = 0) const;
	bool has_attr(std::string_view name) const { return find_attr(name).has_value(); }
	// The value of the first a=name ("" for a flag).
	std::optional<std::string_view> attr(std::string_view name) const;
	// Values of every a=name, in order.
	std::vector<std::string_view> attrs(std::string_view name) const;
	// Appends a=name:value / a=name after the last a= line of this section (or, with none,
	// after the lines RFC 8866 puts before a=: m= i= c= b= k= in media, up to k= in session).
	void add_attr(std::string_view name, std::string_view value);
	void add_flag(std::string_view name);
	// Replaces the first a=name in place and removes the others; adds it if there is none.
	void set_attr(std::string_view name, std::string_view value);
	void set_flag(std::string_view name);
	// Removes every a=name; returns how many there were.
	size_t remove_attr(std::string_view name);
	// Removes every attribute in kIceAttributes; returns how many there were.
	size_t remove_ice();

	// The direction attribute of this section, if it has one (the first of the four).
	std::optional<Direction> direction() const;
	// Replaces the first direction attribute in place and removes any others (or adds one).
	void set_direction(Direction d);
	size_t remove_direction();

	// The c= line; nullopt if there is none (or it was made invalid through lines()).
	std::optional<Connection> connection() const;
	bool has_connection() const { return find_type('c').has_value(); }
	// Replaces c= in place, or inserts it after m=/i= (media) or before b=/t= (session).
	void set_connection(const Connection& c);
	void set_connection(const net::IpAddress& ip) { set_connection(Connection::from_ip(ip)); }
	bool remove_connection();

protected:
	explicit Section(Kind kind) : kind_(kind) {}

	std::optional<size_t> find_type(char type) const;
	// Index after the last line whose type is in `types`; 0 if there is none.
	size_t after_last_of(std::string_view types) const;
	void insert_line(size_t pos, char type, std::string value);

private:
	void set_attr_line(std::string value);
	size_t attr_insert_pos() const;

	Kind kind_;
	std::vector<Line> lines_;
};

} // namespace rtprelay::sdp
