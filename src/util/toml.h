/* The TOML subset that registries.conf, containers.conf and galley.conf are
 * written in, read into a json-c tree so that callers walk one kind of
 * document everywhere.
 *
 *   tables, [a.b] headers and dotted keys  -> nested objects
 *   [[array.of.tables]]                    -> arrays of objects
 *   strings (basic, literal, multi-line)   -> strings
 *   integers / floats / booleans           -> int64 / double / boolean
 *   arrays, inline tables                  -> arrays, objects
 *   dates and times                        -> strings, as written
 *
 * Errors are one line, "FILE:LINE: what is wrong".  */
#ifndef GALLEY_TOML_H
#define GALLEY_TOML_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

/* Parse len bytes of text.  filename is only used in error messages (NULL:
 * "<string>").  On success *out is a new object owned by the caller.  */
int toml_parse_string (const char *text, size_t len, const char *filename, json_object **out,
                       galley_error_t *err);

/* Read and parse a file.  A missing file fails with errno ENOENT recorded in
 * *err (see galley_error_errno), so callers can treat it as "not configured".  */
int toml_parse_file (const char *path, json_object **out, galley_error_t *err);

#endif
