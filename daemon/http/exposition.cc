// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/exposition.h"

#include <charconv>
#include <cmath>

namespace rtprelay::http {
namespace {

const char* type_name(Exposition::Type t)
{
	switch (t) {
	case Exposition::Type::kCounter: return "counter";
	case Exposition::Type::kGauge: return "gauge";
	case Exposition::Type::kHistogram: return "histogram";
	}
	return "untyped";
}

// HELP text escapes only \ and newline.
void append_help(std::string& out, std::string_view help)
{
	for (char c : help) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '\n')
			out += "\\n";
		else
			out += c;
	}
}

template <class T>
void append_number(std::string& out, T v)
{
	char buf[32];
	auto r = std::to_chars(buf, buf + sizeof buf, v);
	out.append(buf, r.ptr);
}

} // namespace

std::string escape_label(std::string_view value)
{
	std::string out;
	out.reserve(value.size());
	for (char c : value) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '"')
			out += "\\\"";
		else if (c == '\n')
			out += "\\n";
		else
			out += c;
	}
	return out;
}

std::string format_value(double v)
{
	if (std::isnan(v))
		return "NaN";
	if (std::isinf(v))
		return v > 0 ? "+Inf" : "-Inf";
	std::string out;
	append_number(out, v); // shortest text that reads back as the same double
	return out;
}

void Exposition::family(std::string_view name, Type type, std::string_view help)
{
	name_ = name;
	out_ += "# HELP ";
	out_ += name;
	out_ += ' ';
	append_help(out_, help);
	out_ += "\n# TYPE ";
	out_ += name;
	out_ += ' ';
	out_ += type_name(type);
	out_ += '\n';
}

void Exposition::begin(std::string_view suffix, Labels labels, const Label* extra)
{
	out_ += name_;
	out_ += suffix;
	if (labels.size() == 0 && !extra) {
		out_ += ' ';
		return;
	}
	char sep = '{';
	auto add = [&](const Label& l) {
		out_ += sep;
		out_ += l.name;
		out_ += "=\"";
		out_ += escape_label(l.value);
		out_ += '"';
		sep = ',';
	};
	for (const auto& l : labels)
		add(l);
	if (extra)
		add(*extra);
	out_ += "} ";
}

void Exposition::sample(Labels labels, uint64_t value)
{
	begin("", labels);
	append_number(out_, value);
	out_ += '\n';
}

void Exposition::sample(Labels labels, int64_t value)
{
	begin("", labels);
	append_number(out_, value);
	out_ += '\n';
}

void Exposition::sample(Labels labels, double value)
{
	begin("", labels);
	out_ += format_value(value);
	out_ += '\n';
}

void Exposition::histogram(Labels labels, const HistogramData& h)
{
	uint64_t cumulative = 0;
	for (size_t i = 0; i <= h.bounds.size(); i++) { // the +Inf bucket even without counts
		if (i < h.counts.size())
			cumulative += h.counts[i];
		std::string le = i < h.bounds.size() ? format_value(h.bounds[i]) : "+Inf";
		Label bound{"le", le};
		begin("_bucket", labels, &bound);
		append_number(out_, cumulative);
		out_ += '\n';
	}
	begin("_sum", labels);
	out_ += format_value(h.sum);
	out_ += '\n';
	begin("_count", labels);
	append_number(out_, cumulative);
	out_ += '\n';
}

} // namespace rtprelay::http
