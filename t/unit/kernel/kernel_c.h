// The module's shared C headers (kernel-module/rtp.h and srtp_index.h, and their test cases,
// rtp_check.h and srtp_check.h) as the
// unit tests include them: kernel style, so their casts are C casts, which the daemon's
// warnings would reject.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#ifndef __clang__ // a g++ warning; clang warns about the unknown name instead
#pragma GCC diagnostic ignored "-Wuseless-cast"
#endif
#include "../../../kernel-module/rtp_check.h"
#include "../../../kernel-module/srtp_check.h"
#pragma GCC diagnostic pop
