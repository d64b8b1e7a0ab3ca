// SPDX-License-Identifier: GPL-3.0-or-later
// Result<T>: the control plane's fallible return type, shaped like std::expected so it can
// become an alias once the toolchain ships <expected>. The Error's reason is written for the
// operator or the ng client (it ends up in `error-reason` or a start-up message).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace rtprelay {

struct Error {
	std::string reason;
};

template <class T>
class [[nodiscard]] Result {
public:
	Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
	Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

	bool has_value() const { return v_.index() == 0; }
	explicit operator bool() const { return has_value(); }

	T& value() & { return std::get<0>(v_); }
	const T& value() const& { return std::get<0>(v_); }
	T&& value() && { return std::get<0>(std::move(v_)); }
	T& operator*() & { return value(); }
	const T& operator*() const& { return value(); }
	T* operator->() { return &value(); }
	const T* operator->() const { return &value(); }

	const Error& error() const { return std::get<1>(v_); }

private:
	std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
	Result() = default;
	Result(Error error) : error_(std::move(error)), ok_(false) {}

	bool has_value() const { return ok_; }
	explicit operator bool() const { return ok_; }
	const Error& error() const { return error_; }

private:
	Error error_;
	bool ok_ = true;
};

} // namespace rtprelay
