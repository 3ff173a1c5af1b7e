/* json-c objects from a text the strict check passed, without json-c's
 * tokener.  The check has walked every token already and json-c's tokener
 * reads a record byte by byte, at several times the cost of the check: the
 * builder goes straight to the values, 16 bytes at a time through string
 * content, and makes the tree json-c would make (see jsonbuild.c for what
 * that takes), which the rest of the program reads as before. */
#ifndef CLI_JSONBUILD_H
#define CLI_JSONBUILD_H

#include <stddef.h>
#include <json-c/json.h>

/* The value of [s, s + len), which json_strict_check must have accepted
 * (JSON white space around it allowed).  Never NULL for an object or an
 * array; NULL for the text "null", as json-c's tokener gives.  Out of
 * memory: exits, as xmalloc does. */
json_object *json_strict_build(const char *s, size_t len);

/* Whether a and b are the same tree in every respect the program reads:
 * types, strings byte for byte with their length, integers, doubles with
 * their value and the text they print as, members in order with their
 * names, arrays.  The tests and the fuzz target check the builder against
 * json-c's tokener with it. */
int json_same_tree(json_object *a, json_object *b);

#endif
