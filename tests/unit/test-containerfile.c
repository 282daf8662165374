/* Unit tests for the Containerfile parser and cf_expand
 * (src/build/containerfile*.c).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "build/containerfile.h"
#include "util/cleanup.h"

static struct containerfile *
parse_ok (const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct containerfile *cf = NULL;

  if (containerfile_parse ("Containerfile", text, strlen (text), &cf, &err) < 0)
    fail_msg ("unexpected error for <<%s>>: %s", text, err->msg);
  assert_non_null (cf);
  return cf;
}

static void
check_error (const char *text, const char *expected_msg)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct containerfile *cf = NULL;

  if (containerfile_parse ("Containerfile", text, strlen (text), &cf, &err) == 0)
    fail_msg ("expected an error for <<%s>>", text);
  assert_null (cf);
  assert_non_null (err);
  assert_string_equal (err->msg, expected_msg);
  assert_int_equal (galley_error_errno (&err), EINVAL);
}

/* The only instruction of the first stage.  */
static const struct cf_instruction *
only (const struct containerfile *cf)
{
  assert_int_equal (cf->n_stages, 1);
  assert_int_equal (cf->stages[0].n_instructions, 1);
  return &cf->stages[0].instructions[0];
}

static void
assert_args (const struct cf_instruction *in, size_t n, ...)
{
  va_list ap;
  size_t i;

  if (in->n_args != n)
    fail_msg ("%s: %zu args, expected %zu", in->text, in->n_args, n);
  va_start (ap, n);
  for (i = 0; i < n; i++)
    assert_string_equal (in->args[i], va_arg (ap, const char *));
  va_end (ap);
  assert_null (in->args == NULL ? NULL : in->args[n]);
}

static const char *
flag (const struct cf_instruction *in, const char *name)
{
  size_t i;

  for (i = 0; i < in->n_flags; i++)
    if (strcmp (in->flags[i].name, name) == 0)
      return in->flags[i].value;
  return NULL;
}

static void
test_stages (void **state)
{
  struct containerfile *cf = parse_ok ("ARG BASE=busybox\n"
                                       "ARG TAG\n"
                                       "from --platform=linux/arm64 $BASE:${TAG:-latest} AS Builder\n"
                                       "RUN make\n"
                                       "\n"
                                       "FROM scratch\n"
                                       "COPY --from=builder /out /\n"
                                       "FROM builder as final-1.x\n");

  (void)state;
  assert_int_equal (cf->n_global_args, 2);
  assert_args (&cf->global_args[0], 1, "BASE=busybox");
  assert_int_equal (cf->global_args[1].line, 2);
  assert_int_equal (cf->n_stages, 3);
  assert_string_equal (cf->stages[0].base, "$BASE:${TAG:-latest}");
  assert_string_equal (cf->stages[0].name, "builder");
  assert_string_equal (cf->stages[0].platform, "linux/arm64");
  assert_int_equal (cf->stages[0].line, 3);
  assert_int_equal (cf->stages[0].n_instructions, 1);
  assert_int_equal (cf->stages[0].instructions[0].kind, CF_RUN);
  assert_int_equal (cf->stages[0].instructions[0].line, 4);
  assert_string_equal (cf->stages[1].base, "scratch");
  assert_null (cf->stages[1].name);
  assert_null (cf->stages[1].platform);
  assert_int_equal (cf->stages[1].index, 1);
  assert_string_equal (flag (&cf->stages[1].instructions[0], "from"), "builder");
  assert_string_equal (cf->stages[2].name, "final-1.x");
  assert_int_equal (cf->stages[2].n_instructions, 0);

  assert_int_equal (containerfile_stage_index (cf, "builder", 1), 0);
  assert_int_equal (containerfile_stage_index (cf, "BUILDER", 2), 0);
  assert_int_equal (containerfile_stage_index (cf, "builder", 0), -1);
  assert_int_equal (containerfile_stage_index (cf, "1", 2), 1);
  assert_int_equal (containerfile_stage_index (cf, "1", 1), -1);
  assert_int_equal (containerfile_stage_index (cf, "final-1.x", 3), 2);
  assert_int_equal (containerfile_stage_index (cf, "final-1.x", 99), 2);
  assert_int_equal (containerfile_stage_index (cf, "busybox", 3), -1);
  assert_int_equal (containerfile_stage_index (cf, "99999999999999999999999", 3), -1);
  containerfile_free (cf);
}

static void
test_continuations_and_comments (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "# a comment\n"
                                       "  # indented comment\n"
                                       "RUN apt-get update && \\\n"
                                       "# comment inside\n"
                                       "\n"
                                       "    apt-get install -y \\   \n"
                                       "\tcurl\n"
                                       "run\techo  \"a # not a comment\"  \r\n"
                                       "RUN echo \\\\\n"
                                       "  next\n");
  const struct cf_stage *st = &cf->stages[0];

  (void)state;
  assert_int_equal (st->n_instructions, 3);
  assert_int_equal (st->instructions[0].line, 4);
  assert_args (&st->instructions[0], 1, "apt-get update &&     apt-get install -y \tcurl");
  assert_string_equal (st->instructions[0].text, "RUN apt-get update &&     apt-get install -y \tcurl");
  assert_false (st->instructions[0].exec_form);
  assert_int_equal (st->instructions[1].line, 9);
  assert_args (&st->instructions[1], 1, "echo  \"a # not a comment\"");
  /* As Docker: a trailing escape character always continues the line.  */
  assert_args (&st->instructions[2], 1, "echo \\  next");
  containerfile_free (cf);
}

static void
test_directives (void **state)
{
  struct containerfile *cf = parse_ok ("# syntax=docker/dockerfile:1\n"
                                       "#escape = `\n"
                                       "FROM x\n"
                                       "RUN dir c:\\ `\n"
                                       "  && echo ok\n"
                                       "# escape=\\\n"
                                       "COPY a \\\n");

  (void)state;
  assert_int_equal (cf->stages[0].n_instructions, 2);
  assert_args (&cf->stages[0].instructions[0], 1, "dir c:\\   && echo ok");
  /* Not at the top: an ordinary comment, so ` is still the escape.  */
  assert_args (&cf->stages[0].instructions[1], 2, "a", "\\");
  containerfile_free (cf);

  check_error ("# escape=x\nFROM x\n", "Containerfile:1: invalid escape token 'x' does not match ` or \\");
  check_error ("# escape=`\n# escape=\\\nFROM x\n",
               "Containerfile:2: only one escape parser directive can be used");
  /* A directive after an unknown one is a comment.  */
  cf = parse_ok ("# foo=bar\n# escape=`\nFROM x\nRUN a \\\n b\n");
  assert_args (only (cf), 1, "a  b");
  containerfile_free (cf);
  /* A BOM before the first directive is skipped.  */
  cf = parse_ok ("\xef\xbb\xbf# escape=`\nFROM x\nRUN a `\n b\n");
  assert_args (only (cf), 1, "a  b");
  containerfile_free (cf);
}

static void
test_exec_and_shell_forms (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "CMD [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\"]\n"
                                       "ENTRYPOINT [ ]\n"
                                       "RUN [ -f /etc/passwd ] && echo yes\n"
                                       "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                                       "CMD []\n"
                                       "RUN [\"a\" ]\n"
                                       "ENTRYPOINT exec top -b\n");
  const struct cf_instruction *in = cf->stages[0].instructions;

  (void)state;
  assert_true (in[0].exec_form);
  assert_args (&in[0], 3, "/bin/sh", "-c", "echo \"hi\" \xc3\xa9");
  assert_true (in[1].exec_form);
  assert_int_equal (in[1].n_args, 0);
  assert_false (in[2].exec_form);
  assert_args (&in[2], 1, "[ -f /etc/passwd ] && echo yes");
  assert_true (in[3].exec_form);
  assert_args (&in[3], 4, "/bin/bash", "-o", "pipefail", "-c");
  assert_true (in[4].exec_form);
  assert_int_equal (in[4].n_args, 0);
  assert_true (in[5].exec_form);
  assert_args (&in[5], 1, "a");
  assert_args (&in[6], 1, "exec top -b");
  containerfile_free (cf);

  check_error ("FROM x\nCMD [\"a\", \"b\"\n", "Containerfile:2: CMD: bad JSON in exec form: [\"a\", \"b\"");
  /* Not an array of strings: only an exec form could start with '["'.  */
  check_error ("FROM x\nRUN [\"a\", 1]\n", "Containerfile:2: RUN: bad JSON in exec form: [\"a\", 1]");
  check_error ("FROM x\nSHELL /bin/sh -c\n", "Containerfile:2: SHELL: bad JSON in exec form: /bin/sh -c");
  check_error ("FROM x\nSHELL []\n", "Containerfile:2: SHELL requires at least one argument");
  check_error ("FROM x\nRUN []\n", "Containerfile:2: RUN requires at least one argument");
  check_error ("FROM x\nRUN\n", "Containerfile:2: RUN requires at least one argument");
}

static void
test_env_label_arg (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "ENV A=1 B=\"two words\" C='$lit' D=a\\ b E=\n"
                                       "ENV LEGACY  value with  spaces\n"
                                       "LABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0\n"
                                       "LABEL description \"multi word\"\n"
                                       "ARG A B=2 C=\"x y\"\n"
                                       "env lower=case\n");
  const struct cf_instruction *in = cf->stages[0].instructions;

  (void)state;
  assert_args (&in[0], 10, "A", "1", "B", "\"two words\"", "C", "'$lit'", "D", "a\\ b", "E", "");
  assert_args (&in[1], 2, "LEGACY", "value with  spaces");
  assert_args (&in[2], 4, "\"com.example.vendor\"", "\"ACME Inc\"", "version", "1.0");
  assert_args (&in[3], 2, "description", "\"multi word\"");
  assert_int_equal (in[4].kind, CF_ARG);
  assert_args (&in[4], 3, "A", "B=2", "C=\"x y\"");
  assert_int_equal (in[5].kind, CF_ENV);
  containerfile_free (cf);

  check_error ("FROM x\nENV\n", "Containerfile:2: ENV requires at least one argument");
  check_error ("FROM x\nENV A\n",
               "Containerfile:2: ENV must have two arguments (ENV NAME VALUE or ENV NAME=VALUE)");
  check_error ("FROM x\nENV A=1 B\n",
               "Containerfile:2: ENV: can't find = in \"B\"; it must be of the form NAME=VALUE");
  check_error ("FROM x\nLABEL =x\n", "Containerfile:2: LABEL names can not be blank");
  check_error ("FROM x\nARG =x\n", "Containerfile:2: ARG names can not be blank");
  check_error ("FROM x\nARG\n", "Containerfile:2: ARG requires at least one argument");
}

static void
test_simple_instructions (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "WORKDIR /my dir\n"
                                       "USER 1000:1000\n"
                                       "EXPOSE 80/tcp  443\n"
                                       "VOLUME /a /b\n"
                                       "VOLUME [\"/c d\"]\n"
                                       "STOPSIGNAL SIGKILL\n"
                                       "MAINTAINER Jane Doe <jane@example.com>\n"
                                       "COPY --chown=1:2 --chmod=0755 --link a b* /dst/\n"
                                       "ADD [\"a b\", \"/dst\"]\n"
                                       "ADD --link=False --checksum=sha256:00 http://x/y /z\n");
  const struct cf_instruction *in = cf->stages[0].instructions;

  (void)state;
  assert_int_equal (cf->stages[0].n_instructions, 10);
  assert_args (&in[0], 1, "/my dir");
  assert_args (&in[1], 1, "1000:1000");
  assert_args (&in[2], 2, "80/tcp", "443");
  assert_args (&in[3], 2, "/a", "/b");
  assert_true (in[4].exec_form);
  assert_args (&in[4], 1, "/c d");
  assert_args (&in[5], 1, "SIGKILL");
  assert_int_equal (in[6].kind, CF_MAINTAINER);
  assert_args (&in[6], 1, "Jane Doe <jane@example.com>");
  assert_int_equal (in[7].kind, CF_COPY);
  assert_int_equal (in[7].n_flags, 3);
  assert_string_equal (flag (&in[7], "chown"), "1:2");
  assert_string_equal (flag (&in[7], "chmod"), "0755");
  assert_string_equal (flag (&in[7], "link"), "true");
  assert_args (&in[7], 3, "a", "b*", "/dst/");
  assert_string_equal (in[7].text, "COPY --chown=1:2 --chmod=0755 --link a b* /dst/");
  assert_args (&in[8], 2, "a b", "/dst");
  assert_string_equal (flag (&in[9], "link"), "false");
  assert_string_equal (flag (&in[9], "checksum"), "sha256:00");
  containerfile_free (cf);

  check_error ("FROM x\nCOPY a\n",
               "Containerfile:2: COPY requires at least two arguments (sources and a destination)");
  check_error ("FROM x\nWORKDIR\n", "Containerfile:2: WORKDIR requires exactly one argument");
  check_error ("FROM x\nEXPOSE\n", "Containerfile:2: EXPOSE requires at least one argument");
  check_error ("FROM x\nVOLUME [\"\"]\n", "Containerfile:2: VOLUME: an argument can not be an empty string");
}

static void
test_flags (void **state)
{
  struct containerfile *cf = parse_ok (
      "FROM x\n"
      "RUN --mount=type=cache,target=/root/.cache --mount=type=bind,src=\"a b\" --network=none make\n"
      "RUN --network=host -- --not-a-flag\n"
      "COPY --from=build --chown=\"app user\" -- --dashed /d\n");
  const struct cf_instruction *in = cf->stages[0].instructions;

  (void)state;
  assert_int_equal (in[0].n_flags, 3);
  assert_string_equal (in[0].flags[0].name, "mount");
  assert_string_equal (in[0].flags[0].value, "type=cache,target=/root/.cache");
  assert_string_equal (in[0].flags[1].value, "type=bind,src=a b");
  assert_string_equal (flag (&in[0], "network"), "none");
  assert_args (&in[0], 1, "make");
  assert_args (&in[1], 1, "--not-a-flag");
  assert_string_equal (flag (&in[2], "chown"), "app user");
  assert_args (&in[2], 2, "--dashed", "/d");
  containerfile_free (cf);

  check_error ("FROM x\nCOPY --network=none a b\n", "Containerfile:2: flag --network is not allowed on COPY");
  check_error ("FROM x\nENV --x=1 A=b\n", "Containerfile:2: flag --x is not allowed on ENV");
  check_error ("FROM --from=a x\n", "Containerfile:1: flag --from is not allowed on FROM");
  check_error ("FROM x\nCOPY --from=a --from=b a b\n", "Containerfile:2: duplicate flag --from");
  check_error ("FROM x\nCOPY --from a b\n", "Containerfile:2: flag --from needs a value (--from=...)");
  check_error ("FROM x\nCOPY --link=maybe a b\n",
               "Containerfile:2: flag --link expects true or false, not \"maybe\"");
}

static void
test_healthcheck (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s "
                                       "--retries=3 CMD curl -f http://localhost/\n"
                                       "HEALTHCHECK NONE\n"
                                       "healthcheck cmd [\"/bin/check\", \"-q\"]\n");
  const struct cf_instruction *in = cf->stages[0].instructions;
  int64_t ns;

  (void)state;
  assert_args (&in[0], 1, "curl -f http://localhost/");
  assert_false (in[0].exec_form);
  assert_string_equal (flag (&in[0], "interval"), "5m");
  assert_string_equal (flag (&in[0], "retries"), "3");
  assert_int_equal (in[1].n_args, 0);
  assert_true (in[2].exec_form);
  assert_args (&in[2], 2, "/bin/check", "-q");
  containerfile_free (cf);

  assert_int_equal (cf_parse_duration ("1m30s", &ns), 0);
  assert_true (ns == 90000000000LL);
  assert_int_equal (cf_parse_duration ("1.5h", &ns), 0);
  assert_true (ns == 5400000000000LL);
  assert_int_equal (cf_parse_duration ("250ms", &ns), 0);
  assert_true (ns == 250000000LL);
  assert_int_equal (cf_parse_duration ("0", &ns), 0);
  assert_true (ns == 0);
  assert_int_equal (cf_parse_duration ("10", &ns), -1);
  assert_int_equal (cf_parse_duration ("1e3s", &ns), -1);
  assert_int_equal (cf_parse_duration ("", &ns), -1);
  assert_int_equal (cf_parse_duration ("s", &ns), -1);

  check_error ("FROM x\nHEALTHCHECK\n",
               "Containerfile:2: HEALTHCHECK requires at least one argument (CMD ... or NONE)");
  check_error ("FROM x\nHEALTHCHECK NONE x\n", "Containerfile:2: HEALTHCHECK NONE takes no arguments");
  check_error ("FROM x\nHEALTHCHECK RUN x\n",
               "Containerfile:2: unknown type \"RUN\" in HEALTHCHECK (try CMD)");
  check_error ("FROM x\nHEALTHCHECK CMD\n", "Containerfile:2: HEALTHCHECK CMD requires a command");
  check_error ("FROM x\nHEALTHCHECK --interval=5 CMD x\n",
               "Containerfile:2: HEALTHCHECK --interval: bad duration \"5\"");
  check_error ("FROM x\nHEALTHCHECK --timeout=1us CMD x\n",
               "Containerfile:2: HEALTHCHECK --timeout cannot be less than 1ms");
  check_error ("FROM x\nHEALTHCHECK --retries=-1 CMD x\n",
               "Containerfile:2: HEALTHCHECK --retries: not a non-negative number: \"-1\"");
}

static void
test_onbuild (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "ONBUILD COPY --chown=1 . /app\n"
                                       "onbuild run [\"make\"]\n");
  const struct cf_instruction *in = cf->stages[0].instructions;
  struct cf_instruction *trigger = NULL;

  (void)state;
  assert_int_equal (in[0].kind, CF_ONBUILD);
  assert_non_null (in[0].onbuild);
  assert_int_equal (in[0].onbuild->kind, CF_COPY);
  assert_string_equal (in[0].onbuild->text, "COPY --chown=1 . /app");
  assert_string_equal (flag (in[0].onbuild, "chown"), "1");
  assert_args (in[0].onbuild, 2, ".", "/app");
  assert_true (in[1].onbuild->exec_form);
  assert_args (in[1].onbuild, 1, "make");
  containerfile_free (cf);

  check_error ("FROM x\nONBUILD ONBUILD RUN x\n", "Containerfile:2: ONBUILD ONBUILD isn't allowed");
  check_error ("FROM x\nONBUILD FROM y\n", "Containerfile:2: FROM isn't allowed as an ONBUILD trigger");
  check_error ("FROM x\nONBUILD MAINTAINER me\n",
               "Containerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger");
  check_error ("FROM x\nONBUILD\n", "Containerfile:2: ONBUILD requires at least one argument");
  check_error ("FROM x\nONBUILD BOGUS\n", "Containerfile:2: unknown instruction: BOGUS");
  check_error ("FROM x\nONBUILD RUN <<EOF\nx\nEOF\n",
               "Containerfile:2: heredocs are not supported in ONBUILD triggers");

  assert_int_equal (cf_parse_trigger ("ONBUILD", "RUN echo hi", &trigger, &err), 0);
  assert_int_equal (trigger->kind, CF_RUN);
  assert_args (trigger, 1, "echo hi");
  cf_instruction_free (trigger);
  assert_int_equal (cf_parse_trigger ("ONBUILD", "FROM x", &trigger, &err), -1);
  assert_null (trigger);
  assert_string_equal (err->msg, "ONBUILD:1: FROM isn't allowed as an ONBUILD trigger");
}

static void
test_heredocs (void **state)
{
  struct containerfile *cf = parse_ok ("FROM x\n"
                                       "RUN <<EOF\n"
                                       "echo $HOME \\\n"
                                       "  more\n"
                                       "EOF\n"
                                       "RUN <<-'END' cat >/a && 3<<\"B\" cat >/b\n"
                                       "\t\tindented $x\n"
                                       "\tEND\n"
                                       "\tsecond\n"
                                       "B\n"
                                       "COPY --chmod=0644 <<conf.txt /etc/conf.txt\n"
                                       "key=value\n"
                                       "conf.txt\n"
                                       "RUN echo done <<<here-string\n"
                                       "RUN [\"cat\", \"<<EOF\"]\n");
  const struct cf_instruction *in = cf->stages[0].instructions;
  _cleanup_free_ char *script = NULL;

  (void)state;
  assert_int_equal (cf->stages[0].n_instructions, 5);
  assert_args (&in[0], 1, "<<EOF");
  assert_int_equal (in[0].n_heredocs, 1);
  assert_string_equal (in[0].heredocs[0].name, "EOF");
  assert_string_equal (in[0].heredocs[0].content, "echo $HOME \\\n  more\n");
  assert_true (in[0].heredocs[0].expand);
  assert_false (in[0].heredocs[0].chomp);
  assert_ptr_equal (cf_heredoc_for_word (&in[0], in[0].args[0]), &in[0].heredocs[0]);

  assert_int_equal (in[1].line, 6);
  assert_int_equal (in[1].n_heredocs, 2);
  assert_string_equal (in[1].heredocs[0].name, "END");
  assert_true (in[1].heredocs[0].chomp);
  assert_false (in[1].heredocs[0].expand);
  assert_string_equal (in[1].heredocs[0].content, "indented $x\n");
  assert_string_equal (in[1].heredocs[1].name, "B");
  assert_false (in[1].heredocs[1].chomp);
  assert_false (in[1].heredocs[1].expand);
  assert_string_equal (in[1].heredocs[1].content, "\tsecond\n");
  script = cf_run_heredoc_script (&in[1]);
  assert_string_equal (script, "<<-'END' cat >/a && 3<<\"B\" cat >/b\nindented $x\nEND\n\tsecond\nB\n");
  assert_null (cf_heredoc_for_word (&in[1], "cat"));

  assert_int_equal (in[2].kind, CF_COPY);
  assert_args (&in[2], 2, "<<conf.txt", "/etc/conf.txt");
  assert_string_equal (in[2].heredocs[0].content, "key=value\n");
  assert_ptr_equal (cf_heredoc_for_word (&in[2], "<<conf.txt"), &in[2].heredocs[0]);
  assert_null (cf_heredoc_for_word (&in[2], "/etc/conf.txt"));
  assert_int_equal (in[3].n_heredocs, 0);
  assert_int_equal (in[4].n_heredocs, 0);
  assert_int_equal (in[4].line, 15);
  containerfile_free (cf);

  /* Empty heredoc; a delimiter with a trailing \r (CRLF files).  */
  cf = parse_ok ("FROM x\r\nRUN <<EOF\r\nEOF\r\nCMD x\r\n");
  assert_string_equal (cf->stages[0].instructions[0].heredocs[0].content, "");
  assert_args (&cf->stages[0].instructions[1], 1, "x");
  containerfile_free (cf);

  /* Not RUN/COPY/ADD: no heredoc.  */
  cf = parse_ok ("FROM x\nCMD cat <<EOF\n");
  assert_int_equal (only (cf)->n_heredocs, 0);
  containerfile_free (cf);

  check_error ("FROM x\nRUN cat <<EOF\nline\nEO\n",
               "Containerfile:2: unterminated heredoc EOF (no line \"EOF\" before the end of the file)");
  check_error ("FROM x\nRUN <<A <<B\nA\n",
               "Containerfile:2: unterminated heredoc B (no line \"B\" before the end of the file)");
}

static void
test_errors (void **state)
{
  (void)state;
  check_error ("", "Containerfile: no FROM instruction: nothing to build");
  check_error ("# only a comment\n\n", "Containerfile: no FROM instruction: nothing to build");
  check_error ("ARG x\n", "Containerfile: no FROM instruction: nothing to build");
  check_error ("RUN x\nFROM y\n",
               "Containerfile:1: RUN before the first FROM (only ARG may come before FROM)");
  check_error ("FROM x\n\n  FOO bar\n", "Containerfile:3: unknown instruction: FOO");
  check_error ("FROM\n",
               "Containerfile:1: FROM requires either one or three arguments (FROM IMAGE [AS NAME])");
  check_error ("FROM a b\n",
               "Containerfile:1: FROM requires either one or three arguments (FROM IMAGE [AS NAME])");
  check_error ("FROM a IS b\n",
               "Containerfile:1: FROM requires either one or three arguments (FROM IMAGE [AS NAME])");
  check_error ("FROM a AS 1st\n", "Containerfile:1: invalid name for build stage: \"1st\", name can't start "
                                  "with a number or contain symbols");
  check_error ("FROM a AS b\nFROM c AS B\n", "Containerfile:2: duplicate stage name \"b\" (first at line 1)");
  check_error ("FROM x\nRUN a \\\n  b \\\n  c\nFOO\n", "Containerfile:5: unknown instruction: FOO");
  {
    static const char nul[] = "FROM x\nRUN a\0b\n";
    _cleanup_error_ galley_error_t err = NULL;
    struct containerfile *cf = NULL;
    assert_int_equal (containerfile_parse ("Containerfile", nul, sizeof nul - 1, &cf, &err), -1);
    assert_string_equal (err->msg, "Containerfile:2: NUL byte in the file");
  }
}

static void
test_end_of_file (void **state)
{
  struct containerfile *cf;

  (void)state;
  /* No final newline; a continuation at the very end.  */
  cf = parse_ok ("FROM x\nRUN a \\");
  assert_args (only (cf), 1, "a");
  containerfile_free (cf);
  cf = parse_ok ("FROM x\nRUN a \\\n\n# c\n");
  assert_args (only (cf), 1, "a");
  containerfile_free (cf);
  cf = parse_ok ("FROM x\n \\\n");
  assert_int_equal (cf->stages[0].n_instructions, 0);
  containerfile_free (cf);
}

static void
expect_expand (const char *word, char *const *env, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *out = NULL;

  if (cf_expand (word, env, &out, &err) < 0)
    fail_msg ("cf_expand (%s): %s", word, err->msg);
  assert_string_equal (out, expected);
}

static void
expect_expand_error (const char *word, char *const *env, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  char *out = NULL;

  assert_int_equal (cf_expand (word, env, &out, &err), -1);
  assert_null (out);
  assert_string_equal (err->msg, expected);
}

static void
test_expand (void **state)
{
  char *env[] = {
    "A=apple", "EMPTY=", "B=old", "PATH_1=/usr/bin", "B=banana", "S=a b", "F=file.tar.gz", NULL
  };

  (void)state;
  expect_expand ("plain", env, "plain");
  expect_expand ("$A", env, "apple");
  expect_expand ("${A}s", env, "apples");
  expect_expand ("$B", env, "banana"); /* the last one wins */
  expect_expand ("$PATH_1:$NOPE:x", env, "/usr/bin::x");
  expect_expand ("$Ax", env, "");
  expect_expand ("${NOPE:-def}", env, "def");
  expect_expand ("${EMPTY:-def}", env, "def");
  expect_expand ("${EMPTY-def}", env, "");
  expect_expand ("${NOPE-def}", env, "def");
  expect_expand ("${A:-def}", env, "apple");
  expect_expand ("${A:+alt}", env, "alt");
  expect_expand ("${EMPTY:+alt}", env, "");
  expect_expand ("${EMPTY+alt}", env, "alt");
  expect_expand ("${NOPE+alt}", env, "");
  expect_expand ("${NOPE:-${A:-x}-y}", env, "apple-y");
  expect_expand ("${NOPE:-'${A}'}", env, "${A}");
  expect_expand ("${F%.*}", env, "file.tar");
  expect_expand ("${F%%.*}", env, "file");
  expect_expand ("${F#*.}", env, "tar.gz");
  expect_expand ("${F##*.}", env, "gz");
  expect_expand ("${F#nomatch}", env, "file.tar.gz");
  expect_expand ("$", env, "$");
  expect_expand ("a$", env, "a$");
  expect_expand ("$-x", env, "x");
  expect_expand ("$1x", env, "x");
  expect_expand ("\\$A", env, "$A");
  expect_expand ("\\\\$A", env, "\\apple");
  expect_expand ("a\\ b", env, "a b");
  expect_expand ("'$A \\n'", env, "$A \\n");
  expect_expand ("\"$A \\$A \\\" \\n\"", env, "apple $A \" \\n");
  expect_expand ("\"${S}\"", env, "a b");
  expect_expand ("x\\", env, "x");
  expect_expand ("", env, "");
  expect_expand ("$A", NULL, "");

  expect_expand_error (
      "'open", env,
      "expanding \"'open\": unexpected end of statement while looking for matching single-quote");
  expect_expand_error (
      "\"open", env,
      "expanding \"\"open\": unexpected end of statement while looking for matching double-quote");
  expect_expand_error ("${A", env, "expanding \"${A\": syntax error: missing '}'");
  expect_expand_error ("${A:-x", env, "expanding \"${A:-x\": syntax error: missing '}'");
  expect_expand_error ("${", env, "expanding \"${\": syntax error: missing '}'");
  expect_expand_error ("${}", env, "expanding \"${}\": syntax error: bad substitution");
  expect_expand_error ("${:-x}", env, "expanding \"${:-x}\": syntax error: bad substitution");
  expect_expand_error ("${A/x/y}", env, "expanding \"${A/x/y}\": unsupported modifier (/) in substitution");
  expect_expand_error ("${A:#x}", env, "expanding \"${A:#x}\": unsupported modifier (:#) in substitution");
  expect_expand_error ("${NOPE?}", env, "expanding \"${NOPE?}\": NOPE: is not allowed to be unset");
  expect_expand_error ("${EMPTY:?must be set}", env,
                       "expanding \"${EMPTY:?must be set}\": EMPTY: must be set");
  expect_expand ("${EMPTY?}", env, "");
}

static void
test_expand_heredoc (void **state)
{
  char *env[] = { "FOO=bar", NULL };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *out = NULL, *out2 = NULL;

  (void)state;
  assert_int_equal (cf_expand_heredoc ("echo \"hello ${FOO}\" 'it''s' \\$FOO $FOO\n", env, &out, &err), 0);
  assert_string_equal (out, "echo \"hello bar\" 'it''s' \\$FOO bar\n");
  assert_int_equal (cf_expand_heredoc ("${FOO", env, &out2, &err), -1);
  assert_null (out2);
}

static void
test_expand_deep (void **state)
{
  size_t depths[] = { 100, 10000 }, d, i;

  (void)state;
  for (d = 0; d < 2; d++)
    {
      _cleanup_error_ galley_error_t err = NULL;
      _cleanup_free_ char *word = malloc (depths[d] * 5 + 2), *out = NULL;
      char *p = word;

      for (i = 0; i < depths[d]; i++)
        p = stpcpy (p, "${a:-");
      *p = '\0';
      assert_int_equal (cf_expand (word, NULL, &out, &err), -1);
      assert_null (out);
      /* One line of bounded length whatever the word.  */
      assert_true (strlen (err->msg) <= 1024);
      if (d == 0)
        assert_non_null (strstr (err->msg, "nested too deeply"));
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_stages),        cmocka_unit_test (test_continuations_and_comments),
    cmocka_unit_test (test_directives),    cmocka_unit_test (test_exec_and_shell_forms),
    cmocka_unit_test (test_env_label_arg), cmocka_unit_test (test_simple_instructions),
    cmocka_unit_test (test_flags),         cmocka_unit_test (test_healthcheck),
    cmocka_unit_test (test_onbuild),       cmocka_unit_test (test_heredocs),
    cmocka_unit_test (test_errors),        cmocka_unit_test (test_end_of_file),
    cmocka_unit_test (test_expand),        cmocka_unit_test (test_expand_heredoc),
    cmocka_unit_test (test_expand_deep),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
