/*
 * assets.h - private: the search page's files (the .html, .css and .js files in assets/),
 * compiled into the binary at build time by embed.cmake, so the page makes
 * no request outside the service.
 */
#ifndef WENDA_SERVE_ASSETS_H
#define WENDA_SERVE_ASSETS_H

#include <stddef.h>

typedef struct serve_asset {
    const char *path; /* "/", "/app.js", ... */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
} serve_asset;

extern const serve_asset serve_assets[];
extern const size_t serve_n_assets;

#endif
