/* YAML -> json-c (see yaml.h), through libyaml's document loader.  */
#include "config.h"
#include "util/yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/cleanup.h"
#include "util/json.h"

/* An alias may name a node met before, and so repeat a subtree: what the
 * conversion builds is bounded, whatever the document's size.  */
#define YAML_MAX_DEPTH 128
#define YAML_MAX_NODES 1000000

struct converter
{
  yaml_document_t *doc;
  const char *what;
  size_t nodes;
};

static bool
is_one_of (const char *s, const char *const *list)
{
  for (; *list != NULL; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}

static bool
all_in (const char *s, const char *set)
{
  return *s != '\0' && s[strspn (s, set)] == '\0';
}

/* [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?  */
static bool
is_core_float (const char *s)
{
  size_t digits = 0;

  if (*s == '-' || *s == '+')
    s++;
  for (; *s >= '0' && *s <= '9'; s++)
    digits++;
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++)
      digits++;
  if (digits == 0)
    return false;
  if (*s == 'e' || *s == 'E')
    {
      s++;
      if (*s == '-' || *s == '+')
        s++;
      return all_in (s, "0123456789");
    }
  return *s == '\0';
}

/* A plain scalar's value in the core schema; anything else is a string.  */
static json_object *
plain_scalar (const char *s, size_t len)
{
  static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
  static const char *const trues[] = { "true", "True", "TRUE", NULL };
  static const char *const falses[] = { "false", "False", "FALSE", NULL };
  const char *digits = s + (*s == '-' || *s == '+');
  char *end = NULL;
  long long n;

  if (strlen (s) != len)
    return json_object_new_string_len (s, (int)len);
  if (is_one_of (s, nulls))
    return NULL;
  if (is_one_of (s, trues) || is_one_of (s, falses))
    return json_object_new_boolean (is_one_of (s, trues));
  errno = 0;
  if (all_in (digits, "0123456789"))
    n = strtoll (s, &end, 10);
  else if (strncmp (s, "0o", 2) == 0 && all_in (s + 2, "01234567"))
    n = strtoll (s + 2, &end, 8);
  else if (strncmp (s, "0x", 2) == 0 && all_in (s + 2, "0123456789abcdefABCDEF"))
    n = strtoll (s + 2, &end, 16);
  if (end != NULL && errno == 0)
    return json_object_new_int64 (n);
  if (end == NULL && is_core_float (s))
    return json_object_new_double (strtod (s, NULL));
  return json_object_new_string_len (s, (int)len);
}

static int convert_node (struct converter *c, yaml_node_t *node, int depth, json_object **out,
                         galley_error_t *err);

static int
convert_mapping (struct converter *c, yaml_node_t *node, int depth, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *obj = json_object_new_object ();
  yaml_node_pair_t *pair;

  for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++)
    {
      yaml_node_t *key = yaml_document_get_node (c->doc, pair->key);
      json_object *value = NULL;
      const char *name;

      if (key == NULL || key->type != YAML_SCALAR_NODE
          || strlen ((const char *)key->data.scalar.value) != key->data.scalar.length)
        return galley_error_make (err, 0, "%s: line %lu: a mapping key must be a string", c->what,
                                  (unsigned long)node->start_mark.line + 1);
      name = (const char *)key->data.scalar.value;
      if (json_object_object_get_ex (obj, name, NULL))
        return galley_error_make (err, 0, "%s: line %lu: duplicate key \"%s\"", c->what,
                                  (unsigned long)key->start_mark.line + 1, name);
      if (convert_node (c, yaml_document_get_node (c->doc, pair->value), depth + 1, &value, err) < 0)
        return -1;
      json_object_object_add (obj, name, value);
    }
  *out = steal_pointer (&obj);
  return 0;
}

static int
convert_node (struct converter *c, yaml_node_t *node, int depth, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *arr = NULL;
  yaml_node_item_t *item;

  *out = NULL;
  if (node == NULL)
    return 0;
  if (depth > YAML_MAX_DEPTH || ++c->nodes > YAML_MAX_NODES)
    return galley_error_make (err, 0, "%s: the document nests or repeats too deeply", c->what);
  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      if (node->data.scalar.length > INT_MAX)
        return galley_error_make (err, EFBIG, "%s", c->what);
      if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        *out = plain_scalar ((const char *)node->data.scalar.value, node->data.scalar.length);
      else
        *out =
            json_object_new_string_len ((const char *)node->data.scalar.value, (int)node->data.scalar.length);
      return 0;
    case YAML_SEQUENCE_NODE:
      arr = json_object_new_array ();
      for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++)
        {
          json_object *value = NULL;
          if (convert_node (c, yaml_document_get_node (c->doc, *item), depth + 1, &value, err) < 0)
            return -1;
          json_object_array_add (arr, value);
        }
      *out = steal_pointer (&arr);
      return 0;
    case YAML_MAPPING_NODE:
      return convert_mapping (c, node, depth, out, err);
    case YAML_NO_NODE:
      break;
    }
  return 0;
}

static int
parser_error (yaml_parser_t *p, const char *what, galley_error_t *err)
{
  return galley_error_make (err, 0, "%s: invalid YAML: line %lu: %s%s%s", what,
                            (unsigned long)p->problem_mark.line + 1, p->problem ? p->problem : "error",
                            p->context ? " " : "", p->context ? p->context : "");
}

int
yaml_parse_json (const char *data, size_t len, const char *what, json_object **out, galley_error_t *err)
{
  yaml_parser_t parser;
  yaml_document_t doc, next;
  struct converter c = { &doc, what, 0 };
  json_object *result = NULL;
  int ret = -1;

  if (! yaml_parser_initialize (&parser))
    return galley_error_make (err, ENOMEM, "%s: allocating the YAML parser", what);
  yaml_parser_set_input_string (&parser, (const unsigned char *)data, len);
  if (! yaml_parser_load (&parser, &doc))
    {
      parser_error (&parser, what, err);
      yaml_parser_delete (&parser);
      return -1;
    }
  if (convert_node (&c, yaml_document_get_root_node (&doc), 0, &result, err) == 0)
    {
      /* A stream of one document: the next load finds none.  */
      if (! yaml_parser_load (&parser, &next))
        parser_error (&parser, what, err);
      else
        {
          if (yaml_document_get_root_node (&next) != NULL)
            galley_error_make (err, 0, "%s: more than one YAML document", what);
          else
            ret = 0;
          yaml_document_delete (&next);
        }
    }
  yaml_document_delete (&doc);
  yaml_parser_delete (&parser);
  if (ret < 0)
    {
      if (result != NULL)
        json_object_put (result);
      return -1;
    }
  *out = result;
  return 0;
}
