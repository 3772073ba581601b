/* test-state.c - atomic files, the lock, and the --state file format. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "atomic.h"
#include "state.h"
#include "tap.h"

static char dir[64];

static void path(char *buf, size_t len, const char *name) {
  snprintf(buf, len, "%s/%s", dir, name);
}

static void put_file(const char *name, const char *text, size_t n) {
  char p[128];
  FILE *f;

  path(p, sizeof(p), name);
  f = fopen(p, "w");
  fwrite(text, 1, n, f);
  fclose(f);
}

/* The file's contents (static buffer), or "" when it is missing. */
static const char *file(const char *name) {
  static char text[4096];
  char p[128];
  size_t n = 0;
  FILE *f;

  path(p, sizeof(p), name);
  f = fopen(p, "r");
  if (f != NULL) {
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
  }
  text[n] = '\0';
  return text;
}

static int files_in_dir(void) {
  struct dirent *e;
  DIR *d = opendir(dir);
  int n = 0;

  while ((e = readdir(d)) != NULL)
    n += e->d_name[0] != '.' || strlen(e->d_name) > 2;
  closedir(d);
  return n;
}

static void test_atomic_replace(void) {
  struct ap_atomic a;
  struct stat st;
  char p[128];
  mode_t old = umask(022);

  put_file("out", "old\n", 4);
  path(p, sizeof(p), "out");
  EXPECT(ap_atomic_open(&a, p) == 0);
  fputs("new\n", a.f);
  fflush(a.f);
  /* Until the commit, readers see the old file. */
  EXPECT(strcmp(file("out"), "old\n") == 0);
  EXPECT(files_in_dir() == 2);
  EXPECT(ap_atomic_commit(&a) == 0);
  EXPECT(strcmp(file("out"), "new\n") == 0);
  EXPECT(files_in_dir() == 1);
  EXPECT(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
  umask(old);
}

static void test_atomic_abort(void) {
  struct ap_atomic a;
  char p[128];

  put_file("out", "old\n", 4);
  path(p, sizeof(p), "out");
  EXPECT(ap_atomic_open(&a, p) == 0);
  fputs("half", a.f);
  ap_atomic_abort(&a);
  EXPECT(strcmp(file("out"), "old\n") == 0);
  EXPECT(files_in_dir() == 1);
  memset(&a, 0, sizeof(a));
  ap_atomic_abort(&a); /* harmless when never opened */
  EXPECT(ap_atomic_open(&a, "/nonexistent/dir/out") == UV_ENOENT);
}

static void test_lock(void) {
  char p[128], q[128];
  struct stat st;
  unsigned owner;

  path(p, sizeof(p), "lock");
  EXPECT(ap_lock_take(p, &owner) == 0);
  /* Nobody else may open it, to hold it. */
  EXPECT(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
  /* flock belongs to the open file: a second open, even in this process,
   * is refused while the first is held. */
  EXPECT(ap_lock_take(p, &owner) == UV_EBUSY);
  EXPECT(ap_lock_take("/nonexistent/dir/lock", &owner) == UV_ENOENT);
  /* One an older aping left readable is closed to others. */
  put_file("oldlock", "", 0);
  path(q, sizeof(q), "oldlock");
  EXPECT(chmod(q, 0644) == 0);
  EXPECT(ap_lock_take(q, &owner) == 0);
  EXPECT(stat(q, &st) == 0 && (st.st_mode & 0777) == 0600);
  /* Never through a symbolic link, even the caller's own. */
  path(q, sizeof(q), "locklink");
  EXPECT(symlink("oldlock", q) == 0);
  EXPECT(ap_lock_take(q, &owner) == UV_ELOOP);
  unlink(q);
  EXPECT(mkfifo(q, 0600) == 0);
  EXPECT(ap_lock_take(q, &owner) == UV_EINVAL); /* and without blocking */
  unlink(q);
  path(q, sizeof(q), "oldlock");
  unlink(q);
}

/* Parses text; returns the result and leaves the reason in err. */
static char err[160];
static struct ap_state st;

static int parse(const char *text) {
  char *copy = strdup(text);

  ap_state_release(&st);
  err[0] = '\0';
  return ap_state_parse(&st, copy, strlen(text), err, sizeof(err));
}

static void test_state_parse_good(void) {
  EXPECT(parse("aping-state 1\nalive 192.0.2.7\nunreachable gw.example\n"
               "failed 2001:db8::1\nok db\nend 4\n") == 0);
  EXPECT(st.n == 4);
  EXPECT(strcmp(ap_state_find(&st, "192.0.2.7"), "alive") == 0);
  EXPECT(strcmp(ap_state_find(&st, "gw.example"), "unreachable") == 0);
  EXPECT(strcmp(ap_state_find(&st, "2001:db8::1"), "failed") == 0);
  EXPECT(strcmp(ap_state_find(&st, "db"), "ok") == 0);
  EXPECT(ap_state_find(&st, "192.0.2.8") == NULL);
  EXPECT(parse("aping-state 1\nend 0\n") == 0 && st.n == 0);
}

static void expect_bad(const char *text, const char *why) {
  int r = parse(text);

  if (r != UV_EINVAL || strstr(err, why) == NULL)
    printf("# '%s': got %d '%s', wanted '%s'\n", text, r, err, why);
  EXPECT(r == UV_EINVAL && strstr(err, why) != NULL);
}

static void test_state_parse_bad(void) {
  char *nul;

  expect_bad("", "empty file");
  expect_bad("root:x:0:0:root:/root:/bin/bash\n", "not an aping state file");
  expect_bad("aping-state 2\nend 0\n", "unsupported version '2'");
  expect_bad("aping-state 1\nalive 192.0.2.7\n", "truncated");
  expect_bad("aping-state 1\nalive 192.0.2.7\nend 0", "line 3: no newline");
  expect_bad("aping-state 1\nalive 192.0.2.7\nend 2\n", "'end 2' but 1");
  expect_bad("aping-state 1\nend 0\nalive x\n", "line 3: text after");
  expect_bad("aping-state 1\nup 192.0.2.7\nend 1\n", "line 2: unknown "
             "status 'up'");
  expect_bad("aping-state 1\nalive\nend 1\n", "line 2: not 'STATUS TARGET'");
  expect_bad("aping-state 1\nalive a b\nend 1\n", "line 2: not");
  expect_bad("aping-state 1\nalive a\nend x\n", "line 3: bad count 'x'");
  expect_bad("aping-state 1\nalive a\nok a\nend 2\n", "'a' is listed twice");
  /* What a line holds reaches the error message only when it is text. */
  expect_bad("aping-state \x1b[2J\nend 0\n", "line 1: control character "
             "0x1b at column 13");
  expect_bad("aping-state 1\n\x9b\x32J 192.0.2.7\nend 1\n", "line 2: not "
             "valid UTF-8 (byte 0x9b at column 1)");
  expect_bad("aping-state 1\nalive a\x7f\nend 1\n", "line 2: control");
  expect_bad("aping-state 1\nalive gr\xc3\xbcn\nend x\xff\n", "line 3: not "
             "valid UTF-8");
  EXPECT(parse("aping-state 1\nalive gr\xc3\xbcn.example\nend 1\n") == 0);
  /* A quote cut short is cut between characters (found by fuzz-state:
   * "%.20s" split the u-umlaut, and the message was not UTF-8). */
  expect_bad("aping-state 1!alive g1.alive gr\xc3\xbcn\nend 0\n",
             "unsupported version '1!alive g1.alive gr' (this");
  expect_bad("aping-state 1\nalive a\nend 12345678901234567890"
             "1234567890123456789\xc3\xbc\n",
             "bad count '123456789012345678901234567890123456789'");
  ap_state_release(&st);
  nul = malloc(17);
  memcpy(nul, "aping-state 1\n\0\n", 17); /* a NUL inside, and the end */
  EXPECT(ap_state_parse(&st, nul, 16, err, sizeof(err)) == UV_EINVAL);
  EXPECT(strstr(err, "NUL") != NULL);
}

static void test_state_round_trip(void) {
  char p[128];

  path(p, sizeof(p), "state");
  unlink(p);
  ap_state_release(&st);
  /* No file yet: the first run, with nothing known. */
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == 0 && st.n == 0);
  EXPECT(ap_state_begin(&st, p) == 0);
  ap_state_put(&st, "192.0.2.7", "alive");
  ap_state_put(&st, "gw.example", "unreachable");
  EXPECT(strcmp(file("state"), "") == 0); /* nothing in place yet */
  EXPECT(ap_state_commit(&st) == 0);
  EXPECT(strcmp(file("state"), "aping-state 1\nalive 192.0.2.7\n"
                "unreachable gw.example\nend 2\n") == 0);
  ap_state_release(&st);
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == 0 && st.n == 2);
  EXPECT(strcmp(ap_state_find(&st, "gw.example"), "unreachable") == 0);
  /* A new file that is dropped leaves the old one as it was. */
  EXPECT(ap_state_begin(&st, p) == 0);
  ap_state_put(&st, "192.0.2.7", "unreachable");
  ap_state_release(&st);
  EXPECT(strstr(file("state"), "alive 192.0.2.7\n") != NULL);
  EXPECT(files_in_dir() == 1);
  /* A foreign file is refused, and left alone. */
  put_file("state", "hello\n", 6);
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == UV_EINVAL);
  EXPECT(strcmp(file("state"), "hello\n") == 0);
  ap_state_release(&st);
  EXPECT(ap_state_load(&st, dir, err, sizeof(err)) == UV_EISDIR);
  ap_state_release(&st);
  /* Neither a device, which would never end, nor a FIFO, whose opening
   * would wait for a writer. */
  EXPECT(ap_state_load(&st, "/dev/zero", err, sizeof(err)) == UV_EINVAL);
  EXPECT(strcmp(err, "not a regular file") == 0);
  ap_state_release(&st);
  unlink(p);
  EXPECT(mkfifo(p, 0600) == 0);
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == UV_EINVAL);
  ap_state_release(&st);
  unlink(p);
}

/* A name that did not resolve keeps its entries, its own and its
 * addresses', once, but not those written anew, nor a longer name's. */
static void test_state_keep(void) {
  char p[128];

  path(p, sizeof(p), "state");
  put_file("state", "aping-state 1\nalive gw\nunreachable gw(192.0.2.7)\n"
           "alive gw(192.0.2.8)\nalive gw2\nalive gw-b\nalive gv\n"
           "end 6\n", 105);
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == 0 && st.n == 6);
  EXPECT(ap_state_begin(&st, p) == 0);
  EXPECT(strcmp(ap_state_take(&st, "gw(192.0.2.8)"), "alive") == 0);
  ap_state_put(&st, "gw(192.0.2.8)", "unreachable");
  EXPECT(ap_state_take(&st, "gw(192.0.2.9)") == NULL);
  EXPECT(ap_state_keep(&st, "gw") == 2);
  EXPECT(ap_state_keep(&st, "gw") == 0); /* given twice: once */
  EXPECT(ap_state_keep(&st, "nothing") == 0);
  EXPECT(ap_state_commit(&st) == 0);
  EXPECT(strcmp(file("state"), "aping-state 1\nunreachable gw(192.0.2.8)\n"
                "alive gw\nunreachable gw(192.0.2.7)\nend 3\n") == 0);
  ap_state_release(&st);
  EXPECT(ap_state_load(&st, p, err, sizeof(err)) == 0 && st.n == 3);
  ap_state_release(&st);
  unlink(p);
}

static void rm(const char *name) {
  char p[128];

  path(p, sizeof(p), name);
  unlink(p);
}

int main(void) {
  snprintf(dir, sizeof(dir), "/tmp/aping-test-state.XXXXXX");
  if (mkdtemp(dir) == NULL)
    return 1;
  RUN(test_atomic_replace);
  RUN(test_atomic_abort);
  rm("out");
  RUN(test_state_round_trip);
  RUN(test_state_keep);
  RUN(test_lock);
  RUN(test_state_parse_good);
  RUN(test_state_parse_bad);
  ap_state_release(&st);
  rm("state");
  rm("lock");
  rmdir(dir);
  return tap_done();
}
