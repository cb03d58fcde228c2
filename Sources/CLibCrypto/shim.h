#ifndef TINYHIL_CLIBCRYPTO_SHIM_H
#define TINYHIL_CLIBCRYPTO_SHIM_H
#include <openssl/sha.h>
#endif
