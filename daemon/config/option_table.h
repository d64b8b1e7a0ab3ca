// SPDX-License-Identifier: GPL-3.0-or-later
// The one table of command-line/config-file options. Parsing, validation, --help and
// docs/configuration.md all read it, so an option exists in exactly one place.
#pragma once

#include <span>
#include <string_view>

#include "config/config.h"
#include "util/result.h"

namespace rtprelay::config {

enum class OptionKind {
	kFlag,   // boolean; "--name" sets it, ini takes true/false
	kValue,  // takes one value; the last one given wins
	kList,   // repeatable; ini separates values with ';'
	kLoader, // handled by the loader itself (config-file, help, ...)
};

struct OptionSpec {
	std::string_view name; // long name, also the ini key
	char short_name;       // 0 if none
	OptionKind kind;
	std::string_view arg; // placeholder in help, e.g. "ADDR:PORT"
	std::string_view def; // default shown in help and docs
	std::string_view help;
	Result<void> (*apply)(Config& config, std::string_view value);
};

std::span<const OptionSpec> option_table();

const OptionSpec* find_option(std::string_view name);
const OptionSpec* find_short_option(char c);

// Sipwise rtpengine options rtprelay does not implement, so a migrated config gets a precise
// "not supported" instead of "unknown".
bool is_unimplemented_rtpengine_option(std::string_view name);

} // namespace rtprelay::config
