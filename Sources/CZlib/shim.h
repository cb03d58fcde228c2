#ifndef TINYHIL_CZLIB_SHIM_H
#define TINYHIL_CZLIB_SHIM_H
#include <zlib.h>
#endif
