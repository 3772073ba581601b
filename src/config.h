/* config.h - what the command line asks for, one plain struct per
 * consumer.
 *
 * cli.c fills a struct ap_config from argv (defaults first: see
 * ap_config_defaults() in cli.h); every other module is handed only its own
 * part and never sees the whole.  Nothing here is parsed or allocated
 * beyond what the option table stores: strings point into argv, lists are
 * arrays of such pointers.
 */
#ifndef AP_CONFIG_H
#define AP_CONFIG_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "mstat.h"
#include "nagios.h"
#include "pktopt.h"
#include "ports.h"
#include "scan.h"

/* Exit statuses (the manual's EXIT STATUS). */
enum ap_exit {
  AP_EXIT_OK = 0,       /* every target OK */
  AP_EXIT_DOWN = 1,     /* some target not OK */
  AP_EXIT_NONAME = 2,   /* a name could not be resolved */
  AP_EXIT_USAGE = 3,    /* bad usage */
  AP_EXIT_SYSTEM = 4,   /* system error */
  AP_EXIT_CHANGED = 5,  /* --state: some target's status changed */
  AP_EXIT_LOCKED = 6,   /* --lock: another run holds the lock */
  AP_EXIT_DEADLINE = 7  /* --deadline: stopped with targets unfinished */
};

/* auto/always/never settings (--color, --progress). */
enum ap_when { AP_WHEN_AUTO = 0, AP_WHEN_ALWAYS, AP_WHEN_NEVER };

/* -m: how targets are pinged, if at all. */
enum ap_method {
  AP_METHOD_AUTO = 0,
  AP_METHOD_ICMP,
  AP_METHOD_EXEC,
  AP_METHOD_NONE
};

/* A list of strings given one by one (-f, --exclude, ...). */
struct ap_strlist {
  const char **v;
  size_t n;
  size_t cap;
};

/* intake.c: where the targets come from. */
struct ap_intake_cfg {
  int family;                /* 0, 4 or 6 (-4, -6) */
  int all_addresses;         /* --all-addresses: every address of a name */
  uint64_t max_targets;      /* --max-targets */
  struct ap_strlist targets; /* the operands */
  struct ap_strlist files;   /* -f */
  struct ap_strlist excl;    /* --exclude */
  struct ap_strlist exfiles; /* --exclude-file */
};

/* order.c, as the run sets it up: --order, --seed, --shard. */
struct ap_order_cfg {
  int sequential; /* --order sequential: address order, not random */
  int have_seed;
  uint64_t seed;
  uint64_t shard; /* 1-based */
  uint64_t nshards;
};

/* pinger.c: how targets are pinged. */
struct ap_pinger_cfg {
  int method;          /* enum ap_method */
  int family;          /* 0, 4 or 6: the sockets to open */
  const char *command; /* --ping-command, or NULL */
  unsigned jobs;       /* -j, 0 when not given */
  int verbose;         /* -v: say what was chosen */
  int keep_sockets;    /* -l: a reload may bring the other family */
  unsigned threads;    /* --threads: loops of the ICMP sweep, 0: as many
                          as usable cores (at most AP_PINGER_THREADS) */
  struct ap_pkt_cfg pkt; /* -S, -I, -b, --ttl, --tos, --df, --fwmark */
};

/* The service checks (svc.c, tcp.c, combine.c). */
struct ap_services_cfg {
  struct ap_ports ports; /* --tcp */
  struct ap_ports tcp_ping; /* --tcp-ping: discovery, not service checks */
  int banner;            /* --banner */
  uint16_t telnet_port;  /* --telnet, or 0 */
  size_t banner_bytes;   /* --banner-bytes */
  regex_t expect;        /* --expect, when have_expect */
  int have_expect;
  int any;               /* --any */
};

/* -n, -d: which targets are shown by the name of their address. */
enum ap_rdns_mode {
  AP_RDNS_OFF = 0,
  AP_RDNS_ADDRS, /* -n: targets given as addresses (a name given stays) */
  AP_RDNS_ALL    /* -d: every target */
};

/* output.c: what is written, and where. */
struct ap_output_cfg {
  int show;                 /* enum ap_show: -a, -u, -q */
  int format;               /* enum ap_format */
  int elapsed;              /* -e */
  int by_addr;              /* -A: text shows addresses */
  int all_addresses;        /* --all-addresses: NAME (ADDRESS) */
  int rdns;                 /* -n, -d: enum ap_rdns_mode */
  int color;                /* --color: enum ap_when */
  const char *outfile;      /* -o, or NULL for standard output */
  const char *state;        /* --state, or NULL */
  struct ap_nagios nagios;  /* --warn, --crit, --rta, --pl */
  int vcount;               /* -C: each target's round-trip times too */
  int loop;                 /* a continuous run's records (-l) */
  int timestamps;           /* -D */
  int print_ttl;            /* --print-ttl */
  uint64_t period_ms;       /* -p, for outage times */
};

/* The continuous run (-l, -Q, --listen). */
struct ap_loop_cfg {
  int on;                /* -l, or implied by -Q or --listen */
  uint64_t period_ms;    /* -p */
  int timestamps;        /* -D */
  uint64_t squiet_s;     /* -Q SECS, 0 for none */
  int cumulative;        /* -Q SECS,cumulative */
  int listen;            /* --listen given: listen_addr holds it */
  struct sockaddr_storage listen_addr; /* any address when unspecified */
  struct ap_buckets buckets; /* --buckets */
};

/* run.c: how a run is watched, stopped and judged. */
struct ap_run_cfg {
  int summary;          /* -s */
  int verbose;          /* -v, -vv */
  int progress;         /* --progress: enum ap_when */
  uint64_t deadline_ms; /* --deadline, 0 for none */
  const char *lock;     /* --lock */
  int have_min_ok;      /* -x */
  uint64_t min_ok;
  uint64_t start_ns;    /* when aping started: --deadline counts from it */
};

/* The most warnings the command line may give (cli.c has 8 kinds). */
#define AP_CLI_WARN_MAX 12

struct ap_config {
  struct ap_intake_cfg intake;
  struct ap_order_cfg order;
  struct ap_scan_cfg scan; /* -t, -r, -c, -B, --rate, -i; -j for ICMP */
  struct ap_pinger_cfg ping;
  struct ap_services_cfg svc;
  struct ap_output_cfg out;
  struct ap_loop_cfg loop;
  struct ap_run_cfg run;
  /* Options given that change nothing with the others, harmlessly: what
   * main names in a warning each ("-e shows ..."), static strings. */
  const char *warn[AP_CLI_WARN_MAX];
  size_t nwarn;
};

#endif
