/* test-telnet.c - the Telnet option state machine. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "telnet.h"

#define IAC 255
#define DONT 254
#define DO 253
#define WONT 252
#define WILL 251
#define SB 250
#define GA 249
#define NOP 241
#define SE 240

struct out {
  uint8_t text[4096];
  size_t ntext;
  struct ap_telnet t;
};

static void feed_all(struct out *o, const uint8_t *in, size_t n) {
  o->ntext += ap_telnet_feed(&o->t, in, n, o->text + o->ntext,
                             sizeof(o->text) - o->ntext);
}

static void start(struct out *o) {
  memset(o, 0, sizeof(*o));
  ap_telnet_init(&o->t);
}

static int text_is(const struct out *o, const char *s) {
  return o->ntext == strlen(s) && memcmp(o->text, s, o->ntext) == 0;
}

static int reply_is(const struct out *o, const uint8_t *r, size_t n) {
  return o->t.nreply == n && memcmp(o->t.reply, r, n) == 0;
}

static void test_plain_text(void) {
  static const uint8_t in[] = "hello\r\nworld";
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in) - 1);
  EXPECT(text_is(&o, "hello\r\nworld"));
  EXPECT(o.t.nreply == 0);
}

/* DO -> WONT, WILL -> DONT, WONT and DONT need no answer; the text around
 * the commands is kept in order. */
static void test_refuses_options(void) {
  static const uint8_t in[] = { 'a', IAC, DO, 24, 'b', IAC, WILL, 1, 'c',
                                IAC, WONT, 3, IAC, DONT, 5, 'd' };
  static const uint8_t want[] = { IAC, WONT, 24, IAC, DONT, 1 };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(text_is(&o, "abcd"));
  EXPECT(reply_is(&o, want, sizeof(want)));
}

/* A repeated request gets no second answer: no negotiation loop. */
static void test_answers_once(void) {
  static const uint8_t in[] = { IAC, DO, 31, IAC, DO, 31, IAC, WILL, 31,
                                IAC, WILL, 31, IAC, DO, 31, IAC, DO, 32 };
  static const uint8_t want[] = { IAC, WONT, 31, IAC, DONT, 31,
                                  IAC, WONT, 32 };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(o.ntext == 0);
  EXPECT(reply_is(&o, want, sizeof(want)));
}

static void test_iac_iac_is_0xff(void) {
  static const uint8_t in[] = { 'x', IAC, IAC, 'y', IAC, IAC, IAC, IAC };
  static const uint8_t want[] = { 'x', 0xff, 'y', 0xff, 0xff };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(o.ntext == sizeof(want) && memcmp(o.text, want, sizeof(want)) == 0);
  EXPECT(o.t.nreply == 0);
}

/* SB ... IAC SE is skipped, also with IAC IAC (an escaped 0xFF) and bytes
 * that look like commands inside it. */
static void test_subnegotiation(void) {
  static const uint8_t in[] = { 'a', IAC, SB, 24, 1, IAC, IAC, WILL, DO, 7,
                                IAC, SE, 'b', IAC, SB, IAC, SE, 'c' };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(text_is(&o, "abc"));
  EXPECT(o.t.nreply == 0);
}

/* IAC followed by a command other than SE inside SB ends the SB, and the
 * command is obeyed. */
static void test_subnegotiation_without_se(void) {
  static const uint8_t in[] = { IAC, SB, 24, 1, IAC, DO, 24, 'o', 'k' };
  static const uint8_t want[] = { IAC, WONT, 24 };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(text_is(&o, "ok"));
  EXPECT(reply_is(&o, want, sizeof(want)));
}

/* A subnegotiation that never ends is abandoned after AP_TELNET_SB_MAX
 * bytes: what follows is text again. */
static void test_subnegotiation_bounded(void) {
  uint8_t *in = malloc(AP_TELNET_SB_MAX + 10);
  struct out o;

  start(&o);
  in[0] = IAC;
  in[1] = SB;
  memset(in + 2, 'z', AP_TELNET_SB_MAX);
  memcpy(in + 2 + AP_TELNET_SB_MAX, "login:", 6);
  feed_all(&o, in, AP_TELNET_SB_MAX + 8);
  EXPECT(text_is(&o, "login:"));
  EXPECT(o.t.sb_aborted == 1);
  free(in);
}

static void test_other_commands_dropped(void) {
  static const uint8_t in[] = { 'a', IAC, NOP, 'b', IAC, GA, 'c', IAC, SE,
                                IAC, 'Q', 'd' };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(text_is(&o, "abcd"));
  EXPECT(o.t.nreply == 0);
  EXPECT(o.t.commands == 4);
}

/* CR NUL is a bare CR; CR LF and a CR before anything else stay. */
static void test_cr_nul(void) {
  static const uint8_t in[] = { 'a', '\r', 0, 'b', '\r', '\n', 'c', '\r',
                                IAC, IAC, 0 };
  static const uint8_t want[] = { 'a', '\r', 'b', '\r', '\n', 'c', '\r',
                                  0xff, 0 };
  struct out o;

  start(&o);
  feed_all(&o, in, sizeof(in));
  EXPECT(o.ntext == sizeof(want) && memcmp(o.text, want, sizeof(want)) == 0);
}

/* A stream that exercises every state, ending in a prompt. */
static const uint8_t stream[] = {
  IAC, DO, 24, IAC, DO, 32, IAC, WILL, 1, IAC, WILL, 3, IAC, SB, 24, 1,
  IAC, IAC, IAC, SE, 'W', 'e', 'l', 'c', 'o', 'm', 'e', '\r', '\n', IAC,
  NOP, 'x', IAC, IAC, 'y', '\r', 0, IAC, DO, 24, IAC, SB, 31, 0, 80, IAC, SE,
  'h', 'o', 's', 't', ' ', 'l', 'o', 'g', 'i', 'n', ':', ' '
};

/* Feeding in two parts split at every position, or one byte at a time,
 * gives the same text and the same replies as feeding it whole. */
static void test_split_anywhere(void) {
  struct out whole, part;
  size_t cut, i;
  int same = 1;

  start(&whole);
  feed_all(&whole, stream, sizeof(stream));
  EXPECT(text_is(&whole, "Welcome\r\nx\xffy\rhost login: "));
  EXPECT(whole.t.nreply == 12);
  for (cut = 0; cut <= sizeof(stream); cut++) {
    start(&part);
    feed_all(&part, stream, cut);
    feed_all(&part, stream + cut, sizeof(stream) - cut);
    same &= part.ntext == whole.ntext &&
            memcmp(part.text, whole.text, whole.ntext) == 0 &&
            reply_is(&part, whole.t.reply, whole.t.nreply);
  }
  EXPECT(same);
  start(&part);
  for (i = 0; i < sizeof(stream); i++)
    feed_all(&part, stream + i, 1);
  EXPECT(part.ntext == whole.ntext &&
         memcmp(part.text, whole.text, whole.ntext) == 0);
  EXPECT(reply_is(&part, whole.t.reply, whole.t.nreply));
}

/* Decoding in place (out == in), as the connection code does. */
static void test_in_place(void) {
  uint8_t buf[sizeof(stream)];
  struct out whole;
  struct ap_telnet t;
  size_t n, cut = 17;

  start(&whole);
  feed_all(&whole, stream, sizeof(stream));
  ap_telnet_init(&t);
  memcpy(buf, stream, sizeof(stream));
  n = ap_telnet_feed(&t, buf, cut, buf, cut);
  memmove(buf + n, stream + cut, sizeof(stream) - cut);
  n += ap_telnet_feed(&t, buf + n, sizeof(stream) - cut, buf + n,
                      sizeof(stream) - n);
  EXPECT(n == whole.ntext && memcmp(buf, whole.text, n) == 0);
}

static void test_outcap(void) {
  static const uint8_t in[] = { 'a', 'b', IAC, DO, 1, 'c', 'd' };
  static const uint8_t want[] = { IAC, WONT, 1 };
  uint8_t out[3];
  struct ap_telnet t;

  ap_telnet_init(&t);
  EXPECT(ap_telnet_feed(&t, in, sizeof(in), out, 3) == 3);
  EXPECT(memcmp(out, "abc", 3) == 0);
  /* Commands after the cap are still answered. */
  EXPECT(t.nreply == 3 && memcmp(t.reply, want, 3) == 0);
}

/* Endless requests, for every option, again and again: the replies stop at
 * one per option and verb, and the memory is the struct's. */
static void test_endless_options(void) {
  uint8_t buf[3 * 512];
  struct ap_telnet t;
  unsigned round, opt;
  size_t n = 0;

  ap_telnet_init(&t);
  for (round = 0; round < 200; round++) {
    for (opt = 0; opt < 256; opt++) {
      buf[6 * (opt % 256)] = IAC;
      buf[6 * (opt % 256) + 1] = DO;
      buf[6 * (opt % 256) + 2] = (uint8_t) opt;
      buf[6 * (opt % 256) + 3] = IAC;
      buf[6 * (opt % 256) + 4] = WILL;
      buf[6 * (opt % 256) + 5] = (uint8_t) opt;
    }
    n += ap_telnet_feed(&t, buf, sizeof(buf), buf, sizeof(buf));
    EXPECT(t.nreply <= AP_TELNET_REPLY_MAX);
  }
  EXPECT(n == 0);
  EXPECT(t.nreply == AP_TELNET_REPLY_MAX);
  EXPECT(t.reply[0] == IAC && t.reply[1] == WONT && t.reply[2] == 0);
  EXPECT(t.reply[3] == IAC && t.reply[4] == DONT && t.reply[5] == 0);
}

/* Random bytes never overrun anything and never produce more text than
 * they had bytes. */
static void test_random(void) {
  uint8_t in[512], out[512];
  struct ap_telnet t;
  unsigned seed = 12345, i, round;
  size_t n;
  int ok = 1;

  ap_telnet_init(&t);
  for (round = 0; round < 2000; round++) {
    for (i = 0; i < sizeof(in); i++) {
      seed = seed * 1103515245u + 12345u;
      /* Mostly command bytes, so that every state is visited. */
      in[i] = (uint8_t) ((seed >> 16) % 4 == 0 ? (seed >> 8)
                                               : 240 + (seed >> 20) % 16);
    }
    n = ap_telnet_feed(&t, in, sizeof(in), out, sizeof(out));
    ok &= n <= sizeof(in) && t.nreply <= AP_TELNET_REPLY_MAX;
  }
  EXPECT(ok);
}

int main(void) {
  RUN(test_plain_text);
  RUN(test_refuses_options);
  RUN(test_answers_once);
  RUN(test_iac_iac_is_0xff);
  RUN(test_subnegotiation);
  RUN(test_subnegotiation_without_se);
  RUN(test_subnegotiation_bounded);
  RUN(test_other_commands_dropped);
  RUN(test_cr_nul);
  RUN(test_split_anywhere);
  RUN(test_in_place);
  RUN(test_outcap);
  RUN(test_endless_options);
  RUN(test_random);
  return tap_done();
}
