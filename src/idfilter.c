/* idfilter.c - see idfilter.h. */
#include "idfilter.h"

#include <errno.h>
#include <sys/socket.h>
#include <uv.h>

#define PASS 0x40000u /* bytes of a packet to keep: all of it */

static struct sock_filter op(uint16_t code, uint32_t k) {
  struct sock_filter f = { code, 0, 0, k };
  return f;
}

static struct sock_filter jeq(uint32_t k, uint8_t jt, uint8_t jf) {
  struct sock_filter f = { BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k };
  return f;
}

/* IPv4: X = the header's length; the type; an echo reply's identifier at
 * X+4; an error's quoted request after the 8 bytes of the error header
 * and the quoted IPv4 header, its identifier 4 bytes in. */
static size_t build4(uint16_t ident, struct sock_filter *p) {
  p[0] = op(BPF_LDX | BPF_B | BPF_MSH, 0);
  p[1] = op(BPF_LD | BPF_B | BPF_IND, 0);
  p[2] = jeq(0, 2, 0);          /* echo reply: 5 */
  p[3] = jeq(3, 3, 0);          /* destination unreachable: 7 */
  p[4] = jeq(11, 2, 10);        /* time exceeded: 7, else drop */
  p[5] = op(BPF_LD | BPF_H | BPF_IND, 4);
  p[6] = jeq(ident, 7, 8);
  p[7] = op(BPF_LD | BPF_B | BPF_IND, 8);
  p[8] = op(BPF_ALU | BPF_AND | BPF_K, 0xf);
  p[9] = op(BPF_ALU | BPF_LSH | BPF_K, 2);
  p[10] = op(BPF_ALU | BPF_ADD | BPF_X, 0);
  p[11] = op(BPF_MISC | BPF_TAX, 0);
  p[12] = op(BPF_LD | BPF_H | BPF_IND, 12);
  p[13] = jeq(ident, 0, 1);
  p[14] = op(BPF_RET | BPF_K, PASS);
  p[15] = op(BPF_RET | BPF_K, 0);
  return 16;
}

/* IPv6: no IP header; an error quotes the 40-byte IPv6 header (extension
 * headers there are not followed: such an error is dropped). */
static size_t build6(uint16_t ident, struct sock_filter *p) {
  p[0] = op(BPF_LD | BPF_B | BPF_ABS, 0);
  p[1] = jeq(129, 2, 0);        /* echo reply: 4 */
  p[2] = jeq(1, 3, 0);          /* destination unreachable: 6 */
  p[3] = jeq(3, 2, 5);          /* time exceeded: 6, else drop */
  p[4] = op(BPF_LD | BPF_H | BPF_ABS, 4);
  p[5] = jeq(ident, 2, 3);
  p[6] = op(BPF_LD | BPF_H | BPF_ABS, 8 + 40 + 4);
  p[7] = jeq(ident, 0, 1);
  p[8] = op(BPF_RET | BPF_K, PASS);
  p[9] = op(BPF_RET | BPF_K, 0);
  return 10;
}

size_t ap_idfilter_build(int family, uint16_t ident, struct sock_filter *prog) {
  return family == AF_INET ? build4(ident, prog) : build6(ident, prog);
}

int ap_idfilter_attach(int fd, int family, uint16_t ident) {
  struct sock_filter prog[AP_IDFILTER_MAX];
  struct sock_fprog fp;

  fp.len = (unsigned short) ap_idfilter_build(family, ident, prog);
  fp.filter = prog;
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) != 0)
    return uv_translate_sys_error(errno);
  return 0;
}
