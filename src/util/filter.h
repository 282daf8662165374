/* --filter KEY=VALUE, parsed once for every command that takes it (ps,
 * images, image prune, volume ls and prune, network ls and prune, secret
 * ls) and for the API service's filters argument: the form and the key are
 * checked against the command's table and each value by the key's own
 * check before anything is listed, the values of one key are grouped in
 * the order given, and regular expressions are compiled once.  What a
 * value means stays with the command; the matching rules podman's
 * commands share (a regular expression anywhere in a name, its label
 * filter, Go's booleans) are here.  */
#ifndef GALLEY_UTIL_FILTER_H
#define GALLEY_UTIL_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

enum filter_kind
{
  FILTER_TEXT,  /* the command compares the text */
  FILTER_REGEX, /* a POSIX extended regular expression, matched anywhere in the text (as Go's
                 * regexp.MatchString: "c" matches "abc") */
};

struct filter_key
{
  const char *name;
  enum filter_kind kind;
  /* A value's check, run once before anything is listed; NULL: any value.  */
  int (*check) (const char *value, galley_error_t *err);
};

/* How a command takes its filters: the keys it knows and podman's words for
 * that command, which differ from one command to the next.  */
struct filter_syntax
{
  const struct filter_key *keys; /* ends with a NULL name */
  const char *malformed;         /* the error for an item without "=": printf format of the item */
  const char *unknown;           /* the error for a key not in keys: printf format of the key */
  bool negation;                 /* "KEY!=VALUE" negates that value's match (podman's image filters) */
  /* A value of a FILTER_REGEX key that does not compile: an error (as
   * podman's volume filters), else a pattern that matches nothing (as
   * podman's StringMatchRegexSlice in ps, network and secret filters).  */
  bool strict_regex;
};

struct filter_value
{
  const char *text;
  bool negated;
  regex_t *re; /* FILTER_REGEX: the compiled pattern; NULL when it did not compile */
};

/* The values given for one key.  */
struct filter_group
{
  const struct filter_key *key;
  struct filter_value *values;
  size_t n;
};

struct filter_set
{
  struct filter_group *groups; /* in the order their keys first appear */
  size_t n;
  char **items; /* the copies the values point into */
};

/* items (NULL-terminated; NULL for none) parsed by syntax into *out (never
 * NULL on success, empty without items).  An item without "=", a key not
 * in the table, a value its key's check refuses, or (strict_regex) a bad
 * regular expression is an EINVAL error in podman's words.  */
int filter_set_parse (const struct filter_syntax *syntax, char *const *items, struct filter_set **out,
                      galley_error_t *err);
void filter_set_free (struct filter_set *set);
static inline void
cleanup_filter_setp (struct filter_set **set)
{
  filter_set_free (*set);
}
#define _cleanup_filter_set_ __attribute__ ((cleanup (cleanup_filter_setp)))

/* The values given for key, NULL when none were.  */
const struct filter_group *filter_set_group (const struct filter_set *set, const char *key);

/* Does value v match text?  A FILTER_REGEX value matches anywhere in it (a
 * pattern that did not compile, nowhere), a FILTER_TEXT value when equal;
 * a negated value when that does not hold.  */
bool filter_value_matches (const struct filter_group *g, const struct filter_value *v, const char *text);

/* Does any value of g match text (filter_value_matches)?  Filters of one
 * key are alternatives in most of podman's commands.  */
bool filter_group_matches_any (const struct filter_group *g, const char *text);

/* podman's label filter (MatchLabelFilters): want is KEY or KEY=VALUE, and
 * a label matches when its key is KEY (or, when KEY holds a '*', matches
 * the glob "*KEY*") and, unless VALUE is empty, its value is VALUE.
 * labels: a JSON object of strings (NULL: none), or a vector of
 * "KEY=value" (util/strv.h's maps).  */
bool filter_label_matches_json (json_object *labels, const char *want);
bool filter_label_matches_kv (char *const *labels, const char *want);

/* Go's strconv.ParseBool, which podman's boolean filters use: 1 t T TRUE
 * true True, 0 f F FALSE false False.  false when text is none of them.  */
bool filter_parse_bool (const char *text, bool *out);

#endif
