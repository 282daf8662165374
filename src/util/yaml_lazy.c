/* libyaml loaded on first use: trampolines for the functions yaml.c calls
 * (see util/lazylib.h).  Only reading a YAML file pays for mapping it.  */
#include "config.h"

#include <yaml.h>

#include "util/lazylib.h"

LAZY_LIB (yaml, GALLEY_SONAME_YAML);

LAZY_FN (yaml, int, yaml_parser_initialize, (yaml_parser_t * p), (p))
LAZY_VOID_FN (yaml, yaml_parser_delete, (yaml_parser_t * p), (p))
LAZY_VOID_FN (yaml, yaml_parser_set_input_string,
              (yaml_parser_t * p, const unsigned char *input, size_t size), (p, input, size))
LAZY_FN (yaml, int, yaml_parser_load, (yaml_parser_t * p, yaml_document_t *doc), (p, doc))
LAZY_VOID_FN (yaml, yaml_document_delete, (yaml_document_t * doc), (doc))
LAZY_FN (yaml, yaml_node_t *, yaml_document_get_node, (yaml_document_t * doc, int index), (doc, index))
LAZY_FN (yaml, yaml_node_t *, yaml_document_get_root_node, (yaml_document_t * doc), (doc))
