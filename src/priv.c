/* priv.c - see priv.h. */
#include "priv.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <uv.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#else
#include <linux/capability.h>
#include <sys/syscall.h>
#endif

/* Root, exec'ing a child, would hand it every capability in the bounding
 * set: when nothing is to be spawned, never.  The bits are locked, so
 * nothing later can clear them. */
#define LOCK_BITS                                                           \
  (SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |     \
   SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

static int sys_error(void) {
  return uv_translate_sys_error(errno);
}

static int drop_ids(void) {
  gid_t gid = getgid();
  uid_t uid = getuid();

  /* Groups first: after the uid is dropped we could no longer. */
  if (getegid() != gid && setresgid(gid, gid, gid) != 0)
    return sys_error();
  if (geteuid() != uid && setresuid(uid, uid, uid) != 0)
    return sys_error();
  return 0;
}

#ifdef HAVE_LIBCAP

/* Makes v effective if it is permitted.  Returns 1 when it is effective. */
static int effective(cap_value_t v) {
  cap_flag_value_t permitted = CAP_CLEAR;
  cap_t caps;
  int ok = 0;

  caps = cap_get_proc();
  if (caps == NULL)
    return 0;
  if (cap_get_flag(caps, v, CAP_PERMITTED, &permitted) == 0 &&
      permitted == CAP_SET &&
      cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) == 0 &&
      cap_set_proc(caps) == 0)
    ok = 1;
  cap_free(caps);
  return ok;
}

static int bound_drop(int v) {
  return cap_drop_bound((cap_value_t) v) == 0 ? 0 : sys_error();
}

static int secbits_lock(void) {
  return cap_set_secbits(cap_get_secbits() | LOCK_BITS) == 0 ? 0
                                                             : sys_error();
}

static int ambient_clear(void) {
  return cap_reset_ambient() == 0 || errno == EINVAL ? 0 : sys_error();
}

static int sets_clear(void) {
  cap_t none = cap_init();
  int err;

  if (none == NULL)
    return sys_error();
  err = cap_set_proc(none) == 0 ? 0 : sys_error();
  cap_free(none);
  return err;
}

#else /* !HAVE_LIBCAP: the same through the raw system calls */

static int get_caps(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

  return syscall(SYS_capget, &h, d) == 0 ? 0 : sys_error();
}

static int set_caps(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

  return syscall(SYS_capset, &h, d) == 0 ? 0 : sys_error();
}

/* Makes v (below 32) effective if it is permitted.  Returns 1 when it is
 * effective. */
static int effective(int v) {
  struct __user_cap_data_struct d[2];
  unsigned bit = 1u << v;

  if (get_caps(d) != 0 || !(d[0].permitted & bit))
    return 0;
  d[0].effective |= bit;
  return set_caps(d) == 0;
}

static int bound_drop(int v) {
  return prctl(PR_CAPBSET_DROP, v, 0, 0, 0) == 0 ? 0 : sys_error();
}

static int secbits_lock(void) {
  int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

  if (bits < 0 || prctl(PR_SET_SECUREBITS, bits | LOCK_BITS, 0, 0, 0) != 0)
    return sys_error();
  return 0;
}

static int ambient_clear(void) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 ||
      errno == EINVAL)
    return 0;
  return sys_error();
}

static int sets_clear(void) {
  struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

  return set_caps(d);
}

#endif

/* With CAP_SETPCAP (root, setuid root): empties the bounding set, but for
 * CAP_NET_RAW when ping(8) may be spawned, and else also locks
 * SECBIT_NOROOT.  A child that root spawns then gets CAP_NET_RAW at most,
 * what ping(8) needs (a BusyBox or setuid root ping has only root's rule
 * to get it from: SECBIT_NOROOT would leave it without).  Without
 * CAP_SETPCAP (an ordinary user, or a root already denied it) neither can
 * be changed; an ordinary user's children get no capability anyway. */
static int limit_children(int spawn) {
  int v, err = 0;

  if (!effective(CAP_SETPCAP))
    return 0;
  if (!spawn)
    err = secbits_lock();
  /* PR_CAPBSET_READ fails past the kernel's last capability. */
  for (v = 0; err == 0 && prctl(PR_CAPBSET_READ, v, 0, 0, 0) >= 0; v++)
    if (!(spawn && v == CAP_NET_RAW) && prctl(PR_CAPBSET_READ, v, 0, 0, 0))
      err = bound_drop(v);
  return err;
}

int ap_priv_seal(void) {
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : sys_error();
}

/* Drops every capability and a setuid or setgid identity; see step 1 in
 * priv.h for what spawn changes. */
static int drop(int spawn) {
  int err;

  err = limit_children(spawn);
  if (err == 0)
    err = drop_ids();
  if (err == 0)
    err = sets_clear();
  if (err == 0)
    err = ambient_clear();
  if (err == 0 && !spawn)
    err = ap_priv_seal();
  return err;
}

int ap_priv_setup(const struct ap_priv_plan *plan) {
  /* Not being able to raise them is no error: without CAP_NET_RAW the
   * sockets are datagram sockets, or none, and the engine says so;
   * without CAP_NET_ADMIN, SO_MARK fails and the engine says that. */
  (void) effective(CAP_NET_RAW);
  if (plan->admin)
    (void) effective(CAP_NET_ADMIN);
  plan->open(plan->ctx);
  return drop(plan->may_spawn(plan->ctx));
}
