/* format_print: records as podman prints them — indented JSON, a Go
 * template once per record, or a "table" template with a header row whose
 * columns are aligned the way Go's text/tabwriter aligns podman's output
 * (minimum width 12, padding 2, spaces).  */
#include "config.h"
#include "util/format.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/template-internal.h"
#include "util/template.h"
#include "util/xmalloc.h"

/* containers/common report.NewWriterDefault: tabwriter.NewWriter (w, 12, 2, 2, ' ', 0).  */
#define TABLE_MIN_WIDTH 12
#define TABLE_PADDING 2

bool
format_is_json (const char *format)
{
  const char *p = format, *end;

  if (format == NULL)
    return false;
  while (isspace ((unsigned char)*p))
    p++;
  end = p + strlen (p);
  while (end > p && isspace ((unsigned char)end[-1]))
    end--;
  if (end - p == 4 && memcmp (p, "json", 4) == 0)
    return true;
  /* {{json .}} and {{ json }}, as podman's report.IsJSON.  */
  if (end - p < 8 || memcmp (p, "{{", 2) != 0 || memcmp (end - 2, "}}", 2) != 0)
    return false;
  p += 2, end -= 2;
  while (p < end && isspace ((unsigned char)*p))
    p++;
  if (end - p < 4 || memcmp (p, "json", 4) != 0)
    return false;
  p += 4;
  while (p < end && isspace ((unsigned char)*p))
    p++;
  if (p < end && *p == '.')
    p++;
  while (p < end && isspace ((unsigned char)*p))
    p++;
  return p == end;
}

/* Go's json.MarshalIndent (v, "", step spaces); step 0 is json.Marshal.  */
static void
print_json_indented (FILE *out, json_object *o, int indent, int step)
{
  const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
  const char *nl = step ? "\n" : "";

  if (json_object_is_type (o, json_type_object))
    {
      size_t i = 0, n = (size_t)json_object_object_length (o);
      if (n == 0)
        {
          fputs ("{}", out);
          return;
        }
      fprintf (out, "{%s", nl);
      json_object_object_foreach (o, key, val)
      {
        json_object *k = json_object_new_string (key);
        fprintf (out, "%*s%s:%s", indent + step, "", json_object_to_json_string_ext (k, flags),
                 step ? " " : "");
        json_object_put (k);
        print_json_indented (out, val, indent + step, step);
        fprintf (out, "%s%s", ++i < n ? "," : "", nl);
      }
      fprintf (out, "%*s}", indent, "");
    }
  else if (json_object_is_type (o, json_type_array))
    {
      size_t n = json_object_array_length (o);
      if (n == 0)
        {
          fputs ("[]", out);
          return;
        }
      fprintf (out, "[%s", nl);
      for (size_t i = 0; i < n; i++)
        {
          fprintf (out, "%*s", indent + step, "");
          print_json_indented (out, json_object_array_get_idx (o, i), indent + step, step);
          fprintf (out, "%s%s", i + 1 < n ? "," : "", nl);
        }
      fprintf (out, "%*s]", indent, "");
    }
  else
    fputs (o == NULL ? "null" : json_object_to_json_string_ext (o, flags), out);
}

void
format_print_json (FILE *out, json_object *value, int indent)
{
  print_json_indented (out, value, 0, indent < 0 ? 0 : indent);
  fputc ('\n', out);
}

/* Go's text/tabwriter with podman's settings, over a finished buffer.
 * The cells of all lines are one array (a thousand-row table would
 * otherwise be a thousand small arrays, each touching fresh memory).  */

struct tw_cell
{
  const char *text;
  uint32_t len, width;
};

struct tw_line
{
  size_t first, n; /* its cells: cells[first .. first + n) */
  bool newline;
};

struct tabwriter
{
  struct tw_cell *cells;
  size_t ncells, cells_allocated;
  struct tw_line *lines;
  size_t nlines, allocated;
  size_t *widths;
  size_t nwidths;
  FILE *out;
  size_t used; /* in buf, not yet written to out */
  char buf[32768];
};

static size_t
utf8_width (const char *s, size_t n)
{
  size_t w = 0;

  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80)
      w++;
  return w;
}

/* Room for one more element in an array grown geometrically (a listing of
 * thousands of rows must not realloc per cell).  */
static void *
tw_grow (void *array, size_t n, size_t *allocated, size_t size)
{
  if (n < *allocated)
    return array;
  *allocated = *allocated ? 2 * *allocated : 64;
  return xreallocarray (array, *allocated, size);
}

static void
tw_add_cell (struct tabwriter *tw, struct tw_line *line, const char *text, size_t len)
{
  tw->cells = tw_grow (tw->cells, tw->ncells, &tw->cells_allocated, sizeof *tw->cells);
  tw->cells[tw->ncells++] = (struct tw_cell){ text, (uint32_t)len, (uint32_t)utf8_width (text, len) };
  line->n++;
}

static void
tw_split (struct tabwriter *tw, const char *buf, size_t len)
{
  const char *p = buf, *end = buf + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p)), *stop = nl ? nl : end;
      struct tw_line *line;

      tw->lines = tw_grow (tw->lines, tw->nlines, &tw->allocated, sizeof *tw->lines);
      line = &tw->lines[tw->nlines++];
      *line = (struct tw_line){ .first = tw->ncells, .newline = nl != NULL };
      for (;;)
        {
          const char *tab = memchr (p, '\t', (size_t)(stop - p));
          tw_add_cell (tw, line, p, (size_t)((tab ? tab : stop) - p));
          if (tab == NULL)
            break;
          p = tab + 1;
        }
      p = stop + 1;
    }
}

/* The table goes out through the writer's own buffer: one stdio call per
 * 32 KiB, not two per cell.  */
static void
tw_flush (struct tabwriter *tw)
{
  fwrite (tw->buf, 1, tw->used, tw->out);
  tw->used = 0;
}

static void
tw_emit (struct tabwriter *tw, const char *text, size_t n)
{
  if (n > sizeof tw->buf - tw->used)
    tw_flush (tw);
  if (n > sizeof tw->buf)
    {
      fwrite (text, 1, n, tw->out);
      return;
    }
  memcpy (tw->buf + tw->used, text, n);
  tw->used += n;
}

static void
tw_pad (struct tabwriter *tw, size_t n)
{
  static const char spaces[] = "                                                                ";

  for (; n > sizeof spaces - 1; n -= sizeof spaces - 1)
    tw_emit (tw, spaces, sizeof spaces - 1);
  tw_emit (tw, spaces, n);
}

static void
tw_write_lines (struct tabwriter *tw, size_t line0, size_t line1)
{
  for (size_t i = line0; i < line1; i++)
    {
      const struct tw_line *line = &tw->lines[i];
      const struct tw_cell *cells = tw->cells + line->first;
      for (size_t j = 0; j < line->n; j++)
        {
          tw_emit (tw, cells[j].text, cells[j].len);
          if (j < tw->nwidths && tw->widths[j] > cells[j].width)
            tw_pad (tw, tw->widths[j] - cells[j].width);
        }
      if (line->newline)
        tw_emit (tw, "\n", 1);
    }
}

/* text/tabwriter's Writer.format: a column block is a run of consecutive
 * lines that all have a tab-terminated cell in this column.  */
static void
tw_format (struct tabwriter *tw, size_t line0, size_t line1)
{
  size_t column = tw->nwidths;

  for (size_t this = line0; this < line1; this ++)
    {
      size_t width = TABLE_MIN_WIDTH;

      if (column + 1 >= tw->lines[this].n)
        continue;
      tw_write_lines (tw, line0, this);
      line0 = this;
      for (; this < line1 && column + 1 < tw->lines[this].n; this ++)
        if (tw->cells[tw->lines[this].first + column].width + TABLE_PADDING > width)
          width = tw->cells[tw->lines[this].first + column].width + TABLE_PADDING;
      tw->widths[tw->nwidths++] = width;
      tw_format (tw, line0, this);
      tw->nwidths--;
      line0 = this;
    }
  tw_write_lines (tw, line0, line1);
}

static void
tabwriter_print (FILE *out, const char *buf, size_t len)
{
  struct tabwriter tw;
  size_t max_cells = 0;

  memset (&tw, 0, offsetof (struct tabwriter, buf));
  tw.out = out;

  tw_split (&tw, buf, len);
  for (size_t i = 0; i < tw.nlines; i++)
    if (tw.lines[i].n > max_cells)
      max_cells = tw.lines[i].n;
  tw.widths = xcalloc (max_cells + 1, sizeof *tw.widths);
  tw_format (&tw, 0, tw.nlines);
  tw_flush (&tw);
  free (tw.cells);
  free (tw.lines);
  free (tw.widths);
}

/* podman's NormalizeFormat: a record's output ends with a newline.  */
static char *
with_final_newline (const char *text)
{
  size_t n = strlen (text);
  bool has = (n >= 1 && text[n - 1] == '\n') || (n >= 2 && text[n - 2] == '\\' && text[n - 1] == 'n');

  return xasprintf ("%s%s", text, has ? "" : "\n");
}

/* A template that is not a table, as podman takes it: \t and \n become tab
 * and newline everywhere, inside actions too, and a newline ends the
 * record.  Where that breaks the template ({{"\n"}}: a newline inside a
 * quoted string), podman uses the template as written, so {{"\n"}} ends
 * the record with one newline, not two.  */
static int
parse_record_template (const char *format, char **text, struct template **t, galley_error_t *err)
{
  _cleanup_free_ char *escaped = xstrdup (format);
  _cleanup_error_ galley_error_t ignored = NULL;
  size_t o = 0;

  for (const char *p = format; *p; p++)
    if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n'))
      escaped[o++] = *++p == 't' ? '\t' : '\n';
    else
      escaped[o++] = *p;
  escaped[o] = '\0';
  *text = with_final_newline (escaped);
  if (template_parse_flags (*text, 0, t, &ignored) == 0)
    return 0;
  free (*text);
  *text = xstrdup (format);
  return template_parse_flags (*text, TEMPLATE_PARSE_VERBATIM, t, err);
}

enum stream_mode
{
  STREAM_JSON,      /* collected, printed as one JSON array at the end */
  STREAM_TABLE,     /* rendered row by row, aligned at the end */
  STREAM_TEMPLATE,  /* rendered row by row straight to out */
  STREAM_WHOLE_LIST /* a template with its own {{range .}}: given the list at the end */
};

struct format_stream
{
  FILE *out;
  enum stream_mode mode;
  struct template *t;
  json_object *items; /* STREAM_JSON, STREAM_WHOLE_LIST */
  FILE *mem;          /* STREAM_TABLE: the rendered rows */
  char *buf;
  size_t len;
  char *text; /* the template */
  struct
  {
    const char *name; /* callers pass literals: compared by address */
    bool used;
  } uses[48];
  size_t n_uses, next_use;
  int json_indent; /* STREAM_JSON */
};

static void
stream_free (struct format_stream *s)
{
  if (s->mem != NULL)
    fclose (s->mem);
  free (s->buf);
  free (s->text);
  template_free (s->t);
  if (s->items != NULL)
    json_object_put (s->items);
  free (s);
}

struct format_stream *
format_stream_new (FILE *out, const char *format, const char *default_format, json_object *headers,
                   bool noheading, galley_error_t *err)
{
  _cleanup_free_ char *table_default = NULL;
  struct format_stream *s = xcalloc (1, sizeof *s);

  s->out = out;
  if (format == NULL || *format == '\0')
    format = default_format;
  if (format == NULL || *format == '\0')
    format = "json";
  /* --format table: the command's default columns.  */
  if (strcmp (format, "table") == 0 && default_format != NULL)
    {
      if (strncmp (default_format, "table ", 6) == 0)
        format = default_format;
      else
        format = table_default = xasprintf ("table %s", default_format);
    }
  if (format_is_json (format))
    {
      s->mode = STREAM_JSON;
      s->items = json_object_new_array ();
      s->json_indent = 4;
      return s;
    }
  s->mode = strncmp (format, "table ", 6) == 0 ? STREAM_TABLE : STREAM_TEMPLATE;
  if (s->mode == STREAM_TABLE)
    {
      s->text = with_final_newline (format + 6);
      if (template_parse_flags (s->text, TEMPLATE_PARSE_TABLE, &s->t, err) < 0)
        {
          stream_free (s);
          return NULL;
        }
    }
  else if (parse_record_template (format, &s->text, &s->t, err) < 0)
    {
      stream_free (s);
      return NULL;
    }
  if (s->mode == STREAM_TABLE)
    {
      s->mem = xalloc_check (open_memstream (&s->buf, &s->len));
      if (! noheading && template_render_header (s->t, headers, s->mem, err) < 0)
        {
          stream_free (s);
          return NULL;
        }
    }
  /* Like podman's EnforceRange: a template with its own {{range .}} gets the whole list.  */
  else if (template_ranges_over_dot (s->t))
    {
      s->mode = STREAM_WHOLE_LIST;
      s->items = json_object_new_array ();
    }
  return s;
}

int
format_stream_add (struct format_stream *s, json_object *item, galley_error_t *err)
{
  switch (s->mode)
    {
    case STREAM_JSON:
    case STREAM_WHOLE_LIST:
      json_object_array_add (s->items, json_object_get (item));
      return 0;
    case STREAM_TABLE:
      return template_render (s->t, item, s->mem, err);
    default:
      return template_render (s->t, item, s->out, err);
    }
}

int
format_stream_finish (struct format_stream *s, galley_error_t *err)
{
  FILE *out = s->out;
  int ret = 0;

  if (s->mode == STREAM_JSON)
    format_print_json (s->out, s->items, s->json_indent);
  else if (s->mode == STREAM_WHOLE_LIST)
    ret = template_render (s->t, s->items, s->out, err);
  else if (s->mode == STREAM_TABLE)
    {
      fclose (s->mem);
      s->mem = NULL;
      tabwriter_print (s->out, s->buf, s->len);
    }
  stream_free (s);
  if (ret < 0)
    return -1;
  if (fflush (out) != 0 || ferror (out))
    return galley_error_make (err, errno, "writing output");
  return 0;
}

static bool
ident_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool
template_mentions (const char *text, const char *name)
{
  size_t n = strlen (name);
  const char *p;

  for (p = strchr (text, '.'); p != NULL; p = strchr (p + 1, '.'))
    /* "." alone is the whole record */
    if (! ident_char (p[1]) || strncmp (p + 1, name, n) == 0)
      return true;
  return false;
}

/* Asked once per field and row: the answers are remembered.  */
bool
format_stream_uses (struct format_stream *s, const char *name)
{
  size_t i;
  bool used;

  if (s->mode == STREAM_JSON || s->mode == STREAM_WHOLE_LIST || s->text == NULL)
    return true;
  /* a caller asks in the same order for every row: try the next first */
  if (s->next_use < s->n_uses && s->uses[s->next_use].name == name)
    return s->uses[s->next_use++].used;
  for (i = 0; i < s->n_uses; i++)
    if (s->uses[i].name == name)
      {
        s->next_use = i + 1;
        return s->uses[i].used;
      }
  used = template_mentions (s->text, name);
  if (s->n_uses < sizeof s->uses / sizeof s->uses[0])
    {
      s->uses[s->n_uses].name = name;
      s->uses[s->n_uses++].used = used;
      s->next_use = s->n_uses;
    }
  return used;
}

void
format_stream_abort (struct format_stream *s)
{
  if (s != NULL)
    stream_free (s);
}

void
format_stream_set_json_indent (struct format_stream *s, int indent)
{
  s->json_indent = indent;
}

int
format_print (FILE *out, const char *format, const char *default_format, json_object *items,
              json_object *headers, bool noheading, galley_error_t *err)
{
  return format_print_indented (out, format, default_format, items, headers, noheading, 4, err);
}

int
format_print_indented (FILE *out, const char *format, const char *default_format, json_object *items,
                       json_object *headers, bool noheading, int json_indent, galley_error_t *err)
{
  struct format_stream *s = format_stream_new (out, format, default_format, headers, noheading, err);

  if (s == NULL)
    return -1;
  s->json_indent = json_indent;
  if (s->mode == STREAM_JSON || s->mode == STREAM_WHOLE_LIST)
    {
      /* printed or rendered as given: a single object stays one */
      json_object_put (s->items);
      s->items = json_object_get (items);
    }
  else if (! json_object_is_type (items, json_type_array))
    {
      if (format_stream_add (s, items, err) < 0)
        goto fail;
    }
  else
    for (size_t i = 0; i < json_object_array_length (items); i++)
      if (format_stream_add (s, json_object_array_get_idx (items, i), err) < 0)
        goto fail;
  return format_stream_finish (s, err);
fail:
  format_stream_abort (s);
  return -1;
}

json_object *
format_headers (const struct format_header *table)
{
  json_object *h = json_object_new_object ();

  for (; table->field != NULL; table++)
    json_object_object_add (h, table->field, json_object_new_string (table->title));
  return h;
}
