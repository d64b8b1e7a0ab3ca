// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminal.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "socket_io.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop(int /*signo*/)
{
	g_stop = 1;
}

// A no-op that still interrupts poll(): the next frame reads the new size.
void on_resize(int /*signo*/) {}

void catch_signal(int signo, void (*handler)(int))
{
	struct sigaction sa {};
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; // no SA_RESTART: poll() must return
	sigaction(signo, &sa, nullptr);
}

void write_all(std::string_view s)
{
	while (!s.empty()) {
		ssize_t n = write(STDOUT_FILENO, s.data(), s.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s.remove_prefix(static_cast<size_t>(n));
	}
}

constexpr std::string_view kEnter = "\x1b[?1049h\x1b[?25l"; // alternate screen, hide cursor
constexpr std::string_view kLeave = "\x1b[?25h\x1b[?1049l";

} // namespace

Result<std::unique_ptr<Terminal>> Terminal::open()
{
	termios saved{};
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return Error{"top needs a terminal on stdin and stdout"};
	termios raw = saved;
	raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return Error{strprintf("tcsetattr: %s", strerror(errno))};
	catch_signal(SIGINT, on_stop);
	catch_signal(SIGTERM, on_stop);
	catch_signal(SIGHUP, on_stop);
	catch_signal(SIGWINCH, on_resize);
	write_all(kEnter);
	return std::unique_ptr<Terminal>(new Terminal(saved));
}

Terminal::~Terminal()
{
	write_all(kLeave);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
}

void Terminal::size(size_t& width, size_t& height) const
{
	winsize ws{};
	bool known = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0;
	width = known ? ws.ws_col : 80;
	height = known ? ws.ws_row : 24;
}

void Terminal::draw(std::string_view frame) const
{
	// Home, then each line overwrites the old one and clears what is left of it; finally
	// the rest of the screen below the frame.
	std::string out = "\x1b[H";
	while (!frame.empty()) {
		size_t nl = frame.find('\n');
		out.append(frame.substr(0, nl));
		out += "\x1b[K";
		frame = nl == std::string_view::npos ? std::string_view{} : frame.substr(nl + 1);
		if (!frame.empty())
			out += "\r\n";
	}
	out += "\x1b[J";
	write_all(out);
}

bool Terminal::wait_for_quit(int64_t deadline_ms) const
{
	while (!g_stop) {
		int64_t left = deadline_ms - monotonic_ms();
		if (left <= 0)
			return false;
		pollfd p{STDIN_FILENO, POLLIN, 0};
		int n = poll(&p, 1, static_cast<int>(left));
		if (n <= 0)
			return g_stop != 0; // timeout, a stop signal, or a resize to draw at once
		char key = 0;
		if (read(STDIN_FILENO, &key, 1) != 1)
			return true; // the terminal went away
		if (key == 'q' || key == 'Q' || key == 3)
			return true;
	}
	return true;
}

bool Terminal::stop_requested()
{
	return g_stop != 0;
}

} // namespace rtprelay::ctl
