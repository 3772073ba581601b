/* test-safepath.c - resolving the paths aping writes to: links on the
 * way, relative ones, chains, dangling ones, loops, missing directories,
 * /proc links, and the sticky-directory rule for the caller's own links
 * (links of another user need root: tests/cli/test-file-safety.sh). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "safepath.h"
#include "tap.h"

static char dir[64];
static struct ap_safepath sp;

/* dir/name, in a static buffer (one of two, for two at once). */
static const char *at(const char *name) {
  static char buf[2][256];
  static int k;

  k ^= 1;
  snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
  return buf[k];
}

static int resolve(const char *path) {
  return ap_safepath_resolve(&sp, path, geteuid());
}

static void test_plain(void) {
  char cwd[256];

  EXPECT(resolve(at("f")) == 0 && strcmp(sp.path, at("f")) == 0 &&
         sp.exists && !sp.magic);
  EXPECT(resolve(at("new")) == 0 && strcmp(sp.path, at("new")) == 0 &&
         !sp.exists);
  EXPECT(resolve(at("d/../f")) == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(resolve(at("./d//.")) == 0 && strcmp(sp.path, at("d")) == 0);
  EXPECT(getcwd(cwd, sizeof(cwd)) != NULL && chdir(dir) == 0);
  EXPECT(resolve("f") == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(chdir(cwd) == 0);
  EXPECT(resolve("") == UV_EINVAL);
  EXPECT(resolve(at("nodir/x")) == UV_ENOENT);
  EXPECT(resolve(at("f/x")) == UV_ENOTDIR);
}

static void test_links(void) {
  /* Relative, absolute, a chain, a link to a directory on the way. */
  EXPECT(symlink("f", at("rel")) == 0);
  EXPECT(resolve(at("rel")) == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(symlink(at("rel"), at("abs")) == 0);
  EXPECT(resolve(at("abs")) == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(symlink("../abs", at("d/up")) == 0);
  EXPECT(resolve(at("d/up")) == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(symlink("d", at("dl")) == 0);
  EXPECT(resolve(at("dl/up")) == 0 && strcmp(sp.path, at("f")) == 0);
  EXPECT(resolve(at("dl/..")) == 0 && strcmp(sp.path, dir) == 0);
  /* A dangling link names the file it would create. */
  EXPECT(symlink("d/gone", at("dangling")) == 0);
  EXPECT(resolve(at("dangling")) == 0 &&
         strcmp(sp.path, at("d/gone")) == 0 && !sp.exists);
  EXPECT(symlink("nodir/gone", at("nowhere")) == 0);
  EXPECT(resolve(at("nowhere")) == UV_ENOENT);
  EXPECT(symlink("loop", at("loop")) == 0);
  EXPECT(resolve(at("loop")) == UV_ELOOP);
}

static void test_sticky(void) {
  /* The caller's own link in a sticky directory is followed. */
  EXPECT(mkdir(at("sticky"), 01777) == 0 && chmod(at("sticky"), 01777) == 0);
  EXPECT(symlink("../f", at("sticky/mine")) == 0);
  EXPECT(resolve(at("sticky/mine")) == 0 && strcmp(sp.path, at("f")) == 0);
  /* Any caller follows it: the directory's owner owns it. */
  EXPECT(ap_safepath_resolve(&sp, at("sticky/mine"), geteuid() + 1) == 0 &&
         strcmp(sp.path, at("f")) == 0);
}

static void test_proc(void) {
  /* /dev/stdout names an open file: the walk stops in /proc. */
  EXPECT(resolve("/dev/stdout") == 0 && sp.magic &&
         strncmp(sp.path, "/proc/", 6) == 0);
  EXPECT(resolve("/proc/self/fd/1") == 0 && sp.magic);
}

static int rm_cb(const char *p, const struct stat *st, int flag,
                 struct FTW *ftw) {
  (void) st;
  (void) flag;
  (void) ftw;
  return remove(p);
}

int main(void) {
  FILE *f;

  snprintf(dir, sizeof(dir), "/tmp/test-safepath.XXXXXX");
  if (mkdtemp(dir) == NULL)
    return 1;
  f = fopen(at("f"), "w");
  if (f != NULL)
    fclose(f);
  mkdir(at("d"), 0755);
  RUN(test_plain);
  RUN(test_links);
  RUN(test_sticky);
  RUN(test_proc);
  nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
  return tap_done();
}
