/* UTF-8 encoding and decoding of single code points, for the parsers and
 * printers that handle escapes (templates, TOML).  */
#ifndef GALLEY_UTF8_H
#define GALLEY_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The bytes of cp (<= 0x10ffff) into out; returns how many (1 to 4).  */
size_t utf8_encode (uint32_t cp, char out[4]);

/* The code point of the sequence at s (n > 0 bytes available) and its
 * length in *len; U+FFFD with *len 1 for a byte that starts no valid
 * sequence (an overlong form, a surrogate, past U+10FFFF), as Go's
 * utf8.DecodeRune.  */
uint32_t utf8_decode (const char *s, size_t n, size_t *len);

#endif
