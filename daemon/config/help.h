// SPDX-License-Identifier: GPL-3.0-or-later
// Renders the option table as --help text and as the Markdown of docs/configuration.md.
#pragma once

#include <string>

namespace rtprelay::config {

std::string help_text();
std::string options_markdown();

} // namespace rtprelay::config
