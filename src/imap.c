/* imap.c - see imap.h. */
#include "imap.h"

#include <stdlib.h>
#include <string.h>

/* Each slot starts with the index + 1, so that an all-zero slot is empty
 * and calloc() makes an empty table. */
#define KEY_SIZE sizeof(uint64_t)
#define FIRST_CAP 64

static unsigned char *slot(const struct ap_imap *m, size_t i) {
  return m->slots + i * m->stride;
}

static uint64_t key_at(const struct ap_imap *m, size_t i) {
  uint64_t key;

  memcpy(&key, slot(m, i), sizeof(key));
  return key;
}

static size_t home(const struct ap_imap *m, uint64_t key) {
  return (size_t) ap_imap_hash(key - 1) & (m->cap - 1);
}

void ap_imap_init(struct ap_imap *m, size_t recsize) {
  memset(m, 0, sizeof(*m));
  m->recsize = recsize;
  m->stride = KEY_SIZE + (recsize + AP_IMAP_ALIGN - 1) /
                             AP_IMAP_ALIGN * AP_IMAP_ALIGN;
}

void ap_imap_release(struct ap_imap *m) {
  free(m->slots);
  m->slots = NULL;
  m->cap = m->n = 0;
}

/* The slot that holds key, or the empty slot where it would go. */
static size_t probe(const struct ap_imap *m, uint64_t key) {
  size_t i = home(m, key);
  uint64_t k;

  while ((k = key_at(m, i)) != 0 && k != key)
    i = (i + 1) & (m->cap - 1);
  return i;
}

void *ap_imap_find(const struct ap_imap *m, uint64_t idx) {
  size_t i;

  if (m->n == 0)
    return NULL;
  i = probe(m, idx + 1);
  return key_at(m, i) != 0 ? slot(m, i) + KEY_SIZE : NULL;
}

/* Doubles the table (or makes the first one).  Returns 0 or -1. */
static int grow(struct ap_imap *m) {
  unsigned char *old = m->slots;
  size_t oldcap = m->cap, i;
  uint64_t key;

  if (oldcap > SIZE_MAX / 2 / m->stride)
    return -1;
  m->cap = oldcap ? oldcap * 2 : FIRST_CAP;
  m->slots = calloc(m->cap, m->stride);
  if (m->slots == NULL) {
    m->slots = old;
    m->cap = oldcap;
    return -1;
  }
  for (i = 0; i < oldcap; i++) {
    memcpy(&key, old + i * m->stride, sizeof(key));
    if (key != 0)
      memcpy(slot(m, probe(m, key)), old + i * m->stride, m->stride);
  }
  free(old);
  return 0;
}

void *ap_imap_get(struct ap_imap *m, uint64_t idx, int *added) {
  uint64_t key = idx + 1;
  size_t i;

  if (added != NULL)
    *added = 0;
  if (m->cap > 0) {
    i = probe(m, key);
    if (key_at(m, i) != 0)
      return slot(m, i) + KEY_SIZE;
  }
  /* Keep the load at most 1/2, so that probe runs stay short. */
  if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
    return NULL;
  i = probe(m, key);
  memset(slot(m, i), 0, m->stride);
  memcpy(slot(m, i), &key, sizeof(key));
  m->n++;
  if (added != NULL)
    *added = 1;
  return slot(m, i) + KEY_SIZE;
}

int ap_imap_del(struct ap_imap *m, uint64_t idx) {
  size_t mask = m->cap - 1, i, j, h;
  uint64_t key;

  if (m->n == 0)
    return 0;
  i = probe(m, idx + 1);
  if (key_at(m, i) == 0)
    return 0;
  memset(slot(m, i), 0, KEY_SIZE);
  m->n--;
  /* Backward shift: a later record of the same run moves into the hole
   * unless its home lies cyclically in (hole, j], where a lookup for it
   * starts after the hole and would still find it. */
  for (j = (i + 1) & mask; (key = key_at(m, j)) != 0; j = (j + 1) & mask) {
    h = home(m, key);
    if (((j - h) & mask) >= ((j - i) & mask)) {
      memcpy(slot(m, i), slot(m, j), m->stride);
      memset(slot(m, j), 0, KEY_SIZE);
      i = j;
    }
  }
  return 1;
}

void *ap_imap_next(const struct ap_imap *m, size_t *pos, uint64_t *idx) {
  uint64_t key;

  for (; *pos < m->cap; (*pos)++) {
    key = key_at(m, *pos);
    if (key != 0) {
      if (idx != NULL)
        *idx = key - 1;
      return slot(m, (*pos)++) + KEY_SIZE;
    }
  }
  return NULL;
}
