/* echocount.c - the echo engine's counters for -s -v (see echo.h): added
 * up over the engines of --threads, and reported. */
#include "echo.h"

void ap_echo_add_counts(struct ap_echo_counts *into,
                        const struct ap_echo_counts *from) {
  int i, j;

  into->sent += from->sent;
  into->replies += from->replies;
  into->errors += from->errors;
  into->late += from->late;
  into->stamped += from->stamped;
  into->unstamped += from->unstamped;
  for (i = 0; i < AP_ICMP_NWHY; i++)
    into->rejected[i] += from->rejected[i];
  into->send_err_other += from->send_err_other;
  for (i = 0; i < AP_ECHO_NERRNO && from->send_errs[i] > 0; i++) {
    for (j = 0; j < AP_ECHO_NERRNO; j++) {
      if (into->send_errs[j] == 0)
        into->send_err[j] = from->send_err[i];
      if (into->send_err[j] == from->send_err[i]) {
        into->send_errs[j] += from->send_errs[i];
        break;
      }
    }
    if (j == AP_ECHO_NERRNO)
      into->send_err_other += from->send_errs[i];
  }
}

void ap_echo_report(const struct ap_echo_counts *c, uint64_t retries,
                    uint64_t backoffs, FILE *f) {
  /* Indexed by enum ap_icmp_why. */
  static const char *const why[AP_ICMP_NWHY] = {
    NULL, "malformed", "checksum", "unused-type", "foreign", "truncated",
    "bad-mac"
  };
  uint64_t all = c->late;
  int i;

  for (i = 1; i < AP_ICMP_NWHY; i++)
    all += c->rejected[i];
  fprintf(f, "\n counters:\n");
  fprintf(f, "  probes-sent %llu\n", (unsigned long long) c->sent);
  fprintf(f, "  replies-valid %llu\n", (unsigned long long) c->replies);
  fprintf(f, "  errors-matched %llu\n", (unsigned long long) c->errors);
  fprintf(f, "  rejected %llu\n", (unsigned long long) all);
  fprintf(f, "  rejected-late %llu\n", (unsigned long long) c->late);
  for (i = 1; i < AP_ICMP_NWHY; i++)
    fprintf(f, "  rejected-%s %llu\n", why[i],
            (unsigned long long) c->rejected[i]);
  fprintf(f, "  rtt-kernel-stamp %llu\n", (unsigned long long) c->stamped);
  fprintf(f, "  rtt-read-time %llu\n", (unsigned long long) c->unstamped);
  fprintf(f, "  retries %llu\n", (unsigned long long) retries);
  fprintf(f, "  backoffs %llu\n", (unsigned long long) backoffs);
  for (i = 0; i < AP_ECHO_NERRNO && c->send_errs[i] > 0; i++)
    fprintf(f, "  send-error-%s %llu\n", uv_err_name(c->send_err[i]),
            (unsigned long long) c->send_errs[i]);
  if (c->send_err_other > 0)
    fprintf(f, "  send-error-other %llu\n",
            (unsigned long long) c->send_err_other);
}
