/* fuzz-telnet.c - libFuzzer target for the Telnet option state machine.
 *
 * The input is split into reads at the positions its first byte picks and
 * fed through the machine twice: into a separate buffer, and in place as
 * tcp.c does.  Both must give the same text, never more text than input,
 * and never more replies than AP_TELNET_REPLY_MAX; every reply is a
 * refusal (IAC WONT x or IAC DONT x) and no (verb, option) repeats.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_replies(const struct ap_telnet *t) {
  uint8_t seen[2][256];
  size_t i;

  if (t->nreply > AP_TELNET_REPLY_MAX || t->nreply % 3 != 0)
    abort();
  memset(seen, 0, sizeof(seen));
  for (i = 0; i < t->nreply; i += 3) {
    int which = t->reply[i + 1] == AP_TELNET_WONT ? 0 : 1;
    if (t->reply[i] != AP_TELNET_IAC ||
        (t->reply[i + 1] != AP_TELNET_WONT &&
         t->reply[i + 1] != AP_TELNET_DONT) ||
        seen[which][t->reply[i + 2]]++)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ap_telnet a, b;
  uint8_t *out, *inplace;
  size_t step, off, n, na = 0, nb = 0;

  if (size == 0)
    return 0;
  step = (size_t) data[0] % 16 + 1;
  data++;
  size--;
  out = malloc(size + 1);
  inplace = malloc(size + 1);
  if (out == NULL || inplace == NULL)
    abort();
  memcpy(inplace, data, size);
  ap_telnet_init(&a);
  ap_telnet_init(&b);
  for (off = 0; off < size; off += n) {
    n = size - off < step ? size - off : step;
    na += ap_telnet_feed(&a, data + off, n, out + na, size - na);
    /* In place: the unread input sits right after the text so far. */
    memmove(inplace + nb, data + off, n);
    nb += ap_telnet_feed(&b, inplace + nb, n, inplace + nb, n);
  }
  if (na > size || na != nb || memcmp(out, inplace, na) != 0 ||
      a.nreply != b.nreply || memcmp(a.reply, b.reply, a.nreply) != 0)
    abort();
  check_replies(&a);
  free(out);
  free(inplace);
  return 0;
}
