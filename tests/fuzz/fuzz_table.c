/*
 * fuzz_table.c - the TSV and CSV readers on arbitrary bytes: TSV, CSV
 * (RFC 4180 quoting, records across lines), format detection, and CSV
 * converted from GB18030 with a small record limit; and the question-list
 * reader over the same splitter (TSV, CSV, one a line, detection).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_read("fuzz.tsv", data, size, WD_FORMAT_TSV, NULL, 0);
    fz_read("fuzz.csv", data, size, WD_FORMAT_CSV, NULL, 0);
    fz_read("fuzz.txt", data, size, WD_FORMAT_AUTO, NULL, 0);
    fz_read("fuzz.csv", data, size, WD_FORMAT_CSV, "gb18030", 256);
    fz_read_questions("fuzz.tsv", data, size, WD_FORMAT_TSV);
    fz_read_questions("fuzz.csv", data, size, WD_FORMAT_CSV);
    fz_read_questions("fuzz.txt", data, size, WD_FORMAT_LINES);
    fz_read_questions("fuzz.txt", data, size, WD_FORMAT_AUTO);
    return 0;
}
