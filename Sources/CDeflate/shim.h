#ifndef SALESVAULT_CDEFLATE_SHIM_H
#define SALESVAULT_CDEFLATE_SHIM_H

// The system zlib (zlib1g-dev): raw deflate and CRC-32 for the XLSX writer's ZIP package.
#include <zlib.h>

// deflateInit2 is a macro (it passes the library's version and the stream's size); Swift
// cannot call macros, so this wraps it.
static inline int sv_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

#endif
