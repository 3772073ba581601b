/* priv.c - see priv.h. */
#include "priv.h"

#include <errno.h>
#include <unistd.h>
#include <uv.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#else
#include <linux/capability.h>
#include <sys/syscall.h>
#endif

static int drop_ids(void) {
  gid_t gid = getgid();
  uid_t uid = getuid();

  /* Groups first: after the uid is dropped we could no longer. */
  if (getegid() != gid && setresgid(gid, gid, gid) != 0)
    return uv_translate_sys_error(errno);
  if (geteuid() != uid && setresuid(uid, uid, uid) != 0)
    return uv_translate_sys_error(errno);
  return 0;
}

#ifdef HAVE_LIBCAP

int ap_priv_raise(void) {
  cap_value_t raw = CAP_NET_RAW;
  cap_flag_value_t permitted = CAP_CLEAR;
  cap_t caps;
  int err = 0;

  caps = cap_get_proc();
  if (caps == NULL)
    return uv_translate_sys_error(errno);
  if (cap_get_flag(caps, raw, CAP_PERMITTED, &permitted) != 0 ||
      permitted != CAP_SET)
    err = UV_EPERM;
  else if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &raw, CAP_SET) != 0 ||
           cap_set_proc(caps) != 0)
    err = uv_translate_sys_error(errno);
  cap_free(caps);
  return err;
}

int ap_priv_drop(void) {
  cap_t none;
  int err;

  err = drop_ids();
  if (err != 0)
    return err;
  none = cap_init();
  if (none == NULL)
    return uv_translate_sys_error(errno);
  err = cap_set_proc(none) == 0 ? 0 : uv_translate_sys_error(errno);
  cap_free(none);
  return err;
}


#else /* !HAVE_LIBCAP: the same through the raw system calls */

static int get_caps(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

  return syscall(SYS_capget, &h, d) == 0 ? 0 : uv_translate_sys_error(errno);
}

static int set_caps(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

  return syscall(SYS_capset, &h, d) == 0 ? 0 : uv_translate_sys_error(errno);
}

int ap_priv_raise(void) {
  struct __user_cap_data_struct d[2];
  unsigned bit = 1u << CAP_NET_RAW; /* CAP_NET_RAW < 32: word 0 */
  int err;

  err = get_caps(d);
  if (err != 0)
    return err;
  if (!(d[0].permitted & bit))
    return UV_EPERM;
  d[0].effective |= bit;
  return set_caps(d);
}

int ap_priv_drop(void) {
  struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
  int err;

  err = drop_ids();
  if (err != 0)
    return err;
  return set_caps(d);
}


#endif
