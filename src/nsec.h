/* nsec.h - units of time on the monotonic clock.
 *
 * uv_hrtime() counts nanoseconds; timers and options count milliseconds.
 * The conversions are defined here once.  No state, no memory.
 */
#ifndef AP_NSEC_H
#define AP_NSEC_H

#define AP_NS_PER_MS 1000000ULL
#define AP_NS_PER_S 1000000000ULL

#endif
