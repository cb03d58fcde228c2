#ifndef TINYHIL_CSERIALPORT_SHIM_H
#define TINYHIL_CSERIALPORT_SHIM_H
#include <libserialport.h>
#endif
