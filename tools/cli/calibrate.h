/*
 * calibrate.h - private to tools/cli: `wenda coverage --calibrate`.
 */
#ifndef WENDA_CLI_CALIBRATE_H
#define WENDA_CLI_CALIBRATE_H

#include "cli.h"
#include "wenda/coverage.h"

/* Fit the thresholds to the labelled questions of `labelled` (a file or -)
 * over the index at `index`, print how well they separate them, and keep
 * them in cal_file (when not NULL) or in the index folder. Returns the exit
 * code. */
int cli_calibrate(const char *cmd, const char *index, const char *labelled, const char *cal_file,
                  const wd_dict *dict, const wd_coverage_opts *copts, int json);

#endif
