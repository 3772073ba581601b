/* vec.c - see vec.h. */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

int ap_vec_reserve(void *pp, size_t *cap, size_t n, size_t elem) {
  size_t want;
  void *v, *p;

  if (n < *cap)
    return 0;
  want = *cap ? *cap * 2 : 16;
  if (want < n + 1 || want > SIZE_MAX / elem)
    return UV_ENOMEM;
  memcpy(&v, pp, sizeof(v));
  p = realloc(v, want * elem);
  if (p == NULL)
    return UV_ENOMEM;
  memcpy(pp, &p, sizeof(p));
  *cap = want;
  return 0;
}
