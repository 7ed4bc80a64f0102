/*
 * fuzz_jsonl.c - the JSON Lines reader on arbitrary bytes, as UTF-8 and as
 * GB18030, and once through format detection (AUTO) under a .jsonl name.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_read("fuzz.jsonl", data, size, WD_FORMAT_JSONL, NULL, 0);
    fz_read("fuzz.jsonl", data, size, WD_FORMAT_AUTO, "gb18030", 256);
    return 0;
}
