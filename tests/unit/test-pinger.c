/* test-pinger.c - choosing how to ping: the echo engine, ping(8), or
 * nothing, from -m and the sockets the privilege sequence could open;
 * what -v says, and what a missing socket or ping(8) says. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "pinger.h"
#include "tap.h"

static void test_decide(void) {
  const int both[2] = { AP_ECHO_RAW, AP_ECHO_DGRAM };
  const int no6[2] = { AP_ECHO_RAW, AP_ECHO_NONE };
  const int none[2] = { AP_ECHO_NONE, AP_ECHO_NONE };
  const int v4[2] = { 1, 0 }, v6[2] = { 0, 1 }, all[2] = { 1, 1 };

  EXPECT(ap_pinger_decide(AP_METHOD_AUTO, both, all) == AP_PING_ECHO);
  EXPECT(ap_pinger_decide(AP_METHOD_AUTO, no6, v4) == AP_PING_ECHO);
  EXPECT(ap_pinger_decide(AP_METHOD_AUTO, no6, v6) == AP_PING_EXEC);
  EXPECT(ap_pinger_decide(AP_METHOD_AUTO, no6, all) == AP_PING_EXEC);
  EXPECT(ap_pinger_decide(AP_METHOD_AUTO, none, v4) == AP_PING_EXEC);
  EXPECT(ap_pinger_decide(AP_METHOD_ICMP, both, all) == AP_PING_ECHO);
  EXPECT(ap_pinger_decide(AP_METHOD_ICMP, no6, v4) == AP_PING_ECHO);
  EXPECT(ap_pinger_decide(AP_METHOD_ICMP, no6, all) == AP_PING_NOSOCKET);
  EXPECT(ap_pinger_decide(AP_METHOD_EXEC, both, all) == AP_PING_EXEC);
  EXPECT(ap_pinger_decide(AP_METHOD_NONE, none, all) == AP_PING_NONE);
}

/* A pinger as the privilege sequence would leave it, with sockets of the
 * given kinds (none really open); diag collects what it says. */
struct fixture {
  struct ap_pinger_cfg cfg;
  struct ap_pinger p;
  uv_loop_t loop;
  char *text;
  size_t len;
  FILE *diag;
};

static void setup(struct fixture *f, int method, int k4, int k6) {
  const uint8_t key[16] = { 1 };
  struct ap_pinger_cfg exec = { .method = AP_METHOD_EXEC };

  memset(f, 0, sizeof(*f));
  f->cfg.method = method;
  f->diag = open_memstream(&f->text, &f->len);
  EXPECT(uv_loop_init(&f->loop) == 0);
  ap_pinger_open(&f->p, &exec, key, f->diag); /* opens nothing */
  f->p.cfg = &f->cfg;
  f->p.echo.sock[0].kind = k4;
  f->p.echo.sock[1].kind = k6;
  f->p.echo.sock[0].err = f->p.echo.sock[1].err = UV_EPERM;
}

static void teardown(struct fixture *f) {
  ap_pinger_release(&f->p);
  EXPECT(uv_loop_close(&f->loop) == 0);
  fclose(f->diag);
  free(f->text);
}

static const struct ap_scan_cfg scan = { .timeout_ms = 500, .retries = 1,
                                         .backoff = 2, .rate = 10000 };

static void test_echo(void) {
  struct ap_scan_cfg out;
  struct ap_err err = { 0 };
  struct fixture f;

  setup(&f, AP_METHOD_AUTO, AP_ECHO_RAW, AP_ECHO_NONE);
  f.cfg.verbose = 1;
  f.cfg.jobs = 7;
  EXPECT(ap_pinger_may_spawn(&f.p)); /* v6 has no socket */
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 0, &scan, &err) == 0);
  EXPECT(f.p.choice == AP_PING_ECHO && ap_pinger_pings(&f.p));
  EXPECT(ap_pinger_engine(&f.p) == &f.p.echo.base);
  ap_pinger_scan_cfg(&f.p, &scan, &out);
  EXPECT(out.max_inflight == 7 && out.retries == 1 && out.timeout_ms == 500);
  EXPECT(ap_pinger_fds(&f.p) == 0);
  fflush(f.diag);
  EXPECT(strcmp(f.text, "aping: ICMP: raw socket\n") == 0);
  teardown(&f);
}

static void test_no_socket(void) {
  struct ap_err err = { 0 };
  struct fixture f;

  setup(&f, AP_METHOD_ICMP, AP_ECHO_DGRAM, AP_ECHO_NONE);
  EXPECT(!ap_pinger_may_spawn(&f.p));
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 1, &scan, &err) ==
         AP_EXIT_SYSTEM);
  EXPECT(f.p.choice == AP_PING_NOSOCKET && !ap_pinger_pings(&f.p));
  EXPECT(strncmp(err.msg, "cannot open an ICMPv6 socket (Operation not "
                 "permitted): run as root", 60) == 0);
  EXPECT(strstr(err.msg, "net.ipv4.ping_group_range) (exit 4)") != NULL);
  teardown(&f);
}

static void test_exec_fallback(void) {
  struct ap_scan_cfg out;
  struct ap_err err = { 0 };
  struct fixture f;

  setup(&f, AP_METHOD_AUTO, AP_ECHO_RAW, AP_ECHO_NONE);
  f.cfg.verbose = 1;
  f.cfg.command = "/bin/true";
  f.cfg.jobs = 5;
  EXPECT(ap_pinger_may_spawn(&f.p));
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 1, &scan, &err) == 0);
  EXPECT(f.p.choice == AP_PING_EXEC);
  EXPECT(ap_pinger_engine(&f.p) == &f.p.exec.base);
  ap_pinger_scan_cfg(&f.p, &scan, &out);
  EXPECT(out.retries == 0 && out.count == 0 && out.max_inflight == 5);
  EXPECT(out.timeout_ms == ap_exec_timeout_ms(&f.p.exec));
  EXPECT(ap_pinger_fds(&f.p) == ap_exec_fds(&f.p.exec));
  fflush(f.diag);
  EXPECT(strncmp(f.text, "aping: ICMPv6: no socket (Operation not "
                 "permitted): using ping(8)\naping: method exec: /bin/true ",
                 90) == 0);
  teardown(&f);
}

static void test_exec_missing(void) {
  struct ap_err err = { 0 };
  struct fixture f;

  setup(&f, AP_METHOD_EXEC, AP_ECHO_NONE, AP_ECHO_NONE);
  f.cfg.command = "/nonexistent/ping";
  EXPECT(ap_pinger_may_spawn(&f.p));
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 0, &scan, &err) ==
         AP_EXIT_SYSTEM);
  EXPECT(strcmp(err.msg, "cannot run ping(8) '/nonexistent/ping': No such "
                "file or directory (exit 4)") == 0);
  teardown(&f);

  setup(&f, AP_METHOD_AUTO, AP_ECHO_NONE, AP_ECHO_NONE);
  f.cfg.command = "no-such-ping-anywhere";
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 0, &scan, &err) ==
         AP_EXIT_SYSTEM);
  EXPECT(strcmp(err.msg, "cannot run ping(8): 'no-such-ping-anywhere' not "
                "found in PATH (exit 4)") == 0);
  /* -m auto came to ping(8) for want of a socket: that is said first. */
  fflush(f.diag);
  EXPECT(strncmp(f.text, "aping: cannot open an ICMP socket", 33) == 0);
  EXPECT(strstr(f.text, "ICMPv6") == NULL); /* no IPv6 target */
  teardown(&f);
}

static void test_none(void) {
  struct ap_err err = { 0 };
  struct fixture f;

  setup(&f, AP_METHOD_NONE, AP_ECHO_NONE, AP_ECHO_NONE);
  f.cfg.verbose = 1;
  EXPECT(!ap_pinger_may_spawn(&f.p));
  EXPECT(ap_pinger_choose(&f.p, &f.loop, 1, 1, &scan, &err) == 0);
  EXPECT(f.p.choice == AP_PING_NONE && !ap_pinger_pings(&f.p));
  EXPECT(ap_pinger_engine(&f.p) == NULL);
  fflush(f.diag);
  EXPECT(f.len == 0);
  teardown(&f);
}

int main(void) {
  RUN(test_decide);
  RUN(test_echo);
  RUN(test_no_socket);
  RUN(test_exec_fallback);
  RUN(test_exec_missing);
  RUN(test_none);
  return tap_done();
}
