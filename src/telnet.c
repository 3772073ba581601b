/* telnet.c - see telnet.h. */
#include "telnet.h"

#include <string.h>

enum {
  TN_DATA = 0, /* text */
  TN_CR,       /* text, just after a CR: a NUL here is dropped */
  TN_IAC,      /* after IAC */
  TN_OPT,      /* after IAC WILL/WONT/DO/DONT: the option byte is next */
  TN_SB,       /* inside a subnegotiation */
  TN_SB_IAC    /* IAC inside a subnegotiation */
};

void ap_telnet_init(struct ap_telnet *t) {
  memset(t, 0, sizeof(*t));
  t->state = TN_DATA;
}

static int test_and_set(uint8_t *bits, uint8_t opt) {
  int was = ap_bit_get(bits, opt);

  ap_bit_set(bits, opt);
  return was;
}

/* Refuses what the server asks or offers, once per option and verb.  A
 * WONT or DONT from the server needs no answer: we never enable anything,
 * so it only confirms the state we are in. */
static void answer(struct ap_telnet *t, uint8_t verb, uint8_t opt) {
  uint8_t reply;

  if (verb == AP_TELNET_DO && !test_and_set(t->wont, opt))
    reply = AP_TELNET_WONT;
  else if (verb == AP_TELNET_WILL && !test_and_set(t->dont, opt))
    reply = AP_TELNET_DONT;
  else
    return;
  /* Each (verb, option) pair is answered once, so this always fits. */
  if (t->nreply + 3 > sizeof(t->reply))
    return;
  t->reply[t->nreply++] = AP_TELNET_IAC;
  t->reply[t->nreply++] = reply;
  t->reply[t->nreply++] = opt;
}

/* The byte after an IAC, outside a subnegotiation.  Returns 1 when it
 * stands for a literal 0xFF. */
static int command(struct ap_telnet *t, uint8_t c) {
  t->commands++;
  switch (c) {
  case AP_TELNET_IAC:
    t->state = TN_DATA;
    return 1;
  case AP_TELNET_WILL:
  case AP_TELNET_WONT:
  case AP_TELNET_DO:
  case AP_TELNET_DONT:
    t->verb = c;
    t->state = TN_OPT;
    return 0;
  case AP_TELNET_SB:
    t->sblen = 0;
    t->state = TN_SB;
    return 0;
  default: /* NOP, GA, DM, a stray SE, or not a command at all */
    t->state = TN_DATA;
    return 0;
  }
}

/* One byte inside a subnegotiation, which is skipped, not stored. */
static void subneg(struct ap_telnet *t, uint8_t c) {
  if (t->state == TN_SB_IAC) {
    if (c == AP_TELNET_IAC) { /* an escaped 0xFF in the parameters */
      t->state = TN_SB;
    } else if (c == AP_TELNET_SE) {
      t->state = TN_DATA;
    } else {
      /* A command without the SE that should end the subnegotiation:
       * take the subnegotiation as ended and obey the command. */
      t->commands--;
      (void) command(t, c);
    }
    return;
  }
  if (c == AP_TELNET_IAC) {
    t->commands++;
    t->state = TN_SB_IAC;
  } else if (++t->sblen >= AP_TELNET_SB_MAX) {
    t->sb_aborted++;
    t->state = TN_DATA;
  }
}

size_t ap_telnet_feed(struct ap_telnet *t, const uint8_t *in, size_t n,
                      uint8_t *out, size_t outcap) {
  size_t i, nout = 0;
  int text;
  uint8_t c;

  for (i = 0; i < n; i++) {
    c = in[i];
    text = 0;
    if (t->state == TN_CR) {
      t->state = TN_DATA;
      if (c == 0)
        continue;
    }
    switch (t->state) {
    case TN_DATA:
      if (c == AP_TELNET_IAC) {
        t->state = TN_IAC;
      } else {
        text = 1;
        if (c == '\r')
          t->state = TN_CR;
      }
      break;
    case TN_IAC:
      text = command(t, c);
      break;
    case TN_OPT:
      answer(t, t->verb, c);
      t->state = TN_DATA;
      break;
    default:
      subneg(t, c);
      break;
    }
    if (text && nout < outcap)
      out[nout++] = c;
  }
  return nout;
}
