/* test-ports.c - TCP port lists. */
#include <string.h>
#include <uv.h>

#include "ports.h"
#include "tap.h"

static int parses_to(const char *s, const uint16_t *want, size_t n) {
  struct ap_ports p;
  char err[128] = "";
  int r, ok;

  ap_ports_init(&p);
  r = ap_ports_parse(&p, s, err, sizeof(err));
  ok = r == 0 && p.n == n && memcmp(p.v, want, n * sizeof(*want)) == 0;
  if (!ok)
    printf("# '%s': r=%d n=%zu err='%s'\n", s, r, p.n, err);
  ap_ports_release(&p);
  return ok;
}

/* s must be refused with a reason containing needle. */
static int refused(const char *s, const char *needle) {
  struct ap_ports p;
  char err[128] = "";
  int r;

  ap_ports_init(&p);
  r = ap_ports_parse(&p, s, err, sizeof(err));
  ap_ports_release(&p);
  if (r != UV_EINVAL || strstr(err, needle) == NULL) {
    printf("# '%s': r=%d err='%s', want '%s'\n", s, r, err, needle);
    return 0;
  }
  return 1;
}

static void test_good(void) {
  static const uint16_t one[] = { 22 };
  static const uint16_t three[] = { 22, 80, 443 };
  static const uint16_t range[] = { 8000, 8001, 8002, 8003 };
  static const uint16_t mix[] = { 443, 22, 23, 24, 80 };
  static const uint16_t edges[] = { 1, 65535 };

  EXPECT(parses_to("22", one, 1));
  EXPECT(parses_to("22,80,443", three, 3));
  EXPECT(parses_to("8000-8003", range, 4));
  EXPECT(parses_to("443,22-24,80,23,443", mix, 5));
  EXPECT(parses_to("1,65535", edges, 2));
  EXPECT(parses_to("00022", one, 1));
}

static void test_all_ports(void) {
  struct ap_ports p;
  char err[64];

  ap_ports_init(&p);
  EXPECT(ap_ports_parse(&p, "1-65535", err, sizeof(err)) == 0);
  EXPECT(p.n == 65535 && p.v[0] == 1 && p.v[65534] == 65535);
  EXPECT(ap_ports_parse(&p, "1-65535,7", err, sizeof(err)) == 0);
  EXPECT(p.n == 65535);
  ap_ports_release(&p);
}

static void test_bad(void) {
  EXPECT(refused("", "empty item"));
  EXPECT(refused("22,,80", "empty item"));
  EXPECT(refused("22,", "empty item"));
  EXPECT(refused("0", "'0' is not a port"));
  EXPECT(refused("65536", "'65536' is not a port"));
  EXPECT(refused("22,ssh", "'ssh' is not a port"));
  EXPECT(refused("-22", "'-22' is not a port"));
  EXPECT(refused("22-", "'22-' is not a port"));
  EXPECT(refused("1-2-3", "'1-2-3' is not a port"));
  EXPECT(refused("+22", "'+22' is not a port"));
  EXPECT(refused(" 22", "' 22' is not a port"));
  EXPECT(refused("100000", "'100000'"));
  EXPECT(refused("90-80", "range '90-80' is reversed"));
}

/* A bad list leaves what was parsed before untouched. */
static void test_bad_keeps_list(void) {
  struct ap_ports p;
  char err[64];

  ap_ports_init(&p);
  EXPECT(ap_ports_parse(&p, "22", err, sizeof(err)) == 0);
  EXPECT(ap_ports_parse(&p, "80,81,x", err, sizeof(err)) == UV_EINVAL);
  EXPECT(p.n == 1 && p.v[0] == 22);
  EXPECT(ap_ports_find(&p, 80) == -1);
  EXPECT(ap_ports_parse(&p, "80", err, sizeof(err)) == 0);
  EXPECT(p.n == 2 && ap_ports_find(&p, 80) == 1);
  ap_ports_release(&p);
}

int main(void) {
  RUN(test_good);
  RUN(test_all_ports);
  RUN(test_bad);
  RUN(test_bad_keeps_list);
  return tap_done();
}
