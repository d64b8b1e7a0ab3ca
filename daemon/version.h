#pragma once

#define RTPRELAY_VERSION "0.1.0"
