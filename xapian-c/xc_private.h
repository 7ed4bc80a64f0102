/*
 * xc_private.h - private to xapian-c/: what the shim's C++ files share.
 */
#ifndef WENDA_XC_PRIVATE_H
#define WENDA_XC_PRIVATE_H

#include "wenda/error.h"

/* The origin of the shim's own errors (Xapian's are "xapian:<type>"). */
#define XC_ORIGIN "xapian-c"

/* The one translator from exceptions to WD_E* codes. Call it only inside a
 * catch handler: it rethrows the exception in flight, maps its type to a
 * code and fills err. `what` (may be NULL) names the object the call was
 * about, typically a path, and prefixes the message. */
int xc_fail(wd_error *err, const char *what = nullptr) noexcept;

#endif
