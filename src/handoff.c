/* handoff.c - see handoff.h. */
#include "handoff.h"

#include <stdlib.h>
#include <string.h>

int ap_handoff_init(struct ap_handoff *q) {
  q->head = NULL;
  q->tail = &q->head;
  return uv_mutex_init(&q->mu);
}

void ap_handoff_push(struct ap_handoff *q, struct ap_hbatch *b) {
  b->next = NULL;
  uv_mutex_lock(&q->mu);
  *q->tail = b;
  q->tail = &b->next;
  uv_mutex_unlock(&q->mu);
}

struct ap_hbatch *ap_handoff_take(struct ap_handoff *q) {
  struct ap_hbatch *all;

  uv_mutex_lock(&q->mu);
  all = q->head;
  q->head = NULL;
  q->tail = &q->head;
  uv_mutex_unlock(&q->mu);
  return all;
}

void ap_handoff_release(struct ap_handoff *q) {
  struct ap_hbatch *b = ap_handoff_take(q), *next;

  for (; b != NULL; b = next) {
    next = b->next;
    ap_hbatch_free(b);
  }
  uv_mutex_destroy(&q->mu);
}

struct ap_hbatch *ap_hbatch_new(unsigned worker) {
  struct ap_hbatch *b = malloc(sizeof(*b));

  if (b == NULL)
    return NULL;
  b->next = NULL;
  b->worker = worker;
  b->n = 0;
  b->last = 0;
  return b;
}

int ap_hbatch_add(struct ap_hbatch *b, const struct ap_result *r) {
  struct ap_hitem *it = &b->item[b->n];
  uint64_t *rtts = NULL;

  if (r->rtts != NULL && r->nrtts > 0) {
    rtts = malloc(r->nrtts * sizeof(*rtts));
    if (rtts == NULL)
      return UV_ENOMEM;
    memcpy(rtts, r->rtts, r->nrtts * sizeof(*rtts));
  }
  it->r = *r;
  it->r.rtts = rtts;
  it->r.nrtts = rtts != NULL ? r->nrtts : 0;
  /* The sweep's results carry no service checks. */
  it->r.checks = NULL;
  it->r.nchecks = 0;
  it->r.evidence = NULL;
  if (r->from != NULL) {
    it->from = *r->from;
    it->r.from = &it->from;
  }
  b->n++;
  return 0;
}

int ap_hbatch_full(const struct ap_hbatch *b) {
  return b->n == AP_HANDOFF_BATCH;
}

void ap_hbatch_free(struct ap_hbatch *b) {
  unsigned i;

  if (b == NULL)
    return;
  for (i = 0; i < b->n; i++)
    free((void *) b->item[i].r.rtts);
  free(b);
}
