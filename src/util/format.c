/* format_print: records as podman prints them — indented JSON, a Go
 * template once per record, or a "table" template with a header row whose
 * columns are aligned the way Go's text/tabwriter aligns podman's output
 * (minimum width 12, padding 2, spaces).  */
#include "config.h"
#include "util/format.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/template-internal.h"

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

/* Go's text/tabwriter with podman's settings, over a finished buffer.  */

struct tw_cell
{
  const char *text;
  size_t len, width;
};

struct tw_line
{
  struct tw_cell *cells;
  size_t n;
  bool newline;
};

struct tabwriter
{
  struct tw_line *lines;
  size_t nlines;
  size_t *widths;
  size_t nwidths;
  FILE *out;
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

static void
tw_add_cell (struct tw_line *line, const char *text, size_t len)
{
  line->cells = realloc (line->cells, (line->n + 1) * sizeof *line->cells);
  if (line->cells == NULL)
    abort ();
  line->cells[line->n++] = (struct tw_cell){ text, len, utf8_width (text, len) };
}

static void
tw_split (struct tabwriter *tw, const char *buf, size_t len)
{
  size_t start = 0;
  struct tw_line *line = NULL;

  for (size_t i = 0; i <= len; i++)
    {
      if (line == NULL)
        {
          if (i == len)
            break; /* nothing after the last newline */
          tw->lines = realloc (tw->lines, (tw->nlines + 1) * sizeof *tw->lines);
          if (tw->lines == NULL)
            abort ();
          line = &tw->lines[tw->nlines++];
          memset (line, 0, sizeof *line);
        }
      if (i < len && buf[i] != '\t' && buf[i] != '\n')
        continue;
      tw_add_cell (line, buf + start, i - start);
      start = i + 1;
      if (i < len && buf[i] == '\n')
        {
          line->newline = true;
          line = NULL;
        }
    }
}

static void
tw_write_lines (struct tabwriter *tw, size_t line0, size_t line1)
{
  for (size_t i = line0; i < line1; i++)
    {
      const struct tw_line *line = &tw->lines[i];
      for (size_t j = 0; j < line->n; j++)
        {
          fwrite (line->cells[j].text, 1, line->cells[j].len, tw->out);
          if (j < tw->nwidths)
            fprintf (tw->out, "%*s", (int)(tw->widths[j] - line->cells[j].width), "");
        }
      if (line->newline)
        fputc ('\n', tw->out);
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
        if (tw->lines[this].cells[column].width + TABLE_PADDING > width)
          width = tw->lines[this].cells[column].width + TABLE_PADDING;
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
  struct tabwriter tw = { .out = out };
  size_t max_cells = 0;

  tw_split (&tw, buf, len);
  for (size_t i = 0; i < tw.nlines; i++)
    if (tw.lines[i].n > max_cells)
      max_cells = tw.lines[i].n;
  tw.widths = calloc (max_cells + 1, sizeof *tw.widths);
  if (tw.widths == NULL)
    abort ();
  tw_format (&tw, 0, tw.nlines);
  for (size_t i = 0; i < tw.nlines; i++)
    free (tw.lines[i].cells);
  free (tw.lines);
  free (tw.widths);
}

/* podman's NormalizeFormat: a record's output ends with a newline.  */
static char *
with_final_newline (const char *text)
{
  size_t n = strlen (text);
  bool has = (n >= 1 && text[n - 1] == '\n') || (n >= 2 && text[n - 2] == '\\' && text[n - 1] == 'n');
  char *r;

  if (asprintf (&r, "%s%s", text, has ? "" : "\n") < 0)
    abort ();
  return r;
}

static int
print_table (FILE *out, const char *body, json_object *items, json_object *headers, bool noheading,
             galley_error_t *err)
{
  _cleanup_template_ struct template *t = NULL;
  _cleanup_free_ char *text = with_final_newline (body);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  FILE *mem;
  int ret = 0;

  if (template_parse_flags (text, TEMPLATE_PARSE_TABLE, &t, err) < 0)
    return -1;
  mem = open_memstream (&buf, &len);
  if (mem == NULL)
    return galley_error_make (err, errno, "allocating output buffer");
  if (! noheading)
    ret = template_render_header (t, headers, mem, err);
  if (ret == 0 && json_object_is_type (items, json_type_array))
    {
      for (size_t i = 0; ret == 0 && i < json_object_array_length (items); i++)
        ret = template_render (t, json_object_array_get_idx (items, i), mem, err);
    }
  else if (ret == 0)
    ret = template_render (t, items, mem, err);
  fclose (mem);
  if (ret < 0)
    return -1;
  tabwriter_print (out, buf, len);
  return 0;
}

static int
print_template (FILE *out, const char *format, json_object *items, galley_error_t *err)
{
  _cleanup_template_ struct template *t = NULL;
  _cleanup_free_ char *text = with_final_newline (format);

  if (template_parse (text, &t, err) < 0)
    return -1;
  /* Like podman's EnforceRange: a template with its own {{range .}} gets the whole list.  */
  if (json_object_is_type (items, json_type_array) && ! template_ranges_over_dot (t))
    {
      for (size_t i = 0; i < json_object_array_length (items); i++)
        if (template_render (t, json_object_array_get_idx (items, i), out, err) < 0)
          return -1;
      return 0;
    }
  return template_render (t, items, out, err);
}

int
format_print (FILE *out, const char *format, const char *default_format, json_object *items,
              json_object *headers, bool noheading, galley_error_t *err)
{
  _cleanup_free_ char *table_default = NULL;

  if (format == NULL || *format == '\0')
    format = default_format;
  if (format == NULL || *format == '\0')
    format = "json";
  /* --format table: the command's default columns.  */
  if (strcmp (format, "table") == 0 && default_format != NULL)
    {
      if (strncmp (default_format, "table ", 6) == 0)
        format = default_format;
      else if (asprintf (&table_default, "table %s", default_format) >= 0)
        format = table_default;
    }
  if (format_is_json (format))
    {
      format_print_json (out, items, 4);
    }
  else if (strncmp (format, "table ", 6) == 0)
    {
      if (print_table (out, format + 6, items, headers, noheading, err) < 0)
        return -1;
    }
  else if (print_template (out, format, items, err) < 0)
    return -1;
  if (fflush (out) != 0 || ferror (out))
    return galley_error_make (err, errno, "writing output");
  return 0;
}

json_object *
format_headers (const struct format_header *table)
{
  json_object *h = json_object_new_object ();

  for (; table->field != NULL; table++)
    json_object_object_add (h, table->field, json_object_new_string (table->title));
  return h;
}
