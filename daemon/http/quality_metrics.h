// SPDX-License-Identifier: GPL-3.0-or-later
// Call quality for /metrics: histograms of ended calls' streams (MOS, jitter, loss, round-trip
// time), one observation per SSRC, from call/quality_totals.
#pragma once

#include "call/quality_totals.h"
#include "http/exposition.h"

namespace rtprelay::http {

void write_quality_metrics(Exposition& out, const call::QualityTotals& quality);

} // namespace rtprelay::http
