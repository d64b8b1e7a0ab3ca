// SPDX-License-Identifier: GPL-3.0-or-later
// Turns argv (and the INI file it points to) into a validated Config. Errors name the
// option, where it came from and what is wrong; the caller prints them and exits.
#pragma once

#include <string>

#include "config/config.h"
#include "util/result.h"

namespace rtprelay::config {

inline constexpr const char* kDefaultConfigFile = "/etc/rtprelay/rtprelay.conf";

struct Loaded {
	enum class Action { kRun, kHelp, kVersion };
	Action action = Action::kRun;
	Config config;
	std::string config_file; // empty when no file was read
};

// default_file is the file read when --config-file is not given (if it exists).
Result<Loaded> load(int argc, const char* const* argv,
                    const std::string& default_file = kDefaultConfigFile);

} // namespace rtprelay::config
