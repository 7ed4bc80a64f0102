/*
 * folder.h - private to indexer/: an index folder on disk.
 *
 * A writer claims the folder it writes (creating it, locking it, finishing
 * what a crash interrupted) and builds new databases in its build folder,
 * DIR/.wenda-build, from where the shim installs them over DIR's
 * (xc_db_install). What is inside a database folder is the shim's business;
 * what is beside it (the lock file, the build folder) is ours.
 */
#ifndef WENDA_INDEXER_FOLDER_H
#define WENDA_INDEXER_FOLDER_H

#include "wenda/error.h"

/* The build folder of DIR, and the database in it that is installed. */
#define WD_FOLDER_BUILD ".wenda-build"
#define WD_FOLDER_MERGED "merged"
/* Where `--overwrite` rebuilds an index, beside the one readers keep using
 * until the new one is complete and moved over it. */
#define WD_FOLDER_REBUILD ".wenda-rebuild"

/* A claimed folder: DIR/wenda.lock is held (an flock, with our pid in the
 * file, since Xapian's own lock cannot say who holds it). */
typedef struct wd_folder wd_folder;

/* Claim `dir` for writing: create it (and its parents), take its lock, and
 * finish an install a crash interrupted (any other build folder is what a
 * killed run left: it is removed). *out is new, NULL on failure:
 * WD_ELOCKED ("index is locked by another wenda index (pid N)"), WD_EIO. */
int wd_folder_claim(wd_folder **out, const char *dir, wd_error *err);
/* Release the lock and free. NULL is a no-op. */
void wd_folder_release(wd_folder *f);

/* mkdir -p. WD_EIO. */
int wd_folder_make(const char *path, wd_error *err);
/* rm -rf of a build folder (a flat tree of databases); a missing one is
 * fine. */
void wd_folder_remove(const char *path);
/* dir + "/" + name: new, NULL when out of memory. */
char *wd_folder_join(const char *dir, const char *name);

/* Install the database BUILD/merged over DIR's (xc_db_install), then
 * remove the build folder `build_dir`. On a failure before the move began
 * (*begun = 0) DIR keeps its database and the build folder is removed; once
 * it began (*begun = 1, after one more try to finish it) the build folder
 * stays for the next writer's claim to finish the install, and the message
 * says so. */
int wd_folder_install(const char *dir, const char *build_dir, int *begun, wd_error *err);
/* The origin of that error once the move began. */
#define WD_FOLDER_HALF_INSTALLED "index:install"

#endif
