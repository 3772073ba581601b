/* fuzz-icmp.c - libFuzzer target for received ICMP and ICMPv6 packets.
 *
 * A MAC under the run's key cannot be guessed, so besides packets taken
 * as they are, the harness builds genuine ones from the input and then
 * damages them.  The first byte picks:
 *
 *   bit 0   the packet has an IPv4 header (raw IPv4 socket)
 *   bit 1   IPv6 (ICMPv6 packet, no IP header)
 *   bit 2   built: an echo reply (bit 3 clear) or an ICMP error quoting
 *           our request (bit 3 set), from the fields that follow, then
 *           cut short and with some bytes changed as the input says
 *           (and the ICMPv4 checksum made right again, if it says so);
 *           clear: the rest of the input is the packet
 *
 * A built packet left whole must be accepted as what it is, with the
 * right target and send time; one cut short of what the check needs must
 * be ignored; and nothing is ever accepted that claims a send time after
 * now, or a reply whose target is not its sender.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "icmp.h"

#define NOW_NS 0x0123456789abcdefULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ap_icmp_key key = {
  .key = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
  .ident = 0x4242, .check_ident = 1
};

/* Reads n bytes of input (zeros past its end). */
static void take(const uint8_t **p, size_t *left, void *out, size_t n) {
  size_t k = *left < n ? *left : n;

  memset(out, 0, n);
  memcpy(out, *p, k);
  *p += k;
  *left -= k;
}

static void addr_of(struct ap_addr *a, int v6, const uint8_t b[16]) {
  if (v6) {
    ap_addr_from_bytes(a, b);
    if (ap_addr_is_v4(a)) /* no IPv6 packet comes from a mapped address */
      a->hi ^= 1;
  } else {
    ap_addr_from_v4(a, (uint32_t) b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
  }
}

static void put16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t) (v >> 8);
  p[1] = (uint8_t) v;
}

static void set_sum(uint8_t *icmp, size_t len) {
  uint16_t sum;

  icmp[2] = icmp[3] = 0;
  sum = ap_icmp_checksum(icmp, len);
  put16(icmp + 2, sum);
}

/* Writes a minimal IPv4 header of protocol ICMP, with ihl words, to dst,
 * total bytes long. */
static void ip4(uint8_t *h, unsigned ihl, size_t total,
                const struct ap_addr *dst) {
  uint32_t d = ap_addr_v4(dst);

  memset(h, 0, ihl * 4);
  h[0] = (uint8_t) (0x40 | ihl);
  put16(h + 2, (unsigned) total);
  h[8] = 64;
  h[9] = 1;
  put16(h + 16, d >> 16);
  put16(h + 18, d & 0xffff);
}

/* Builds into pkt the packet the fields at p describe; returns its length
 * and sets *need, the length below which it must be ignored, and *kind,
 * what it must be taken for when whole. */
static size_t build(uint8_t *pkt, int v6, int hdr, int error,
                    const uint8_t **p, size_t *left, struct ap_addr *from,
                    struct ap_addr *dst, uint64_t *sent, size_t *need,
                    int *kind) {
  uint8_t b[16], f[4], *icmp = pkt + (hdr ? 20 : 0), *q;
  unsigned qihl;
  size_t n;

  take(p, left, b, 16);
  addr_of(dst, v6, b);
  take(p, left, b, 16);
  addr_of(from, v6, b);
  take(p, left, f, 4);
  take(p, left, sent, sizeof(*sent));
  *sent %= NOW_NS + 1;
  if (!error) {
    *from = *dst;
    ap_icmp_build(icmp, &key, dst, *sent);
    icmp[0] = v6 ? 129 : 0;
    n = AP_ICMP_ECHOLEN;
    *need = AP_ICMP_ECHOLEN;
    *kind = AP_ICMP_REPLY;
  } else {
    memset(icmp, 0, 8);
    icmp[0] = v6 ? (f[0] & 1 ? 1 : 3) : (f[0] & 1 ? 3 : 11);
    icmp[1] = f[1];
    q = icmp + 8;
    qihl = v6 ? 0 : 5 + f[2] % 11;
    if (v6) {
      memset(q, 0, 40);
      q[0] = 0x60;
      q[6] = 58;
      ap_addr_to_bytes(dst, q + 24);
      n = 8 + 40;
    } else {
      ip4(q, qihl, qihl * 4 + AP_ICMP_ECHOLEN, dst);
      n = 8 + qihl * 4;
    }
    ap_icmp_build(icmp + n, &key, dst, *sent);
    n += AP_ICMP_ECHOLEN;
    *need = n;
    *kind = AP_ICMP_ERROR;
  }
  if (!v6)
    set_sum(icmp, n);
  if (hdr) {
    ip4(pkt, 5, 20 + n, from);
    n += 20;
    *need += 20;
  }
  return n;
}

/* Cuts the packet short and changes bytes as the rest of the input says;
 * returns whether it is still whole. */
static int damage(uint8_t *pkt, size_t *len, const uint8_t *p, size_t left) {
  size_t i, whole = *len;

  if (left == 0)
    return 1;
  if (p[0] & 1)
    *len = (size_t) p[1 % left] % (*len + 1);
  for (i = 2; i + 1 < left; i += 2)
    pkt[p[i] % whole] ^= p[i + 1] ? p[i + 1] : 1;
  return *len == whole && left <= 2;
}

static void check(int kind, const struct ap_icmp_msg *m,
                  const struct ap_addr *from) {
  if (kind != AP_ICMP_IGNORE && kind != AP_ICMP_REPLY &&
      kind != AP_ICMP_ERROR)
    abort();
  if (kind == AP_ICMP_IGNORE)
    return;
  if (m->sent_ns > NOW_NS || ap_addr_cmp(&m->from, from) != 0 ||
      ap_addr_is_v4(&m->target) != ap_addr_is_v4(from))
    abort();
  if (kind == AP_ICMP_REPLY && ap_addr_cmp(&m->target, from) != 0)
    abort();
  if (kind == AP_ICMP_ERROR &&
      ap_icmp_reason(ap_addr_is_v4(from), m->type, m->code) == NULL)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t pkt[20 + 8 + 60 + AP_ICMP_ECHOLEN + 8], b[16], *raw;
  struct ap_addr from, dst;
  struct ap_icmp_msg m;
  uint64_t sent = 0, sent2;
  size_t len, off, need = 0, left = size ? size - 1 : 0;
  const uint8_t *p = data + 1;
  int mode, v6, hdr, kind, want = 0, whole;

  if (size == 0)
    return 0;
  mode = data[0];
  v6 = (mode >> 1) & 1;
  hdr = (mode & 1) && !v6;
  if (!(mode & 4)) {
    take(&p, &left, b, 16);
    addr_of(&from, v6, b);
    /* A copy of exactly the input, so that ASan sees every overread. */
    raw = malloc(left ? left : 1);
    memcpy(raw, p, left);
    check(ap_icmp_parse(raw, left, hdr, &from, &key, NOW_NS, &m), &m,
          &from);
    if (ap_icmp_ours(raw, left, &key, &from, NOW_NS, &sent2) == AP_ICMP_OK &&
        sent2 > NOW_NS)
      abort();
    free(raw);
    return 0;
  }
  len = build(pkt, v6, hdr, (mode >> 3) & 1, &p, &left, &from, &dst, &sent,
              &need, &want);
  whole = damage(pkt, &len, p, left);
  /* Damage alone would mostly fail the checksum, which raw IPv4 sockets
   * check first: redo it, when the input says so, to get further. */
  off = hdr ? 20 : 0;
  if (!v6 && left > 0 && (p[0] & 2) && len >= off + 4)
    set_sum(pkt + off, len - off);
  raw = malloc(len ? len : 1);
  memcpy(raw, pkt, len);
  kind = ap_icmp_parse(raw, len, hdr, &from, &key, NOW_NS, &m);
  check(kind, &m, &from);
  if (whole && (kind != want || ap_addr_cmp(&m.target, &dst) != 0 ||
                m.sent_ns != sent))
    abort();
  if (len < need && kind != AP_ICMP_IGNORE)
    abort();
  free(raw);
  return 0;
}
