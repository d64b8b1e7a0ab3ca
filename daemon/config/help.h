// SPDX-License-Identifier: GPL-3.0-or-later
// Renders the option table as --help text, as the Markdown of docs/configuration.md, and as
// the man page and commented config file that the Debian package ships.
#pragma once

#include <string>

namespace rtprelay::config {

std::string help_text();
std::string options_markdown();
std::string options_manpage();
std::string options_ini();

} // namespace rtprelay::config
