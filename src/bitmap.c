/* bitmap.c - see bitmap.h. */
#include "bitmap.h"

#include <stdlib.h>
#include <uv.h>

int ap_bitmap_init(struct ap_bitmap *b, uint64_t n) {
  /* One byte more than needed, so that n = 0 is an allocation too. */
  b->bits = calloc(AP_BITMAP_BYTES(n) + 1, 1);
  b->n = b->bits != NULL ? n : 0;
  return b->bits != NULL ? 0 : UV_ENOMEM;
}

void ap_bitmap_release(struct ap_bitmap *b) {
  free(b->bits);
  b->bits = NULL;
  b->n = 0;
}
