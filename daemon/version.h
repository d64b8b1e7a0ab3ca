// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#define RTPRELAY_VERSION "0.1.0"
