/* vec.h - growable arrays.
 *
 * An array is three things its owner keeps: a pointer, a count and a
 * capacity.  ap_vec_reserve() makes room for one more element, doubling
 * the capacity (from 16) when it is full; the owner then stores the
 * element at v[n] and counts it.  The pointer may move: never keep a
 * pointer into the array across a reserve.
 */
#ifndef AP_VEC_H
#define AP_VEC_H

#include <stddef.h>

/* Makes room for element n of the array whose pointer is at pp (any
 * object pointer type: it is read and written as bytes) and which holds
 * *cap elements of size elem.  Returns 0 or UV_ENOMEM (then the array is
 * unchanged).  Use it through AP_VEC_RESERVE(p, cap, n). */
int ap_vec_reserve(void *pp, size_t *cap, size_t n, size_t elem);

#define AP_VEC_RESERVE(p, cap, n) \
  ap_vec_reserve(&(p), &(cap), (n), sizeof(*(p)))

#endif
