/*
 * fuzz_seed.c - the seed-page reader on arbitrary bytes, read as UTF-8 and
 * again as GB18030 (the conversion path), with a small record limit so the
 * oversize path is reached too.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_read("fuzz.txt", data, size, WD_FORMAT_SEED, NULL, 0);
    fz_read("fuzz.txt", data, size, WD_FORMAT_SEED, "gb18030", 256);
    return 0;
}
