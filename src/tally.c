/* tally.c - see tally.h. */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

static size_t slot(uint64_t key, size_t cap) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return (size_t) key & (cap - 1);
}

void ap_tally_init(struct ap_tally *t) {
  memset(t, 0, sizeof(*t));
}

void ap_tally_release(struct ap_tally *t) {
  free(t->v);
  ap_tally_init(t);
}

struct ap_tally_rec *ap_tally_find(const struct ap_tally *t, uint64_t idx) {
  size_t i;

  if (t->cap == 0)
    return NULL;
  for (i = slot(idx + 1, t->cap); t->v[i].key != 0; i = (i + 1) & (t->cap - 1))
    if (t->v[i].key == idx + 1)
      return &t->v[i];
  return NULL;
}

/* Doubles the table (or makes the first one). */
static int grow(struct ap_tally *t) {
  struct ap_tally_rec *old = t->v;
  size_t oldcap = t->cap, i, j;

  t->cap = oldcap ? oldcap * 2 : 64;
  t->v = calloc(t->cap, sizeof(*t->v));
  if (t->v == NULL) {
    t->v = old;
    t->cap = oldcap;
    return -1;
  }
  for (i = 0; i < oldcap; i++) {
    if (old[i].key == 0)
      continue;
    for (j = slot(old[i].key, t->cap); t->v[j].key != 0;
         j = (j + 1) & (t->cap - 1))
      ;
    t->v[j] = old[i];
  }
  free(old);
  return 0;
}

struct ap_tally_rec *ap_tally_get(struct ap_tally *t, uint64_t idx) {
  struct ap_tally_rec *r = ap_tally_find(t, idx);
  size_t i;

  if (r != NULL)
    return r;
  /* Keep the load under 1/2 so that probe runs stay short. */
  if ((t->n + 1) * 2 > t->cap && grow(t) != 0)
    return NULL;
  for (i = slot(idx + 1, t->cap); t->v[i].key != 0; i = (i + 1) & (t->cap - 1))
    ;
  memset(&t->v[i], 0, sizeof(t->v[i]));
  t->v[i].key = idx + 1;
  t->n++;
  return &t->v[i];
}

void ap_tally_del(struct ap_tally *t, uint64_t idx) {
  struct ap_tally_rec *r = ap_tally_find(t, idx);
  size_t i, j, home;

  if (r == NULL)
    return;
  i = (size_t) (r - t->v);
  t->v[i].key = 0;
  t->n--;
  /* Backward-shift deletion: move later members of the run into the hole
   * when the hole lies between their home slot and where they sit. */
  for (j = (i + 1) & (t->cap - 1); t->v[j].key != 0;
       j = (j + 1) & (t->cap - 1)) {
    home = slot(t->v[j].key, t->cap);
    if (((j - home) & (t->cap - 1)) >= ((j - i) & (t->cap - 1))) {
      t->v[i] = t->v[j];
      t->v[j].key = 0;
      i = j;
    }
  }
}
