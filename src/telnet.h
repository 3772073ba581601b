/* telnet.h - the client side of Telnet option negotiation, as pure code.
 *
 * A Telnet server mixes commands (IAC ...) into its text and some servers
 * wait for answers to their option requests before they print a banner.
 * This state machine takes the bytes a server sent, in any split, and gives
 * back the text with every command removed, plus the replies to send: it
 * refuses every option (DO x -> WONT x, WILL x -> DONT x), answers each
 * request at most once per option so that two parties cannot loop, skips
 * subnegotiations (SB ... IAC SE) without storing them, turns IAC IAC into
 * a literal 0xFF and CR NUL into CR, and drops every other command.
 *
 * Its memory is fixed: the replies it can ever produce (one per option and
 * verb) fit in the reply buffer, so a server that floods requests cannot
 * make it queue more.
 */
#ifndef AP_TELNET_H
#define AP_TELNET_H

#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"

#define AP_TELNET_IAC 255
#define AP_TELNET_DONT 254
#define AP_TELNET_DO 253
#define AP_TELNET_WONT 252
#define AP_TELNET_WILL 251
#define AP_TELNET_SB 250
#define AP_TELNET_SE 240

/* A subnegotiation still open after this many bytes is abandoned: the
 * machine goes back to reading text, so a malformed one cannot swallow the
 * rest of a banner. */
#define AP_TELNET_SB_MAX 1024
/* Every reply it can ever make: WONT or DONT for each of 256 options. */
#define AP_TELNET_REPLY_MAX (2 * 256 * 3)

struct ap_telnet {
  uint8_t state;
  uint8_t verb;      /* WILL, WONT, DO or DONT awaiting its option byte */
  uint32_t sblen;    /* bytes of the subnegotiation so far */
  uint8_t wont[AP_BITMAP_BYTES(256)]; /* bit per option: DO answered */
  uint8_t dont[AP_BITMAP_BYTES(256)]; /* bit per option: WILL answered */
  uint64_t commands; /* IAC sequences seen, including those in SB */
  uint64_t sb_aborted; /* subnegotiations abandoned at AP_TELNET_SB_MAX */
  size_t nreply;     /* bytes in reply; only ever grows */
  uint8_t reply[AP_TELNET_REPLY_MAX];
};

void ap_telnet_init(struct ap_telnet *t);

/* Feeds the n bytes at in.  Text goes to out, which may be in itself (the
 * text is never longer than what was consumed): at most outcap bytes are
 * written, more text is dropped.  Replies are appended to t->reply.
 * Returns the number of text bytes written to out. */
size_t ap_telnet_feed(struct ap_telnet *t, const uint8_t *in, size_t n,
                      uint8_t *out, size_t outcap);

#endif
