/* banner.h - what a service says first: when it is complete, and how to
 * show it.  Pure code, no I/O.
 */
#ifndef AP_BANNER_H
#define AP_BANNER_H

#include <stddef.h>
#include <stdint.h>

/* Removes leading and trailing blanks, line breaks and NULs: returns the
 * offset of the first byte kept and sets *len to the number kept. */
size_t ap_banner_trim(const uint8_t *b, size_t *len);

/* 1 when b holds a complete line with more than blanks in it: the end of
 * an SSH, SMTP or FTP style greeting ("SSH-2.0-x\r\n", "220 ready\n"). */
int ap_banner_line_done(const uint8_t *b, size_t len);

/* 1 when b ends in a prompt: its last line (after the last CR or LF) is
 * not blank and ends in ':', '>', '#', '$' or '%', then optional blanks
 * ("host login: ", "Password:", "switch>", "root# "). */
int ap_banner_prompt(const uint8_t *b, size_t len);

/* Writes b as text for a double-quoted string: ap_utf8_escape() with
 * AP_ESC_QUOTE (printable UTF-8 as it is, '"' and '\\' after a
 * backslash, CR, LF and TAB as \r \n \t, every byte of other controls,
 * of format characters and of invalid UTF-8 as \xNN).  outlen = 4 * len
 * + 1 always holds it all; with less, it stops before the first character
 * that does not fit.  Always NUL-terminates when outlen > 0.  Returns the
 * number of characters written, without the NUL. */
size_t ap_banner_escape(const uint8_t *b, size_t len, char *out,
                        size_t outlen);

#endif
