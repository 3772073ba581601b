/* utf8.h - what a string from a peer or a user holds, character by
 * character, and how to show it so that it cannot act on the terminal or
 * the program that reads aping's output.  Pure code, no I/O.
 *
 * Every output format shows such strings (banners, names, reasons) by the
 * one decision of ap_utf8_class(): printable characters as they are;
 * control characters (C0, DEL, C1), the format characters that move or
 * reorder text (line and paragraph separators, bidi marks, embeddings,
 * overrides and isolates, the byte order mark), and every byte that is
 * not part of valid UTF-8 escaped.
 */
#ifndef AP_UTF8_H
#define AP_UTF8_H

#include <stddef.h>
#include <stdint.h>

enum ap_uclass {
  AP_U_PRINT = 0, /* printable: shown as it is */
  AP_U_CONTROL,   /* U+0000-U+001F, U+007F, U+0080-U+009F */
  AP_U_FORMAT,    /* U+061C, U+200E, U+200F, U+2028-U+202E, U+2066-U+2069,
                     U+FEFF */
  AP_U_INVALID    /* one byte that does not start valid UTF-8: a stray
                     continuation byte, an overlong form, a surrogate
                     (U+D800-U+DFFF), beyond U+10FFFF, a sequence cut
                     short */
};

/* The character that starts b (len > 0 bytes): sets *n to its length in
 * bytes (1 for an invalid byte) and *cp to its code point (the byte's
 * value for an invalid byte), and returns its enum ap_uclass. */
int ap_utf8_class(const uint8_t *b, size_t len, size_t *n, uint32_t *cp);

/* ap_utf8_escape() flags. */
#define AP_ESC_QUOTE 1 /* also '"' and '\\' as \" and \\ (a quoted string) */

/* Writes b as text: printable characters as they are; CR, LF and TAB as
 * \r, \n and \t; every byte of any other control character, of a format
 * character and of invalid UTF-8 as \xNN (lower-case hex); with
 * AP_ESC_QUOTE '"' and '\\' after a backslash.  Each byte takes at most 4
 * characters, so outlen = 4 * len + 1 always holds it all; with less, it
 * stops before the first character that does not fit, whole.  Always
 * NUL-terminates when outlen > 0.  Sets *used (if not NULL) to the bytes
 * of b written; returns the number of characters written, without the
 * NUL. */
size_t ap_utf8_escape(const uint8_t *b, size_t len, int flags, char *out,
                      size_t outlen, size_t *used);

/* Whether ap_utf8_escape() without flags would write s as it is. */
int ap_utf8_clean(const char *s);

#endif
