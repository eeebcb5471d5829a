/* Java-syntax regular expressions run by a Pike VM.
 *
 * The pattern is compiled to a program of instructions (Thompson's
 * construction, with SPLIT ordered by preference).  The VM runs every thread
 * in lock step over the input, one list of threads per position, in the order
 * a backtracking matcher would try them; a thread that reaches an instruction
 * already reached at this position by a thread before it is dropped, since
 * that one would win anyway.  So the first thread to reach MATCH is the one
 * Java's backtracking Matcher would return (leftmost-first), with the same
 * groups, and the work is O(input * program) whatever the pattern.
 *
 * Characters: the input is UTF-8 and '.', classes and their negations consume
 * one code point as Java consumes one char (a byte that does not start a
 * valid sequence is taken alone, as the U+FFFD Java would have decoded).
 * A thread consuming a k-byte sequence waits k-1 steps in the lists
 * ("pending") so that threads keep their order.
 *
 * Empty iterations: Java leaves a loop after an iteration that matched
 * nothing (Loop: "i > beginIndex").  A repetition whose body can match empty
 * marks the position where each iteration starts (MARK) and leaves the loop
 * when the body ended there (IFEMPTY), so (a|)* on "aa" ends with group 1 at
 * (2,2) as in Java, not (1,2).
 *
 * The same for a capturing group that can never consume anything (Java's
 * GroupCurly): its optional iterations do not record it, so ()* leaves group
 * 1 unset while ()? sets it.
 *
 * Known differences from java.util.regex:
 * - \b and \B use ASCII word characters, as Java 19 and later (Java up to 18
 *   counts every Unicode letter and digit, while \w is ASCII in both).
 * - Java does not undo the groups a failed GroupCurly attempt set inside it
 *   ((())*x|y on "y" leaves group 2 at (0,0)); here a failed path leaves no
 *   trace.
 * - Invalid UTF-8 is one character per byte (Java's decoder may merge a
 *   truncated sequence into one U+FFFD).
 * - A few patterns Java accepts oddly are refused: "{2}" alone, "a?{2}",
 *   "a{2}{3}", "[&&a]"; and those the header lists as unsupported.
 *
 * Faster ways, each giving the VM's result (the tests and fuzzers hold them
 * to it): a program with no loop that can match empty runs by a
 * backtracker within a budget linear in the input (rx_bt); and the part of
 * it up to its first loop that is not over one character (most log
 * patterns whole: fields, the literals between them,
 * alternations) as a list of steps, each doing the work of several
 * instructions (rx_run); a long alternation jumps to the first branch the
 * next byte can start; past a few passes' worth of the budget the steps
 * skip what they have tried before from the same step and place (rx_seen),
 * and a run gives back straight to the next place not tried (rx_memo_last).
 *
 * Memory: rx_compile parses the pattern twice, first counting then emitting,
 * and takes what the program, its thread lists and its steps need from the
 * arena.  rx_exec allocates nothing and uses a few words of stack. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "find.h"
#include "fmt.h"
#include "hex.h"
#include "rx.h"
#include "simd.h"
#include "unaligned.h"
#include "utf8.h"

#define RX_MAX_INST	10000		/* program size; {m,n} copies its operand */
#define RX_MAX_DEPTH	100		/* nesting of groups */
#define RX_MAX_COUNT	100000		/* largest m or n in {m,n} */
#define RX_MAX_LISTMEM	(4 * 1024 * 1024)	/* bytes of thread lists */
#define RX_MAX_REGS	16		/* nesting of repetitions that can match empty */
#define RX_BT_FRAMES	2048		/* the backtracker's stack */
/* The backtracker's steps: this many per byte of input, plus a base; past
 * them the Pike VM runs instead (so the whole stays linear). */
#define RX_BT_PER_BYTE	32
#define RX_BT_BASE	1024
/* Once that budget is down by this many per byte and a base (a few passes
 * over the line: a pattern that passes once never gets there), the steps
 * remember where a pass was resumed (rx_seen), for lines of up to this many
 * (step, place) pairs and distinct continuations, and are given this much
 * more a pair. */
#define RX_MEMO_AFTER_PER_BYTE	4
#define RX_MEMO_AFTER_BASE	128
#define RX_MEMO_BITS	(1 << 16)
#define RX_MEMO_PER	16
/* A run gives back this far or farther to a continuation that starts with
 * one byte: that byte is looked for a word at a time (find_byte_last). */
#define RX_BACK_FAR	16

/* The first three wait for input (or the end); the rest are followed at once. */
enum {
	OP_BYTE,	/* c: the byte */
	OP_CLASS,	/* x: class index; one code point */
	OP_MATCH,
	OP_JMP,		/* x */
	OP_SPLIT,	/* x (preferred), y */
	OP_SAVE,	/* x: capture slot */
	OP_ASSERT,	/* c: AS_* */
	OP_MARK,	/* x: register; keeps the position */
	OP_IFEMPTY,	/* x: register, y: where to go if nothing was consumed since MARK */
};

enum { AS_BEGIN, AS_END, AS_DOLLAR, AS_WORDB, AS_NWORDB };

struct rx_inst {
	uint8_t op;
	uint8_t c;
	uint16_t loops;	/* the registers of the loop bodies it is in */
	int32_t x, y;
};

struct rx_range {
	uint32_t lo, hi;
};

struct rx_class {
	uint32_t ascii[4];	/* code points 0..127 */
	uint32_t first, n;	/* ranges of code points >= 128 */
	uint8_t neg;
	uint32_t in[4];		/* code points 0..127 in the class, negation applied */
	uint8_t ascii_in[256];	/* the same by byte; 0 from 0x80 (decoded first) */
};

/* The bytes a path from some instruction can consume first, and whether it
 * can reach MATCH consuming nothing (then it may succeed wherever it is). */
struct rx_set {
	uint32_t b[8];
	int empty;
};

/* A SPLIT's two sets as one lookup: for each byte, 2 bits (1: the
 * preferred branch may start with it, 2: the other may); end for no byte
 * left.  One load decides the common case of a single branch to follow. */
struct rx_ways {
	uint8_t t[64];
	uint8_t end;
};

/* A backtracking frame: an alternative to try, a capture slot to restore,
 * or a range of positions to go on from (a fast loop's). */
enum { BT_ALT, BT_UNDO, BT_RANGE };
struct rx_frame {
	int32_t kind, pc, a, b;	/* ALT: pc at a; UNDO: slot a was b; RANGE: SPLIT pc's y at b, b-1 .. a */
};

/* The program up to its first loop that is not over one character, as
 * steps (rx_steps): a literal, a run of one character X (X{m}, X+, X*,
 * X{m,}; with the literal after it when it never gives back), a lazy run
 * (X*?; X+? is X then X*?), an assertion, a choice (alternation, X?), a
 * jump to where branches meet, the match, or the rest of the program (the
 * tail), left to the backtracker.  Each step first saves the position in
 * up to two slots.  A run that may give back keeps one frame, the places
 * lo..hi its continuation may start at, longest first; a lazy run one, the
 * place it tried last; a choice that may take either branch one for the
 * other. */
enum { ST_LIT, ST_RUN, ST_LAZY, ST_ASSERT, ST_MATCH, ST_TAIL, ST_SAVE, ST_ALT, ST_JMP };
struct rx_step {
	uint8_t kind;
	uint8_t back;		/* RUN: may give back */
	uint8_t plus;		/* RUN: X+, its one taken by the scan */
	uint8_t words;		/* RUN: scanned a word at a time (rx_scan_words): 1 below wlo, 2 also wex */
	uint8_t lend;		/* LAZY: its continuation may match at the end */
	int16_t csi;		/* RUN that may give back, with cs: which of the distinct cs it has */
	int16_t csonly;		/* and the one byte cs holds, else < 0 (find_only) */
	int16_t sv[2];		/* slots to save first; 1 for none (group 0's end: saved last, before the match) */
	int32_t a;		/* RUN: min; ASSERT: AS_*; TAIL: pc; ALT, JMP: a step */
	int32_t b;		/* RUN: -1 for no limit, else a (X{m}); ALT: the other step */
	int32_t la, lb;		/* LIT, and a RUN that never gives back: the literal (after it), lit[la .. la + lb) */
	int16_t lsv[2];		/* RUN: slots to save before its literal, as sv */
	int32_t cls;		/* RUN: X's class, -1 for a byte; ALT: its pc */
	int32_t r, nr;		/* ALT: the slots it unsets, resets[r .. r + nr) */
	unsigned long lw, lmask;	/* the literal's bytes as a word, and which; 0 when longer */
	const uint8_t *in;	/* RUN: for each byte, whether it is an ASCII X; LAZY: one where cs is 0 */
	const uint8_t *xin;	/* LAZY: for each byte, whether it is an ASCII X */
	unsigned long wlo, wex;	/* RUN: X takes every ASCII byte from wlo's but wex's (each byte of a word the same) */
	const struct rx_ways *wy;	/* ALT: its ways, or NULL */
	const int16_t *hop;	/* ALT heading a chain: for each byte, the chain's first choice to try, or NULL */
	const uint8_t *cs;	/* RUN that may give back, LAZY: for each byte, whether its continuation may
				 * start with it, or NULL */
};
struct rx_stepframe {
	int32_t k, lo, hi;	/* RUN: its step, the places left; ALT: the other branch's step at lo, the ALT */
	int16_t mb, alt;	/* RUN: it took a multi-byte character; 1: an ALT's frame, 2: a LAZY's at lo */
};

/* A thread list: each entry is pc, pending bytes, then nslots ints. */
struct rx_list {
	int n;
	int *e;
};

struct rx {
	struct rx_inst *prog;
	int ninst;
	struct rx_class *cls;
	struct rx_range *rng;
	int ngroups;
	int nsave;		/* 2 * (ngroups + 1) capture slots */
	int nslots;		/* capture slots then MARK registers */
	int stride;		/* ints per list entry */
	int listcap;
	int firstbyte;		/* every match starts with this byte, or -1 */
	uint8_t *skip;		/* else, for each byte, whether no match can start there, or NULL */
	int modes;		/* 1 + the deepest nesting of loop bodies */
	uint32_t gen;
	uint32_t *seen;		/* per instruction and mode: the stamp of the last position reached at */
	int *stack;		/* (pc or -1-slot, value) pairs */
	int *work;		/* the slots of the thread being followed */
	struct rx_list l[2];
	int bt;			/* the backtracker may run it (no loop can match empty) */
	int32_t *fset;		/* per SPLIT: its ways, ways[fset[pc]] */
	struct rx_ways *ways;
	struct rx_step *steps;	/* the program up to its tail as steps, or NULL */
	struct rx_stepframe *sframes;	/* one per step */
	uint8_t *lit;		/* the steps' literal bytes */
	int *tailslots;		/* the slots no step saves */
	int *resets;		/* the slots the steps' choices unset */
	int ntailslots;
	int nsteps;
	int64_t memo_at;	/* rx_exec: the budget below which rx_seen runs */
	size_t memo_w;		/* rx_seen: words a row, while it runs */
	int ncs;		/* distinct cs of the give-back runs */
	uint8_t *memo_cs;	/* per cs: its row of places was made */
};

/* The backtracker's stack, one for all patterns: a run never calls another. */
static struct rx_frame rx_frames[RX_BT_FRAMES];
/* rx_seen's bits, one for all patterns too: a row of places a step, then
 * one for each distinct cs (rx_memo_last) */
#define RX_WBITS	(CHAR_BIT * sizeof(unsigned long))
static unsigned long rx_memo[RX_MEMO_BITS / RX_WBITS];

/* Compiler state.  With prog == NULL nothing is written, only counted. */
struct rxc {
	const unsigned char *p;
	size_t len, pos;
	struct rx_inst *prog;
	int n;
	int peak;		/* the most instructions at any time: X{0} drops X */
	struct rx_class *cls;
	int ncls;
	struct rx_range *rng;
	int nrng;
	int ngroups;
	size_t name[RX_MAX_GROUPS + 1];	/* where each group's name is, 0 for none */
	int depth;
	int inquote;
	int failed;
	char *err;
	size_t errcap;
};

/* What a parsed piece can do: match the empty string, and how many MARK
 * registers its loops use (nested loops take distinct ones). */
struct rxf {
	int nullable;
	int regs;
	int zw;		/* never consumes */
	int det;	/* has no choice to make (Java's TreeInfo.deterministic) */
	int group;	/* the capturing group it is, or 0 */
};

static int rx_fail(struct rxc *c, size_t at, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (c->failed)
		return -1;
	c->failed = 1;
	if (!c->err || !c->errcap)
		return -1;
	k = fmt_snprintf(c->err, c->errcap, "at %zu: ", at);
	if (k >= 0 && (size_t)k < c->errcap) {
		va_start(ap, fmt);
		fmt_vsnprintf(c->err + k, c->errcap - k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int rx_emit(struct rxc *c, int op, int ch, int x, int y)
{
	if (c->n >= RX_MAX_INST) {
		rx_fail(c, c->pos, "pattern too large (more than %d instructions)", RX_MAX_INST);
		return c->n;
	}
	if (c->prog) {
		c->prog[c->n].op = op;
		c->prog[c->n].c = ch;
		c->prog[c->n].x = x;
		c->prog[c->n].y = y;
	}
	if (c->n + 1 > c->peak)
		c->peak = c->n + 1;
	return c->n++;
}

/* The instruction fields that hold program addresses. */
static int rx_targets(struct rx_inst *in, int32_t **t)
{
	switch (in->op) {
	case OP_JMP:
		t[0] = &in->x;
		return 1;
	case OP_SPLIT:
		t[0] = &in->x;
		t[1] = &in->y;
		return 2;
	case OP_IFEMPTY:
		t[0] = &in->y;
		return 1;
	}
	return 0;
}

/* Opens k slots at `at`.  A jump to `at` from before it now reaches the new
 * instructions (they are the entry of what starts there); one from the code
 * that moved keeps reaching the instruction it meant. */
static void rx_insert(struct rxc *c, int at, int k)
{
	int32_t *t[2];

	if (c->n + k > RX_MAX_INST) {
		rx_fail(c, c->pos, "pattern too large (more than %d instructions)", RX_MAX_INST);
		return;
	}
	if (c->prog) {
		memmove(c->prog + at + k, c->prog + at, (size_t)(c->n - at) * sizeof *c->prog);
		for (int i = 0; i < c->n + k; i++) {
			if (i >= at && i < at + k)
				continue;
			for (int j = rx_targets(&c->prog[i], t); j-- > 0;)
				if (*t[j] > at || (*t[j] == at && i >= at + k))
					*t[j] += k;
		}
	}
	c->n += k;
	if (c->n > c->peak)
		c->peak = c->n;
}

/* Appends a copy of [s,e); its jumps within [s,e] follow it. */
static void rx_copy(struct rxc *c, int s, int e)
{
	int32_t *t[2];
	int d = c->n - s;

	if (c->prog) {
		for (int i = s; i < e; i++) {
			struct rx_inst *in = &c->prog[c->n + i - s];
			*in = c->prog[i];
			for (int j = rx_targets(in, t); j-- > 0;)
				if (*t[j] >= s && *t[j] <= e)
					*t[j] += d;
		}
	}
	c->n += e - s;
	if (c->n > c->peak)
		c->peak = c->n;
}

/* Classes.  A class is the ASCII bitmap plus ranges above, then negated. */
static int rx_newclass(struct rxc *c, int neg)
{
	if (c->cls) {
		memset(&c->cls[c->ncls], 0, sizeof c->cls[c->ncls]);
		c->cls[c->ncls].first = c->nrng;
		c->cls[c->ncls].neg = neg;
	}
	return c->ncls++;
}

static void rx_addrange(struct rxc *c, int k, uint32_t lo, uint32_t hi)
{
	for (; lo <= hi && lo < 128; lo++)
		if (c->cls)
			c->cls[k].ascii[lo >> 5] |= 1u << (lo & 31);
	if (lo > hi)
		return;
	if (c->cls) {
		c->rng[c->nrng].lo = lo;
		c->rng[c->nrng].hi = hi;
		c->cls[k].n++;
	}
	c->nrng++;
}

/* Predefined classes as sorted ranges; the upper-case letter is the
 * complement.  ASCII meanings, as Java without UNICODE_CHARACTER_CLASS. */
struct rx_builtin {
	const char *name;	/* the escape letter, or the \p{name} */
	const struct rx_range *r;
	int n;
};

static const struct rx_range rx_r_digit[] = { { '0', '9' } };
static const struct rx_range rx_r_word[] = { { '0', '9' }, { 'A', 'Z' }, { '_', '_' }, { 'a', 'z' } };
static const struct rx_range rx_r_space[] = { { '\t', '\r' }, { ' ', ' ' } };
static const struct rx_range rx_r_hspace[] = { { '\t', '\t' }, { ' ', ' ' }, { 0xa0, 0xa0 },
	{ 0x1680, 0x1680 }, { 0x180e, 0x180e }, { 0x2000, 0x200a }, { 0x202f, 0x202f },
	{ 0x205f, 0x205f }, { 0x3000, 0x3000 } };
static const struct rx_range rx_r_vspace[] = { { '\n', '\r' }, { 0x85, 0x85 }, { 0x2028, 0x2029 } };
/* The line terminators '.' does not match (Java without DOTALL / UNIX_LINES). */
static const struct rx_range rx_r_lineterm[] = { { '\n', '\n' }, { '\r', '\r' }, { 0x85, 0x85 },
	{ 0x2028, 0x2029 } };
static const struct rx_range rx_r_lower[] = { { 'a', 'z' } };
static const struct rx_range rx_r_upper[] = { { 'A', 'Z' } };
static const struct rx_range rx_r_ascii[] = { { 0, 0x7f } };
static const struct rx_range rx_r_alpha[] = { { 'A', 'Z' }, { 'a', 'z' } };
static const struct rx_range rx_r_alnum[] = { { '0', '9' }, { 'A', 'Z' }, { 'a', 'z' } };
static const struct rx_range rx_r_punct[] = { { '!', '/' }, { ':', '@' }, { '[', '`' }, { '{', '~' } };
static const struct rx_range rx_r_graph[] = { { '!', '~' } };
static const struct rx_range rx_r_print[] = { { ' ', '~' } };
static const struct rx_range rx_r_blank[] = { { '\t', '\t' }, { ' ', ' ' } };
static const struct rx_range rx_r_cntrl[] = { { 0, 0x1f }, { 0x7f, 0x7f } };
static const struct rx_range rx_r_xdigit[] = { { '0', '9' }, { 'A', 'F' }, { 'a', 'f' } };

#define RX_B(name, r) { name, r, sizeof r / sizeof r[0] }
static const struct rx_builtin rx_escclass[] = {
	RX_B("d", rx_r_digit), RX_B("w", rx_r_word), RX_B("s", rx_r_space),
	RX_B("h", rx_r_hspace), RX_B("v", rx_r_vspace),
};
/* Java's POSIX character classes (US-ASCII only, as Java by default). */
static const struct rx_builtin rx_posix[] = {
	RX_B("Lower", rx_r_lower), RX_B("Upper", rx_r_upper), RX_B("ASCII", rx_r_ascii),
	RX_B("Alpha", rx_r_alpha), RX_B("Digit", rx_r_digit), RX_B("Alnum", rx_r_alnum),
	RX_B("Punct", rx_r_punct), RX_B("Graph", rx_r_graph), RX_B("Print", rx_r_print),
	RX_B("Blank", rx_r_blank), RX_B("Cntrl", rx_r_cntrl), RX_B("XDigit", rx_r_xdigit),
	RX_B("Space", rx_r_space),
};

static const struct rx_builtin rx_dot = RX_B(".", rx_r_lineterm);

static void rx_addbuiltin(struct rxc *c, int k, const struct rx_builtin *b, int neg)
{
	uint32_t lo = 0;

	if (!neg) {
		for (int i = 0; i < b->n; i++)
			rx_addrange(c, k, b->r[i].lo, b->r[i].hi);
		return;
	}
	for (int i = 0; i < b->n; i++) {
		if (b->r[i].lo > lo)
			rx_addrange(c, k, lo, b->r[i].lo - 1);
		lo = b->r[i].hi + 1;
	}
	rx_addrange(c, k, lo, 0x10ffff);
}

/* A literal character of the pattern itself: one UTF-8 sequence, or one
 * byte if it is not valid UTF-8 (matched as that byte). */
static int rx_patchar(struct rxc *c, uint32_t *cp, int *raw)
{
	int k = utf8_decode(c->p + c->pos, c->len - c->pos, cp);

	*raw = k == 1 && c->p[c->pos] >= 0x80;
	if (*raw)
		*cp = c->p[c->pos];
	c->pos += k;
	return k;
}

static void rx_emitchar(struct rxc *c, uint32_t cp, int raw)
{
	char b[4];
	size_t k;

	if (raw) {
		rx_emit(c, OP_BYTE, cp, 0, 0);
		return;
	}
	k = utf8_put(b, cp);
	for (size_t i = 0; i < k; i++)
		rx_emit(c, OP_BYTE, (unsigned char)b[i], 0, 0);
}

/* n hex digits at pos, or -1. */
static long rx_hexn(struct rxc *c, int n)
{
	long v = c->len - c->pos < (size_t)n ? -1 : hex_value((const char *)c->p + c->pos, (size_t)n);

	if (v >= 0)
		c->pos += n;
	return v;
}

enum { ESC_CHAR, ESC_CLASS, ESC_ASSERT, ESC_QUOTE };

/* The escape at pos (a backslash).  ESC_CHAR: *cp; ESC_CLASS: *b and *neg;
 * ESC_ASSERT: *cp = AS_*; ESC_QUOTE: \Q.  Returns -1 on error. */
static int rx_escape(struct rxc *c, int inclass, uint32_t *cp, const struct rx_builtin **b, int *neg)
{
	size_t at = c->pos;
	int ch, raw;
	long v;

	if (++c->pos >= c->len)
		return rx_fail(c, at, "trailing backslash");
	ch = c->p[c->pos++];
	switch (ch) {
	case 't': *cp = '\t'; return ESC_CHAR;
	case 'n': *cp = '\n'; return ESC_CHAR;
	case 'r': *cp = '\r'; return ESC_CHAR;
	case 'f': *cp = '\f'; return ESC_CHAR;
	case 'a': *cp = 0x07; return ESC_CHAR;
	case 'e': *cp = 0x1b; return ESC_CHAR;
	case 'c':
		if (c->pos >= c->len)
			return rx_fail(c, at, "bad control escape");
		*cp = c->p[c->pos++] ^ 64;
		return ESC_CHAR;
	case '0':
		/* \0n, \0nn, \0mnn with m <= 3 */
		if (c->pos >= c->len || c->p[c->pos] < '0' || c->p[c->pos] > '7')
			return rx_fail(c, at, "bad octal escape");
		v = c->p[c->pos++] - '0';
		if (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '7') {
			int first = v;
			v = v * 8 + c->p[c->pos++] - '0';
			if (first <= 3 && c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '7')
				v = v * 8 + c->p[c->pos++] - '0';
		}
		*cp = v;
		return ESC_CHAR;
	case 'x':
		if (c->pos < c->len && c->p[c->pos] == '{') {
			int nd = 0;
			v = 0;
			for (c->pos++; c->pos < c->len && hex_digit(c->p[c->pos]) >= 0; c->pos++, nd++)
				if ((v = v * 16 + hex_digit(c->p[c->pos])) > 0x10ffff)
					return rx_fail(c, at, "bad hex escape");
			if (!nd || c->pos >= c->len || c->p[c->pos] != '}')
				return rx_fail(c, at, "bad hex escape");
			c->pos++;
		} else if ((v = rx_hexn(c, 2)) < 0)
			return rx_fail(c, at, "bad hex escape");
		*cp = v;
		return ESC_CHAR;
	case 'u':
		if ((v = rx_hexn(c, 4)) < 0)
			return rx_fail(c, at, "bad unicode escape");
		/* a surrogate pair written as two escapes is one code point */
		if (v >= 0xd800 && v < 0xdc00 && c->len - c->pos >= 6 &&
		    c->p[c->pos] == '\\' && c->p[c->pos + 1] == 'u') {
			size_t save = c->pos;
			long lo;
			c->pos += 2;
			if ((lo = rx_hexn(c, 4)) >= 0xdc00 && lo < 0xe000)
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
			else
				c->pos = save;
		}
		*cp = v;
		return ESC_CHAR;
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V':
		for (size_t i = 0; i < sizeof rx_escclass / sizeof rx_escclass[0]; i++)
			if (rx_escclass[i].name[0] == (ch | 0x20))
				*b = &rx_escclass[i];
		*neg = ch < 'a';
		return ESC_CLASS;
	case 'p': case 'P': {
		size_t s = c->pos, e;
		*neg = ch == 'P';
		if (c->pos < c->len && c->p[c->pos] == '{') {
			for (e = s + 1; e < c->len && c->p[e] != '}'; e++)
				;
			if (e >= c->len)
				return rx_fail(c, at, "unclosed \\%c{", ch);
			for (size_t i = 0; i < sizeof rx_posix / sizeof rx_posix[0]; i++) {
				if (strlen(rx_posix[i].name) == e - s - 1 &&
				    memcmp(rx_posix[i].name, c->p + s + 1, e - s - 1) == 0) {
					*b = &rx_posix[i];
					c->pos = e + 1;
					return ESC_CLASS;
				}
			}
			return rx_fail(c, at, "\\%c{%.*s} is not supported", ch, (int)(e - s - 1), c->p + s + 1);
		}
		return rx_fail(c, at, "\\%c is not supported", ch);
	}
	case 'b': case 'B': case 'A': case 'z': case 'Z':
		if (inclass)
			return rx_fail(c, at, "bad escape \\%c in a class", ch);
		*cp = ch == 'b' ? AS_WORDB : ch == 'B' ? AS_NWORDB : ch == 'A' ? AS_BEGIN :
		      ch == 'z' ? AS_END : AS_DOLLAR;
		return ESC_ASSERT;
	case 'Q':
		return ESC_QUOTE;
	case 'k':
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
		return rx_fail(c, at, "back-references are not supported");
	case 'G': case 'R': case 'X': case 'N':
		return rx_fail(c, at, "\\%c is not supported", ch);
	}
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return rx_fail(c, at, "bad escape \\%c", ch);
	/* any other escaped character is itself */
	c->pos--;
	rx_patchar(c, cp, &raw);
	if (raw)
		*cp = 0xfffd;	/* Java would have read U+FFFD */
	return ESC_CHAR;
}

/* [...] at pos. */
static int rx_class(struct rxc *c, struct rxf *f)
{
	size_t at = c->pos;
	int k, neg = 0, first = 1;

	c->pos++;
	if (c->pos < c->len && c->p[c->pos] == '^') {
		neg = 1;
		c->pos++;
	}
	k = rx_newclass(c, neg);
	for (;;) {
		const struct rx_builtin *b;
		size_t lo_at;
		uint32_t lo, hi;
		int r, bneg, raw;

		if (c->pos >= c->len)
			return rx_fail(c, at, "unclosed class");
		lo_at = c->pos;
		/* Java: a ']' first in the class is a member */
		if (c->p[c->pos] == ']' && !first) {
			c->pos++;
			break;
		}
		first = 0;
		if (c->p[c->pos] == '[')
			return rx_fail(c, c->pos, "nested classes are not supported");
		if (c->p[c->pos] == '&' && c->pos + 1 < c->len && c->p[c->pos + 1] == '&')
			return rx_fail(c, c->pos, "class intersections are not supported");
		if (c->p[c->pos] == '\\') {
			r = rx_escape(c, 1, &lo, &b, &bneg);
			if (r < 0)
				return -1;
			if (r == ESC_CLASS) {
				rx_addbuiltin(c, k, b, bneg);
				continue;
			}
			if (r == ESC_QUOTE) {
				/* \Q...\E: members, no ranges */
				while (c->pos < c->len) {
					if (c->p[c->pos] == '\\' && c->pos + 1 < c->len && c->p[c->pos + 1] == 'E') {
						c->pos += 2;
						break;
					}
					rx_patchar(c, &lo, &raw);
					if (raw)
						lo = 0xfffd;
					rx_addrange(c, k, lo, lo);
				}
				continue;
			}
		} else {
			rx_patchar(c, &lo, &raw);
			if (raw)
				lo = 0xfffd;
		}
		hi = lo;
		if (c->pos + 1 < c->len && c->p[c->pos] == '-' && c->p[c->pos + 1] != ']') {
			c->pos++;
			if (c->p[c->pos] == '[')
				return rx_fail(c, c->pos, "nested classes are not supported");
			if (c->p[c->pos] == '\\') {
				if (rx_escape(c, 1, &hi, &b, &bneg) != ESC_CHAR)
					return c->failed ? -1 : rx_fail(c, lo_at, "bad range %.*s",
					    (int)(c->pos - lo_at), c->p + lo_at);
			} else {
				rx_patchar(c, &hi, &raw);
				if (raw)
					hi = 0xfffd;
			}
			if (hi < lo)
				return rx_fail(c, lo_at, "bad range %.*s", (int)(c->pos - lo_at), c->p + lo_at);
		}
		rx_addrange(c, k, lo, hi);
	}
	rx_emit(c, OP_CLASS, 0, k, 0);
	f->nullable = 0;
	return 0;
}

static int rx_alt(struct rxc *c, struct rxf *f);

static int rx_isalpha(int ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

/* The name of (?<name>...) at at, pos on the '?': where it starts, pos past
 * its '>'; 0 after an error (Java's names: a letter, then letters and
 * digits; each once). */
static size_t rx_name(struct rxc *c, size_t at)
{
	size_t a = c->pos + 2, e = a;

	while (e < c->len && (rx_isalpha(c->p[e]) || (e > a && c->p[e] >= '0' && c->p[e] <= '9')))
		e++;
	if (e == a) {
		rx_fail(c, at, "a group's name must start with a letter");
		return 0;
	}
	if (e >= c->len || c->p[e] != '>') {
		rx_fail(c, at, "a group's name must end with '>'");
		return 0;
	}
	for (int g = 1; g <= c->ngroups; g++) {
		const unsigned char *o = c->p + c->name[g];

		if (c->name[g] && !memcmp(o, c->p + a, e - a) && o[e - a] == '>') {
			rx_fail(c, at, "the group name %.*s is there twice", (int)(e - a), c->p + a);
			return 0;
		}
	}
	c->pos = e + 1;
	return a;
}

/* (...) at pos; a named group is numbered as the others. */
static int rx_group(struct rxc *c, struct rxf *f)
{
	size_t at = c->pos, name = 0;
	int g = 0, capture = 1;

	c->pos++;
	if (c->pos < c->len && c->p[c->pos] == '?') {
		int ch = c->pos + 1 < c->len ? c->p[c->pos + 1] : -1;
		int ch2 = c->pos + 2 < c->len ? c->p[c->pos + 2] : -1;
		if (ch == ':') {
			c->pos += 2;
			capture = 0;
		} else if (ch == '=' || ch == '!' || (ch == '<' && (ch2 == '=' || ch2 == '!')))
			return rx_fail(c, at, "look-around is not supported");
		else if (ch == '<') {
			if (!(name = rx_name(c, at)))
				return -1;
		} else if (ch == '>')
			return rx_fail(c, at, "atomic groups are not supported");
		else if (ch != -1 && strchr("idmsuxU-", ch))
			return rx_fail(c, at, "inline flags are not supported");
		else
			return rx_fail(c, at, "bad group syntax");
	}
	if (capture) {
		if (c->ngroups >= RX_MAX_GROUPS)
			return rx_fail(c, at, "too many groups (at most %d)", RX_MAX_GROUPS);
		g = ++c->ngroups;
		c->name[g] = name;
	}
	if (++c->depth > RX_MAX_DEPTH)
		return rx_fail(c, at, "groups nested too deep");
	if (g)
		rx_emit(c, OP_SAVE, 0, 2 * g, 0);
	if (rx_alt(c, f) < 0)
		return -1;
	if (c->pos >= c->len || c->p[c->pos] != ')')
		return rx_fail(c, at, "unclosed group");
	c->pos++;
	c->depth--;
	if (g)
		rx_emit(c, OP_SAVE, 0, 2 * g + 1, 0);
	f->group = g;
	return 0;
}

/* One atom at pos.  Returns 0 when code was emitted, 1 when the pattern text
 * stood for nothing (\Q, \E), -1 on error. */
static int rx_atom(struct rxc *c, struct rxf *f)
{
	const struct rx_builtin *b;
	uint32_t cp;
	int r, neg, raw, k;

	f->nullable = 0;
	f->regs = 0;
	f->zw = 0;
	f->det = 1;
	f->group = 0;
	if (c->inquote) {
		if (c->p[c->pos] == '\\' && c->pos + 1 < c->len && c->p[c->pos + 1] == 'E') {
			c->pos += 2;
			c->inquote = 0;
			return 1;
		}
		rx_patchar(c, &cp, &raw);
		rx_emitchar(c, cp, raw);
		/* \Qab\E* repeats the b */
		if (c->pos + 1 < c->len && c->p[c->pos] == '\\' && c->p[c->pos + 1] == 'E') {
			c->pos += 2;
			c->inquote = 0;
		}
		return 0;
	}
	switch (c->p[c->pos]) {
	case '(':
		return rx_group(c, f);
	case '[':
		return rx_class(c, f);
	case '.':
		c->pos++;
		k = rx_newclass(c, 0);
		rx_addbuiltin(c, k, &rx_dot, 1);
		rx_emit(c, OP_CLASS, 0, k, 0);
		return 0;
	case '^':
		c->pos++;
		rx_emit(c, OP_ASSERT, AS_BEGIN, 0, 0);
		f->nullable = f->zw = 1;
		return 0;
	case '$':
		c->pos++;
		rx_emit(c, OP_ASSERT, AS_DOLLAR, 0, 0);
		f->nullable = f->zw = 1;
		return 0;
	case '*': case '+': case '?': case '{':
		return rx_fail(c, c->pos, "nothing to repeat");
	case '\\':
		r = rx_escape(c, 0, &cp, &b, &neg);
		if (r < 0)
			return -1;
		if (r == ESC_QUOTE) {
			c->inquote = 1;
			return 1;
		}
		if (r == ESC_ASSERT) {
			rx_emit(c, OP_ASSERT, cp, 0, 0);
			f->nullable = f->zw = 1;
		} else if (r == ESC_CLASS) {
			k = rx_newclass(c, 0);
			rx_addbuiltin(c, k, b, neg);
			rx_emit(c, OP_CLASS, 0, k, 0);
		} else
			rx_emitchar(c, cp, 0);
		return 0;
	}
	rx_patchar(c, &cp, &raw);
	rx_emitchar(c, cp, raw);
	return 0;
}

/* A number of a {m,n}, or -1. */
static long rx_count(struct rxc *c)
{
	long v = -1;

	while (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '9') {
		v = (v < 0 ? 0 : v) * 10 + c->p[c->pos++] - '0';
		if (v > RX_MAX_COUNT)
			v = RX_MAX_COUNT + 1;
	}
	return v;
}

/* Turns the atom at [s, n) into min..max (max -1: no limit) repetitions.
 * Each iteration after an empty one is skipped (see the top of the file).
 * Layout, X the atom, [M] MARK r and [E] IFEMPTY r,END when X can be empty:
 *   mandatory copy:   [M] X [E]
 *   optional copy:    SPLIT next,END  [M] X [E]
 *   X* :              L: SPLIT next,END  [M] X [E]  JMP L
 *   last copy of X+:  L: [M] X [E]  SPLIT L,END
 * (SPLIT operands swapped when lazy). */
static void rx_repeat(struct rxc *c, int s, long min, long max, int greedy, struct rxf *f, size_t at)
{
	int len = c->n - s, nb = f->nullable, reg = f->regs, ov = nb ? 2 : 0, xs = s;
	long ncopy = max < 0 ? (min ? min : 1) : max;
	long total, end;
	/* Java (GroupCurly) does not record a capturing group that cannot
	 * consume anything in the iterations after the minimum: ()* leaves
	 * group 1 unset, while ()? and (){1,} set it. */
	int strip = f->group && f->zw && f->det && !(min == 0 && max == 1);

	if (min == 0)
		f->nullable = 1;
	f->zw = max == 0 || f->zw;
	f->det = f->det && min == max;
	f->group = 0;
	if (max == 0) {
		c->n = s;	/* the groups inside stay, never set, as in Java */
		return;
	}
	if (max < 0)
		total = min ? min * (len + ov) + 1 : len + ov + 2;
	else
		total = min * (len + ov) + (max - min) * (len + ov + 1);
	if (nb && reg >= RX_MAX_REGS) {
		rx_fail(c, at, "repetitions of what can match empty nested too deep");
		return;
	}
	if ((long)s + total > RX_MAX_INST) {
		rx_fail(c, at, "pattern too large (more than %d instructions)", RX_MAX_INST);
		return;
	}
	end = s + total;
	if (nb)
		f->regs = reg + 1;
	for (long i = 0; i < ncopy; i++) {
		int split = i >= min;		/* an optional copy, or X* */
		int pre = split + (nb ? 1 : 0), start, x;

		if (i == 0) {
			start = s;
			rx_insert(c, s, pre);
			x = xs = s + pre;
		} else {
			start = c->n;
			c->n += pre;	/* filled below */
			x = c->n;
			rx_copy(c, xs, xs + len);
		}
		if (c->prog && strip && i >= min) {
			/* the group's SAVEs become no-ops */
			c->prog[x].op = c->prog[x + len - 1].op = OP_JMP;
			c->prog[x].x = x + 1;
			c->prog[x + len - 1].x = x + len;
		}
		if (c->prog && split) {
			c->prog[start].op = OP_SPLIT;
			c->prog[start].x = greedy ? start + 1 : end;
			c->prog[start].y = greedy ? end : start + 1;
		}
		if (c->prog && nb) {
			c->prog[start + split].op = OP_MARK;
			c->prog[start + split].x = reg;
		}
		if (nb)
			rx_emit(c, OP_IFEMPTY, 0, reg, end);
		if (max < 0 && !min)
			rx_emit(c, OP_JMP, 0, start, 0);
		else if (max < 0 && i == ncopy - 1)
			rx_emit(c, OP_SPLIT, 0, greedy ? start : end, greedy ? end : start);
	}
}

/* Atoms and their quantifiers up to '|', ')' or the end. */
static int rx_seq(struct rxc *c, struct rxf *f)
{
	f->nullable = 1;
	f->regs = 0;
	f->zw = 1;
	f->det = 1;
	f->group = 0;
	while (c->pos < c->len && !c->failed) {
		struct rxf a;
		size_t at;
		long min, max;
		int s = c->n, r, greedy = 1;

		if (!c->inquote && (c->p[c->pos] == '|' || c->p[c->pos] == ')'))
			break;
		if ((r = rx_atom(c, &a)) < 0)
			return -1;
		if (r == 1)
			continue;
		if (c->inquote || c->pos >= c->len)
			goto next;
		at = c->pos;
		switch (c->p[c->pos]) {
		case '*': min = 0; max = -1; c->pos++; break;
		case '+': min = 1; max = -1; c->pos++; break;
		case '?': min = 0; max = 1; c->pos++; break;
		case '{':
			c->pos++;
			if ((min = rx_count(c)) < 0)
				return rx_fail(c, at, "bad repetition");
			max = min;
			if (c->pos < c->len && c->p[c->pos] == ',') {
				c->pos++;
				max = rx_count(c);
			}
			if (c->pos >= c->len || c->p[c->pos] != '}')
				return rx_fail(c, at, "bad repetition");
			c->pos++;
			if (min > RX_MAX_COUNT || max > RX_MAX_COUNT)
				return rx_fail(c, at, "repetition count too large");
			if (max >= 0 && min > max)
				return rx_fail(c, at, "bad repetition range");
			break;
		default:
			goto next;
		}
		if (c->pos < c->len && c->p[c->pos] == '?') {
			greedy = 0;
			c->pos++;
		} else if (c->pos < c->len && c->p[c->pos] == '+')
			return rx_fail(c, at, "possessive quantifiers are not supported");
		rx_repeat(c, s, min, max, greedy, &a, at);
next:
		f->nullable &= a.nullable;
		f->zw &= a.zw;
		f->det &= a.det;
		if (a.regs > f->regs)
			f->regs = a.regs;
	}
	return c->failed ? -1 : 0;
}

/* Alternatives: SPLIT b1,L1  b1  JMP end  L1: SPLIT b2,L2  b2  JMP end ... */
static int rx_alt(struct rxc *c, struct rxf *f)
{
	int s = c->n, chain = -1;

	f->nullable = 0;
	f->regs = 0;
	f->zw = 1;
	f->det = 1;
	f->group = 0;
	for (;;) {
		struct rxf b;
		int j;

		if (rx_seq(c, &b) < 0)
			return -1;
		f->nullable |= b.nullable;
		f->zw &= b.zw;
		f->det &= b.det && chain < 0 && (c->pos >= c->len || c->p[c->pos] != '|');
		if (b.regs > f->regs)
			f->regs = b.regs;
		if (c->pos >= c->len || c->p[c->pos] != '|')
			break;
		c->pos++;
		rx_insert(c, s, 1);
		j = rx_emit(c, OP_JMP, 0, -1, chain);	/* end of alternatives, patched below */
		if (c->failed)
			return -1;
		if (c->prog) {
			c->prog[s].op = OP_SPLIT;
			c->prog[s].x = s + 1;
			c->prog[s].y = c->n;
		}
		chain = j;
		s = c->n;
	}
	while (c->prog && chain >= 0) {
		int next = c->prog[chain].y;
		c->prog[chain].x = c->n;
		c->prog[chain].y = 0;
		chain = next;
	}
	return 0;
}

static int rx_pass(struct rxc *c, struct rxf *f)
{
	c->pos = 0;
	c->n = c->ncls = c->nrng = c->ngroups = c->depth = c->inquote = 0;
	rx_emit(c, OP_SAVE, 0, 0, 0);
	if (rx_alt(c, f) < 0)
		return -1;
	if (c->pos < c->len)
		return rx_fail(c, c->pos, "unmatched )");
	rx_emit(c, OP_SAVE, 0, 1, 0);
	rx_emit(c, OP_MATCH, 0, 0, 0);
	return c->failed ? -1 : 0;
}

/* The first bytes of the paths from pc into set (a superset: an assertion
 * is taken as passed).  rx->seen and rx->stack serve as scratch. */
static void rx_first(struct rx *rx, int pc, uint32_t stamp, struct rx_set *set)
{
	int *st = rx->stack, sp = 0;

	memset(set, 0, sizeof *set);
	st[sp++] = pc;
	while (sp > 0) {
		const struct rx_inst *in = &rx->prog[pc = st[--sp]];
		const struct rx_class *k;

		if (rx->seen[pc] == stamp)
			continue;
		rx->seen[pc] = stamp;
		switch (in->op) {
		case OP_BYTE:
			set->b[in->c >> 5] |= 1u << (in->c & 31);
			break;
		case OP_CLASS:
			k = &rx->cls[in->x];
			for (int w = 0; w < 4; w++)
				set->b[w] |= k->in[w];
			/* any byte from 0x80 may start (or be) a character above ASCII */
			if (k->neg || k->n)
				for (int w = 4; w < 8; w++)
					set->b[w] = ~0u;
			break;
		case OP_MATCH:
			set->empty = 1;
			break;
		case OP_SPLIT:
			st[sp++] = in->y;
			st[sp++] = in->x;
			break;
		case OP_JMP:
			st[sp++] = in->x;
			break;
		default:	/* SAVE, ASSERT */
			st[sp++] = pc + 1;
			break;
		}
	}
}

/* For each SPLIT the backtracker meets, what each branch can start with
 * (its ways): a branch that cannot start with the byte at hand is not
 * tried, nor a place a loop gives back that its continuation cannot start
 * at.  And a greedy loop over one character X (c = 1) whose continuation
 * can neither start with a byte X can start with nor end the match at
 * once never gives back (\S+ followed by ' '): c = 2.  Not for very large
 * programs (the work here is the SPLITs times the program). */
static void rx_firstsets(struct rx *rx)
{
	int nsplit = 0;
	uint32_t stamp = 0;

	for (int i = 0; i < rx->ninst; i++)
		nsplit += rx->prog[i].op == OP_SPLIT;
	if (nsplit == 0 || (long)nsplit * rx->ninst > 4000000L)
		return;
	rx->fset = arena_alloc((size_t)rx->ninst * sizeof *rx->fset);
	rx->ways = arena_alloc((size_t)nsplit * sizeof *rx->ways);
	nsplit = 0;
	for (int i = 0; i < rx->ninst; i++) {
		struct rx_inst *in = &rx->prog[i];
		struct rx_ways *w = &rx->ways[nsplit];
		struct rx_set set[2];
		int disjoint = 1;

		if (in->op != OP_SPLIT)
			continue;
		rx->fset[i] = nsplit++;
		rx_first(rx, in->x, ++stamp, &set[0]);
		rx_first(rx, in->y, ++stamp, &set[1]);
		w->end = (uint8_t)(set[0].empty | set[1].empty << 1);
		for (int b = 0; b < 256; b++)
			for (int k = 0; k < 2; k++)
				if (set[k].empty || (set[k].b[b >> 5] >> (b & 31) & 1))
					w->t[b >> 2] |= (uint8_t)(1u << (k + 2 * (b & 3)));
		for (int k = 0; k < 8; k++)
			disjoint &= !(set[0].b[k] & set[1].b[k]);
		if (in->c && disjoint && !set[1].empty)
			in->c = 2;
	}
	memset(rx->seen, 0, (size_t)rx->ninst * rx->modes * sizeof *rx->seen);
}

/* Whether prog[pc] is one character X the steps can run: a class, or an
 * ASCII byte. */
static int rx_item(const struct rx *rx, int pc)
{
	const struct rx_inst *in = &rx->prog[pc];

	return in->op == OP_CLASS || (in->op == OP_BYTE && in->c < 0x80);
}

/* Whether prog[a] and prog[b] are the same character. */
static int rx_same(const struct rx *rx, int a, int b)
{
	const struct rx_inst *x = &rx->prog[a], *y = &rx->prog[b];

	return x->op == y->op && (x->op == OP_CLASS ? x->x == y->x : x->c == y->c);
}

/* A SPLIT's way into a loop's body: x when greedy (c set by rx_compile), y
 * when lazy. */
static int rx_stay(const struct rx_inst *in)
{
	return in->c ? in->x : in->y;
}

/* Whether the SPLIT at q repeats one character X, greedy or lazy: X+ (X at
 * q - 1) or X* (X at q + 1, a jump back after it).  The run covers it; a
 * lazy one only where a step can run it (X in ASCII or a class, and the
 * bytes its continuation may start with known). */
static int rx_loopsplit(const struct rx *rx, int q)
{
	const struct rx_inst *p = rx->prog;
	int stay, leave;

	if (p[q].op != OP_SPLIT)
		return 0;
	stay = rx_stay(&p[q]);
	leave = p[q].c ? p[q].y : p[q].x;
	if (!p[q].c && !(rx->fset && rx_item(rx, stay)))
		return 0;
	return (stay == q - 1 && leave == q + 1) ||
	    (stay == q + 1 && leave == q + 3 && p[q + 2].op == OP_JMP && p[q + 2].x == q);
}

/* Whether prog[pc] is the X an X+ or X+? repeats. */
static int rx_looped(const struct rx *rx, int pc)
{
	return rx_loopsplit(rx, pc + 1) && rx_stay(&rx->prog[pc + 1]) == pc;
}

/* The literal at *pc into t (its bytes into lit): bytes up to one a loop
 * repeats or a jump lands on. */
static void rx_litwalk(const struct rx *rx, struct rx_step *t, uint8_t *lit, int *nlit, int *pc, const uint32_t *mark)
{
	const struct rx_inst *p = rx->prog;

	t->la = *nlit;
	do {
		if (lit)
			lit[*nlit] = p[*pc].c;
		++*nlit;
		++*pc;
	} while (p[*pc].op == OP_BYTE && !mark[*pc] && !rx_looped(rx, *pc));
	t->lb = *nlit - t->la;
	if (lit && t->lb <= (int)sizeof t->lw) {
		unsigned char wb[sizeof t->lw] = { 0 };

		memcpy(wb, lit + t->la, (size_t)t->lb);
		t->lw = load_word(wb);
		memset(wb, 0xff, (size_t)t->lb);
		t->lmask = load_word(wb);
	}
}

/* Whether prog[q] is a loop's own jump: X+'s or X*'s SPLIT, X*'s JMP back. */
static int rx_loopjump(const struct rx *rx, int q)
{
	const struct rx_inst *p = rx->prog;

	return rx_loopsplit(rx, q) || (p[q].op == OP_JMP && rx_loopsplit(rx, p[q].x) && rx_stay(&p[p[q].x]) == q - 1);
}

/* A give-back run's cs numbered among the distinct ones of the steps before
 * it (steps st[0 .. ns)): rx_memo_last makes a row of places once a line
 * for each. */
static void rx_csi(struct rx *rx, const struct rx_step *st, int ns, struct rx_step *t)
{
	for (int j = 0; j < ns; j++)
		if (st[j].kind == ST_RUN && st[j].back && st[j].cs && !memcmp(st[j].cs, t->cs, 256)) {
			t->csi = st[j].csi;
			return;
		}
	t->csi = (int16_t)rx->ncs++;
}

/* The steps of the program up to its first instruction they cannot take,
 * or limit (the tail), into st (NULL: only counted), its literal bytes into
 * lit, the step each jump target starts into map (pc, -1 elsewhere).
 * mark[pc] is set where a jump lands: a step starts there.  Returns the
 * number of steps; *nlit the literal bytes; *tail the tail's pc (ninst if
 * none). */
static int rx_walk(struct rx *rx, struct rx_step *st, uint8_t *lit, int *nlit, int *tail, const uint32_t *mark,
    int *map, int limit)
{
	const struct rx_inst *p = rx->prog;
	int pc = 0, ns = 0, nsv = 0, sv[2], start = 0;

	*nlit = 0;
	for (int q = 0; q < rx->ninst; q++)
		map[q] = -1;
	for (;;) {
		const struct rx_inst *in = &p[pc];
		struct rx_step t = { .sv = { 1, 1 }, .lsv = { 1, 1 } };
		int x = pc, split = -1;

		if (nsv > 0 && (nsv == 2 || mark[pc])) {
			/* a third save in a row, or one a jump lands on: its own step */
			t.kind = ST_SAVE;
			t.sv[0] = (int16_t)sv[0];
			t.sv[1] = nsv > 1 ? (int16_t)sv[1] : 1;
			if (st)
				st[ns] = t;
			map[start] = ns++;
			nsv = 0;
			t.sv[0] = t.sv[1] = 1;
		}
		if (nsv == 0)
			start = pc;
		if (in->op == OP_SAVE && pc < limit) {
			sv[nsv++] = in->x;
			pc++;
			continue;
		}
		for (int k = 0; k < nsv; k++)
			t.sv[k] = (int16_t)sv[k];
		nsv = 0;
		map[start] = ns;
		if (pc >= limit) {
			t.kind = ST_TAIL;
			t.a = pc;
		} else if (in->op == OP_MATCH) {
			t.kind = ST_MATCH;
			pc = rx->ninst;
		} else if (in->op == OP_ASSERT) {
			t.kind = ST_ASSERT;
			t.a = in->c;
			pc++;
		} else if (in->op == OP_BYTE && !rx_looped(rx, pc)) {
			t.kind = ST_LIT;
			rx_litwalk(rx, &t, lit, nlit, &pc, mark);
		} else if (rx_item(rx, pc)) {
			/* X{m}, then X+ when the last X is followed by a greedy
			 * loop back to it (a lazy one is the next step) */
			t.kind = ST_RUN;
			t.a = 1;
			while (!mark[pc + 1] && rx_same(rx, pc + 1, x))
				pc++, t.a++;
			t.b = t.a;
			if (rx_looped(rx, pc) && p[pc + 1].c) {
				split = pc + 1;
				t.b = -1;
			}
			pc = split >= 0 ? split + 1 : pc + 1;
		} else if (rx_loopsplit(rx, pc) && !in->c) {
			/* X*?, or X+?'s loop after its X */
			t.kind = ST_LAZY;
			split = pc;
			x = rx_stay(in);
			pc += x > pc ? 3 : 1;
		} else if (rx_loopsplit(rx, pc) && rx_stay(in) == pc + 1 && rx_item(rx, pc + 1)) {
			/* X* */
			t.kind = ST_RUN;
			split = pc;
			x = pc + 1;
			t.b = -1;
			pc += 3;
		} else if (in->op == OP_SPLIT && !in->c && in->x > pc && in->y > pc) {
			/* a choice ahead: targets resolved to steps by rx_steps */
			t.kind = ST_ALT;
			t.a = in->x;
			t.b = in->y;
			t.cls = pc;
			if (st && rx->fset)
				t.wy = &rx->ways[rx->fset[pc]];
			pc++;
		} else if (in->op == OP_JMP && in->x > pc) {
			t.kind = ST_JMP;
			t.a = in->x;
			pc++;
		} else {
			t.kind = ST_TAIL;
			t.a = pc;
		}
		if (t.kind == ST_RUN || t.kind == ST_LAZY) {
			t.cls = p[x].op == OP_CLASS ? p[x].x : -1;
			t.back = split >= 0 && p[split].c == 1;
			t.plus = t.a == 1 && t.b < 0;
			if (st) {
				uint8_t *in1 = NULL;
				int b = 0x7f, ex = 0;

				if (t.cls < 0) {
					in1 = arena_alloc(256);	/* zeroed */
					in1[p[x].c] = 1;
				}
				t.in = t.xin = t.cls >= 0 ? rx->cls[t.cls].ascii_in : in1;
				if ((t.back || t.kind == ST_LAZY) && rx->fset) {
					/* the continuation: a greedy loop's other way, a lazy one's first */
					const struct rx_ways *wy = &rx->ways[rx->fset[split]];
					uint8_t *cs = arena_alloc(256), *pass;

					for (int c = 0; c < 256; c++)
						cs[c] = wy->t[c >> 2] >> 2 * (c & 3) & (t.kind == ST_LAZY ? 1 : 2);
					t.cs = cs;
					if (t.kind == ST_RUN) {
						rx_csi(rx, st, ns, &t);
						t.csonly = (int16_t)find_only(cs);
					}
					if (t.kind == ST_LAZY) {
						/* a lazy run passes what X takes where its continuation cannot start */
						pass = arena_alloc(256);
						for (int c = 0; c < 0x80; c++)
							pass[c] = t.xin[c] && !cs[c];
						t.in = pass;
						t.lend = wy->end & 1;
					}
				}
				/* the ASCII bytes the scan passes from the lowest b up, but
				 * one (ex): worth a word at a time when b is a space or below */
				for (; b >= 0 && (t.in[b] || !ex); b--)
					if (!t.in[b])
						ex = b;
				if (ex < 0x21)	/* below '!': one bound (text has few of them) */
					b = ex;
				t.words = b <= 0x20 ? 1 + (b < ex) : 0;
				t.wlo = ~0UL / 255 * (unsigned)(b + 1);
				t.wex = ~0UL / 255 * (unsigned)ex;
			}
			/* a literal right after a run that never gives back: in its step */
			for (int q = pc, k = 0; t.kind == ST_RUN && !t.back && q < limit && !mark[q] && k <= 2; q++, k++) {
				if (p[q].op == OP_BYTE && !rx_looped(rx, q)) {
					t.lsv[0] = (int16_t)(k > 0 ? p[pc].x : 1);
					t.lsv[1] = (int16_t)(k > 1 ? p[pc + 1].x : 1);
					pc = q;
					rx_litwalk(rx, &t, lit, nlit, &pc, mark);
					break;
				}
				if (p[q].op != OP_SAVE)
					break;
			}
		}
		if (st)
			st[ns] = t;
		ns++;
		if (t.kind == ST_MATCH || t.kind == ST_TAIL) {
			*tail = t.kind == ST_TAIL ? t.a : rx->ninst;
			return ns;
		}
	}
}

/* The slots saved inside the branches of the choice at pc, into out (NULL:
 * only counted): up to where they meet, the farthest a jump inside goes (a
 * loop's own stay inside it), into *endp.  Returns how many. */
static int rx_branchsaves(const struct rx *rx, int pc, int *out, int *endp)
{
	const struct rx_inst *p = rx->prog;
	int n = 0, end = p[pc].x > p[pc].y ? p[pc].x : p[pc].y;

	for (int q = pc + 1; q < end; q++) {
		if (p[q].op == OP_SAVE) {
			if (out)
				out[n] = p[q].x;
			n++;
		} else if ((p[q].op == OP_JMP || p[q].op == OP_SPLIT) && !rx_loopjump(rx, q)) {
			end = p[q].x > end ? p[q].x : end;
			end = p[q].op == OP_SPLIT && p[q].y > end ? p[q].y : end;
		}
	}
	if (endp)
		*endp = end;
	return n;
}

/* Whether the choice t may take its first branch on byte b. */
static int rx_first_way(const struct rx_step *t, int b)
{
	return t->wy->t[b >> 2] >> 2 * (b & 3) & 1;
}

/* A chain of choices (an alternation of many branches, each choice's other
 * branch the next choice) is tried a branch at a time; for a byte its
 * first branch cannot start with, each choice only passes on to the next.
 * So the chain's head jumps to the first choice whose branch can.  The
 * chain is the choices inside the head's branches (the head unsets the
 * groups of all of them: not X?'s, whose other way is what follows it)
 * that save no slot first.  For chains of three choices or more: 512 bytes
 * each. */
static void rx_chains(struct rx *rx, int ns, int *inchain)
{
	struct rx_step *st = rx->steps;

	memset(inchain, 0, (size_t)ns * sizeof *inchain);
	for (int k = 0; k < ns; k++) {
		int16_t *hop;
		int last = k, len = 1, end;

		if (st[k].kind != ST_ALT || !st[k].wy || inchain[k])
			continue;
		rx_branchsaves(rx, st[k].cls, NULL, &end);
		for (const struct rx_step *x = &st[st[last].b];
		    x->kind == ST_ALT && x->cls < end && x->wy && x->sv[0] == 1 && x->sv[1] == 1; x = &st[x->b])
			inchain[last = (int)(x - st)] = 1, len++;
		if (len < 3)
			continue;
		st[k].hop = hop = arena_alloc(256 * sizeof *hop);
		for (int b = 0; b < 256; b++) {
			int j = k;

			while (j != last && !rx_first_way(&st[j], b))
				j = st[j].b;
			hop[b] = (int16_t)j;
		}
	}
}

/* Steps for the program up to its tail, when the tail never jumps back
 * into them, every jump lands where a step starts, and no slot is saved
 * both by a step and by the tail.  A choice unsets, before each branch,
 * the slots saved inside its branches (a failed branch leaves them). */
static void rx_steps(struct rx *rx)
{
	const struct rx_inst *p = rx->prog;
	/* scratch: rx->stack holds at least 4 ints an instruction, rx->seen one */
	int ns, nlit, tail, nres = 0, open = 0, limit = rx->ninst, *map = rx->stack;
	int *inb = map + rx->ninst;		/* a SAVE inside a branch */
	int *owner = inb + rx->ninst;		/* per slot, 1: saved by a step, 2: by the tail */
	int *nsaves = owner + rx->nsave;	/* per slot, by how many steps */
	uint32_t *mark = rx->seen;

	/* where jumps land, but for a loop's own */
	for (int q = 0; q < rx->ninst; q++) {
		if (rx_loopjump(rx, q))
			continue;	/* the run covers it and its way on */
		if (p[q].op == OP_SPLIT)
			mark[p[q].x] = mark[p[q].y] = 1;
		else if (p[q].op == OP_JMP)
			mark[p[q].x] = 1;
	}
	/* where the steps end: where they cannot go on, or before a jump that
	 * will not hold (one back into them, or past their end) */
	for (int round = 0;; round++) {
		int bad = -1;

		ns = rx_walk(rx, NULL, NULL, &nlit, &tail, mark, map, limit);
		if (ns == 1 || round == 8)
			goto out;	/* nothing before the tail, or no end found that holds */
		memset(owner, 0, (size_t)rx->nsave * sizeof *owner);
		memset(nsaves, 0, (size_t)rx->nsave * sizeof *nsaves);
		open = 0;
		for (int pc = 0; pc < rx->ninst && bad < 0; pc++) {
			const struct rx_inst *in = &p[pc];
			int side = pc < tail ? 1 : 2;

			if (in->op == OP_SAVE) {
				if (owner[in->x] && owner[in->x] != side)
					goto out;
				owner[in->x] = side;
				nsaves[in->x] += side == 1;
				inb[pc] = pc < open;	/* inside a branch */
			}
			if ((in->op == OP_JMP || in->op == OP_SPLIT) && !rx_loopjump(rx, pc)) {
				int t0 = in->x, t1 = in->op == OP_SPLIT ? in->y : in->x;

				if (pc >= tail && (t0 < tail || t1 < tail))
					bad = t0 < t1 ? t0 : t1;	/* the tail loops back */
				else if (pc < tail && (map[t0] < 0 || map[t1] < 0))
					bad = pc;	/* lands inside a step, or past the tail's start */
				else if (pc < tail && (t0 > open || t1 > open))
					open = t0 > t1 ? t0 : t1;
			}
		}
		if (bad < 0)
			break;
		limit = bad;
	}
	/* a group saved in a branch and elsewhere too ((ab){1,2}): a failed
	 * branch would have to give back the value from before it */
	for (int pc = 0; pc < tail; pc++)
		if (p[pc].op == OP_SAVE && inb[pc] && nsaves[p[pc].x] > 1)
			goto out;
	rx->nsteps = ns;
	rx->steps = arena_alloc((size_t)ns * sizeof *rx->steps);
	rx->sframes = arena_alloc((size_t)ns * sizeof *rx->sframes);
	rx->ncs = 0;
	rx->lit = arena_alloc((size_t)nlit + 1);
	rx->tailslots = arena_alloc((size_t)rx->nsave * sizeof *rx->tailslots);
	rx_walk(rx, rx->steps, rx->lit, &nlit, &tail, mark, map, limit);
	rx->memo_cs = arena_alloc((size_t)rx->ncs + 1);
	for (int k = 0; k < ns; k++)
		if (rx->steps[k].kind == ST_ALT)
			nres += rx_branchsaves(rx, rx->steps[k].cls, NULL, NULL);
	rx->resets = arena_alloc((size_t)nres * sizeof *rx->resets + 1);
	nres = 0;
	for (int k = 0; k < ns; k++) {
		struct rx_step *t = &rx->steps[k];

		if (t->kind == ST_JMP)
			t->a = map[t->a];
		if (t->kind != ST_ALT)
			continue;
		t->r = nres;
		t->nr = rx_branchsaves(rx, t->cls, rx->resets + nres, NULL);
		nres += t->nr;
		t->a = map[t->a];
		t->b = map[t->b];
	}
	for (int k = 0; k < rx->nsave; k++)
		if (owner[k] != 1)
			rx->tailslots[rx->ntailslots++] = k;
	rx_chains(rx, ns, map);	/* (map is done with) */
out:
	memset(mark, 0, (size_t)rx->ninst * sizeof *mark);
}

struct rx *rx_compile(const char *pattern, size_t len, char *err, size_t errcap)
{
	struct rxc c = { .p = (const unsigned char *)pattern, .len = len, .err = err, .errcap = errcap };
	struct rxf f;
	struct rx *rx;
	long nres = 0, nmulti = 0, listmem;

	if (err && errcap)
		err[0] = 0;
	if (rx_pass(&c, &f) < 0)
		return NULL;
	rx = arena_alloc(sizeof *rx);
	rx->prog = arena_alloc((size_t)c.peak * sizeof *rx->prog);
	rx->cls = arena_alloc((size_t)(c.ncls + 1) * sizeof *rx->cls);
	rx->rng = arena_alloc((size_t)(c.nrng + 1) * sizeof *rx->rng);
	c.prog = rx->prog;
	c.cls = rx->cls;
	c.rng = rx->rng;
	if (rx_pass(&c, &f) < 0)	/* cannot fail: the same as the first */
		return NULL;
	rx->ninst = c.n;
	rx->ngroups = c.ngroups;
	rx->nsave = 2 * (c.ngroups + 1);
	rx->nslots = rx->nsave + f.regs;
	rx->stride = 2 + rx->nslots;
	/* The threads alive at one position: one per instruction that waits
	 * for input (or MATCH), plus up to 3 per class instruction that can
	 * consume a multi-byte sequence (still consuming it). */
	for (int i = 0; i < c.n; i++) {
		struct rx_inst *in = &rx->prog[i];
		if (in->op == OP_BYTE || in->op == OP_CLASS || in->op == OP_MATCH)
			nres++;
		if (in->op == OP_CLASS && (rx->cls[in->x].neg || rx->cls[in->x].n))
			nmulti++;
	}
	rx->listcap = nres + 3 * nmulti;
	listmem = 2L * rx->listcap * rx->stride * (long)sizeof(int);
	if (listmem > RX_MAX_LISTMEM) {
		rx_fail(&c, 0, "pattern too large (would need %ld KiB to match)", listmem / 1024);
		return NULL;
	}
	/* The body of a loop is from its MARK to its IFEMPTY (the loops
	 * inside it have smaller registers). */
	rx->modes = 1;
	for (int m = 0; m < c.n; m++) {
		int r = rx->prog[m].x, e;
		if (rx->prog[m].op != OP_MARK)
			continue;
		for (e = m + 1; !(rx->prog[e].op == OP_IFEMPTY && rx->prog[e].x == r); e++)
			;
		for (int i = m + 1; i <= e; i++) {
			int d = 1;
			rx->prog[i].loops |= 1u << r;
			for (unsigned b = rx->prog[i].loops; (b &= b - 1); d++)
				;
			if (d + 1 > rx->modes)
				rx->modes = d + 1;
		}
	}
	rx->seen = arena_alloc((size_t)c.n * rx->modes * sizeof *rx->seen);
	rx->stack = arena_alloc(((size_t)2 * c.n * rx->modes + 2) * 2 * sizeof *rx->stack);
	rx->work = arena_alloc((size_t)rx->nslots * sizeof *rx->work);
	for (int i = 0; i < 2; i++)
		rx->l[i].e = arena_alloc((size_t)rx->listcap * rx->stride * sizeof(int));
	for (int k = 0; k < c.ncls; k++)
		for (int w = 0; w < 4; w++)
			rx->cls[k].in[w] = rx->cls[k].neg ? ~rx->cls[k].ascii[w] : rx->cls[k].ascii[w];
	for (int k = 0; k < c.ncls; k++)
		for (int b = 0; b < 128; b++)
			rx->cls[k].ascii_in[b] = rx->cls[k].in[b >> 5] >> (b & 31) & 1;
	/* A greedy loop over one character (X* and X+ with X a class or a
	 * byte): SPLIT x,y where x is X and X is followed by a jump back to
	 * the SPLIT (X*) or by the SPLIT itself (X+).  The backtracker runs it
	 * as a scan (c = 1 on the SPLIT; the Pike VM ignores c there). */
	rx->bt = f.regs == 0;
	for (int i = 0; i < c.n; i++) {
		struct rx_inst *in = &rx->prog[i], *x;
		if (in->op != OP_SPLIT)
			continue;
		in->c = 0;	/* (an instruction turned into a SPLIT may have had one) */
		if (in->x >= in->y || in->x >= c.n - 1)
			continue;
		x = &rx->prog[in->x];
		if ((x->op == OP_CLASS || x->op == OP_BYTE) &&
		    (in->x + 1 == i || (x[1].op == OP_JMP && x[1].x == i)))
			in->c = 1;
	}
	if (rx->bt) {
		rx_firstsets(rx);
		rx_steps(rx);
	}
	rx->firstbyte = -1;
	for (int i = 0; i < c.n; i++) {
		if (rx->prog[i].op == OP_SAVE)
			continue;
		if (rx->prog[i].op == OP_BYTE && (rx->prog[i].c < 0x80 || rx->prog[i].c >= 0xc0))
			rx->firstbyte = rx->prog[i].c;
		break;
	}
	if (rx->bt && rx->firstbyte < 0) {
		/* the ASCII bytes no match can start with, when every match
		 * takes one: passed over at once (a byte from 0x80 is tried,
		 * as it may start or be a character) */
		struct rx_set set;

		rx_first(rx, 0, 1, &set);
		memset(rx->seen, 0, (size_t)rx->ninst * rx->modes * sizeof *rx->seen);
		if (!set.empty) {
			rx->skip = arena_alloc(256);	/* zeroed */
			for (int b = 0; b < 128; b++)
				rx->skip[b] = !(set.b[b >> 5] >> (b & 31) & 1);
		}
	}
	return rx;
}

int rx_groups(const struct rx *rx)
{
	return rx->ngroups;
}

/* Whether prog[x] is the X of a greedy X+: X, then a SPLIT back to it,
 * preferred, or on (MATCH ends the program: x + 1 is there). */
static int rx_plus(const struct rx_inst *p, int x)
{
	return p[x + 1].op == OP_SPLIT && p[x + 1].x == x && p[x + 1].y == x + 2;
}

/* Whether prog[x] is one ASCII character or a class of them only: then
 * its bytes into set. */
static int rx_ascii(const struct rx *rx, int x, unsigned char set[256])
{
	const struct rx_inst *p = rx->prog;

	if (p[x].op == OP_BYTE) {
		if (p[x].c >= 0x80)
			return 0;
	} else if (p[x].op != OP_CLASS || rx->cls[p[x].x].neg || rx->cls[p[x].x].n)
		return 0;	/* a class that may take a character beyond ASCII */
	for (int b = 0; b < 256; b++)
		set[b] = p[x].op == OP_BYTE ? b == p[x].c : rx->cls[p[x].x].ascii_in[b];
	return 1;
}

int rx_byteset(const struct rx *rx, unsigned char set[256])
{
	const struct rx_inst *p = rx->prog;
	int i = 0, x, run = 0;

	while (i < rx->ninst && p[i].op == OP_SAVE)
		i++;
	if (i == rx->ninst)
		return 0;
	x = i++;
	if (!rx_ascii(rx, x, set))
		return 0;
	if (rx_plus(p, x)) {
		run = 1;
		i++;
	}
	while (i < rx->ninst && p[i].op == OP_SAVE)
		i++;
	if (i == rx->ninst || p[i].op != OP_MATCH)
		return 0;
	return 1 + run;
}

/* A greedy X*, X+ or X? at *i, X as rx_ascii: its bytes into set, its
 * least and most (SIZE_MAX: no limit) into *min, *max, *i past it; 0 when
 * none. */
static int rx_delim_run(const struct rx *rx, int *i, unsigned char set[256], size_t *min, size_t *max)
{
	const struct rx_inst *p = rx->prog;
	int q = *i;

	*min = 0;
	*max = (size_t)-1;
	if (q + 2 >= rx->ninst)
		return 0;
	if (p[q].op == OP_SPLIT && p[q].x == q + 1 && p[q].y == q + 3 && p[q + 2].op == OP_JMP &&
	    p[q + 2].x == q && rx_ascii(rx, q + 1, set))
		*i = q + 3;
	else if (rx_plus(p, q) && rx_ascii(rx, q, set))
		*min = 1, *i = q + 2;
	else if (p[q].op == OP_SPLIT && p[q].x == q + 1 && p[q].y == q + 2 && rx_ascii(rx, q + 1, set))
		*max = 1, *i = q + 2;
	else
		return 0;
	return 1;
}

int rx_delim(const struct rx *rx, struct rx_delim *d)
{
	const struct rx_inst *p = rx->prog;
	int i = 1;	/* past group 0's start */
	size_t amax;

	memset(d, 0, sizeof *d);
	rx_delim_run(rx, &i, d->a, &d->amin, &amax);
	/* L: one character (not one an X+ repeats), then bytes up to such a one */
	if (!rx_ascii(rx, i, d->lead) || rx_plus(p, i) || amax == 1)
		return 0;
	for (i++; p[i].op == OP_BYTE && p[i].c < 0x80 && !rx_plus(p, i); i++) {
		if (d->litlen == RX_DELIM_LIT)
			return 0;
		d->lit[d->litlen++] = p[i].c;
	}
	rx_delim_run(rx, &i, d->b, &d->bmin, &d->bmax);
	for (int c = 0; c < 128; c++)
		if (d->lead[c] && d->a[c])
			return 0;
	d->lone = find_only(d->lead);
	return p[i].op == OP_SAVE && p[i].x == 1 && p[i + 1].op == OP_MATCH;
}

/* L's first character ends every A before it: the first place from `from`
 * on where L may start is the only one a start up to it can reach, and the
 * A before it the earliest such start (later ones in it take the same L and
 * B); when that start fails, so do they all, and the search goes on past
 * it. */
int rx_delim_find(const struct rx_delim *d, const char *str, size_t n, size_t from, size_t *ms, size_t *me)
{
	const unsigned char *s = (const unsigned char *)str;
	const size_t end = n > d->litlen ? n - d->litlen : 0;	/* L starts before it */

	for (size_t q; from < end; from = q + 1) {
		size_t p, e, b, bend;

		q = find_inset(d->lead, d->lone, str, from, end);
		if (q == end)
			return 0;
		if (d->litlen && memcmp(s + q + 1, d->lit, d->litlen) != 0)
			continue;
		for (p = q; p > from && d->a[s[p - 1]]; p--)
			;
		b = q + 1 + d->litlen;
		bend = n - b > d->bmax ? b + d->bmax : n;
		for (e = b; e < bend && d->b[s[e]]; e++)
			;
		if (q - p >= d->amin && e - b >= d->bmin) {
			*ms = p;
			*me = e;
			return 1;
		}
	}
	return 0;
}

static int rx_isword(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

/* Java's Dollar without MULTILINE: the end, or before a line terminator
 * that ends the input ("\r\n" counts as one; not between its \r and \n). */
static int rx_dollar(const unsigned char *s, size_t n, size_t i)
{
	switch (n - i) {
	case 0:
		return 1;
	case 1:
		if (s[i] == '\n')
			return !(i > 0 && s[i - 1] == '\r');
		return s[i] == '\r';
	case 2:
		return (s[i] == '\r' && s[i + 1] == '\n') || (s[i] == 0xc2 && s[i + 1] == 0x85);
	case 3:
		return s[i] == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9);
	}
	return 0;
}

static int rx_assert(int kind, const unsigned char *s, size_t n, size_t i)
{
	switch (kind) {
	case AS_BEGIN:
		return i == 0;
	case AS_END:
		return i == n;
	case AS_DOLLAR:
		return rx_dollar(s, n, i);
	case AS_WORDB:
	case AS_NWORDB:
		return ((i > 0 && rx_isword(s[i - 1])) != (i < n && rx_isword(s[i]))) == (kind == AS_WORDB);
	}
	return 0;
}

static int rx_inclass(const struct rx *rx, const struct rx_class *k, uint32_t cp)
{
	int in = 0;

	if (cp < 128)
		in = k->ascii[cp >> 5] >> (cp & 31) & 1;
	else
		for (uint32_t i = k->first; i < k->first + k->n && !in; i++)
			in = cp >= rx->rng[i].lo && cp <= rx->rng[i].hi;
	return in != k->neg;
}

static void rx_push(struct rx_list *l, const struct rx *rx, int pc, int pending, const int *slots)
{
	int *e = l->e + (size_t)l->n++ * rx->stride;

	e[0] = pc;
	e[1] = pending;
	memcpy(e + 2, slots, (size_t)rx->nslots * sizeof *slots);
}

/* Follows every path from pc that consumes nothing, in order of preference,
 * from position i with the slots in rx->work; adds the threads that wait for
 * input (or match) to l. */
static void rx_follow(struct rx *rx, struct rx_list *l, int pc, const unsigned char *s, size_t n, size_t i,
    uint32_t stamp)
{
	int *st = rx->stack, sp = 0, *w = rx->work, mode;

	st[sp++] = pc;
	st[sp++] = 0;
	while (sp > 0) {
		int v = st[--sp];
		struct rx_inst *in;

		pc = st[--sp];
		if (pc < 0) {
			w[-1 - pc] = v;		/* undo a SAVE or MARK on the way back */
			continue;
		}
		in = &rx->prog[pc];
		/* An instruction is reached once per position, but in a loop
		 * body once more for an iteration that has consumed nothing
		 * yet, which can still take Java's last empty iteration (see
		 * the top of the file); per nesting level, as the loops whose
		 * iteration started here are always the innermost ones.  A
		 * thread waiting for input is the same in every mode. */
		mode = 0;
		if (in->op > OP_MATCH)
			for (unsigned b = in->loops; b; b &= b - 1)
				mode += w[rx->nsave + __builtin_ctz(b)] == (int)i;
		if (rx->seen[(size_t)pc * rx->modes + mode] == stamp)
			continue;
		rx->seen[(size_t)pc * rx->modes + mode] = stamp;
		switch (in->op) {
		case OP_JMP:
			st[sp++] = in->x;
			st[sp++] = 0;
			break;
		case OP_SPLIT:
			st[sp++] = in->y;
			st[sp++] = 0;
			st[sp++] = in->x;
			st[sp++] = 0;
			break;
		case OP_SAVE:
		case OP_MARK: {
			int slot = in->op == OP_SAVE ? in->x : rx->nsave + in->x;
			st[sp++] = -1 - slot;
			st[sp++] = w[slot];
			w[slot] = (int)i;
			st[sp++] = pc + 1;
			st[sp++] = 0;
			break;
		}
		case OP_IFEMPTY:
			st[sp++] = w[rx->nsave + in->x] == (int)i ? in->y : pc + 1;
			st[sp++] = 0;
			break;
		case OP_ASSERT:
			if (rx_assert(in->c, s, n, i)) {
				st[sp++] = pc + 1;
				st[sp++] = 0;
			}
			break;
		default:
			rx_push(l, rx, pc, 0, w);
			break;
		}
	}
}

int rx_exec_pike(struct rx *rx, const char *str, size_t n, size_t from, enum rx_mode mode, int *caps, int ncaps)
{
	const unsigned char *s = (const unsigned char *)str;
	struct rx_list *cl = &rx->l[0], *nl = &rx->l[1], *tmp;
	uint32_t base;
	size_t boundary = from;	/* where the next character starts */
	int matched = 0;

	for (int g = 0; g < 2 * ncaps; g++)
		caps[g] = -1;
	if (n > INT_MAX - 1 || from > n)
		return 0;
	/* stamps base + (i - from) + 1 must stay above every stamp in seen */
	if (rx->gen > UINT32_MAX - (uint32_t)(n - from) - 2) {
		memset(rx->seen, 0, (size_t)rx->ninst * rx->modes * sizeof *rx->seen);
		rx->gen = 0;
	}
	base = rx->gen;
	rx->gen += (uint32_t)(n - from) + 2;
	cl->n = 0;
	for (size_t i = from;; i++) {
		uint32_t stamp = base + (uint32_t)(i - from) + 1;

		/* Java tries each character, not each byte, as a start. */
		if (!matched && (i == from || (mode == RX_FIND && i == boundary))) {
			uint32_t cp;
			if (cl->n == 0 && rx->firstbyte >= 0 && mode == RX_FIND) {
				/* nothing running: skip to where a match can start
				 * (an ASCII byte or a lead byte starts a character) */
				if ((i = find_byte(str, i, n, (char)rx->firstbyte)) == n)
					break;
				stamp = base + (uint32_t)(i - from) + 1;
			}
			if (i < n)
				boundary = i + utf8_decode(s + i, n - i, &cp);
			for (int k = 0; k < rx->nslots; k++)
				rx->work[k] = -1;
			rx_follow(rx, cl, 0, s, n, i, stamp);
		}
		if (cl->n == 0 && (matched || mode != RX_FIND || i >= n))
			break;
		nl->n = 0;
		for (int t = 0; t < cl->n; t++) {
			int *e = cl->e + (size_t)t * rx->stride;
			struct rx_inst *in = &rx->prog[e[0]];
			uint32_t cp;
			int k;

			if (e[1] > 1) {
				rx_push(nl, rx, e[0], e[1] - 1, e + 2);
				continue;
			}
			if (e[1] == 1) {
				memcpy(rx->work, e + 2, (size_t)rx->nslots * sizeof(int));
				rx_follow(rx, nl, e[0], s, n, i + 1, stamp + 1);
				continue;
			}
			switch (in->op) {
			case OP_MATCH:
				if (mode == RX_MATCHES && i != n)
					break;
				matched = 1;
				for (int g = 0; g < 2 * ncaps && g < rx->nsave; g++)
					caps[g] = e[2 + g];
				t = cl->n;	/* the threads after this one are worse */
				break;
			case OP_BYTE:
				if (i < n && s[i] == in->c) {
					memcpy(rx->work, e + 2, (size_t)rx->nslots * sizeof(int));
					rx_follow(rx, nl, e[0] + 1, s, n, i + 1, stamp + 1);
				}
				break;
			case OP_CLASS:
				if (i >= n)
					break;
				k = utf8_decode(s + i, n - i, &cp);
				if (!rx_inclass(rx, &rx->cls[in->x], cp))
					break;
				if (k > 1) {
					rx_push(nl, rx, e[0] + 1, k - 1, e + 2);
					break;
				}
				memcpy(rx->work, e + 2, (size_t)rx->nslots * sizeof(int));
				rx_follow(rx, nl, e[0] + 1, s, n, i + 1, stamp + 1);
				break;
			}
		}
		tmp = cl;
		cl = nl;
		nl = tmp;
		if (i >= n)
			break;
	}
	return matched;
}

/* The end of the run of bytes b with in[b] from j: four at a time, as most
 * runs are long. */
static inline __attribute__((always_inline)) size_t rx_scan(const uint8_t *in, const unsigned char *s, size_t j, size_t n)
{
	if (n >= 4)
		for (size_t e = n - 3; j < e && (in[s[j]] & in[s[j + 1]] & in[s[j + 2]] & in[s[j + 3]]); )
			j += 4;
	while (j < n && in[s[j]])
		j++;
	return j;
}

/* find_below_or_high's bytes and, when two, those equal to ex's (a
 * borrow again moving up only from a flagged byte). */
static inline __attribute__((always_inline)) unsigned long rx_stops(unsigned long w, unsigned long lo, unsigned long ex, int two)
{
	const unsigned long ones = ~0UL / 255, x = w ^ ex;
	unsigned long m = find_below_or_high(w, lo);

	if (two)
		m |= (x - ones) & ~x & ones * 0x80;
	return m;
}

#ifdef SIMD16
/* Which of the sixteen bytes at p are below vlo's (signed: those from 0x80
 * too) or vex's. */
static inline __attribute__((always_inline)) uint64_t rx_flags16(const unsigned char *p, simd_v vlo, simd_v vex)
{
	simd_v x = simd_load(p);

	return simd_bits(simd_or(simd_lt(x, vlo), simd_eq(x, vex)));
}
#endif

/* rx_scan for a class that takes every ASCII byte from t->wlo's up, but
 * t->wex's when t->words is 2: a word at a time while rx_stops flags no
 * byte, from the first it flags through the table ('.', '\S', '[^"]' and
 * their like: a line's long runs). */
static inline __attribute__((always_inline)) size_t rx_scan_words(const struct rx_step *t, const unsigned char *s,
    size_t j, size_t n)
{
	const unsigned long lo = t->wlo, ex = t->wex;
	const size_t word = sizeof lo;

	if (n < word)
		return rx_scan(t->in, s, j, n);
#ifdef SIMD16
	/* sixteen bytes a step where the CPU has them: a signed compare flags
	 * the bytes below lo's and those from 0x80 up, as rx_stops does; with
	 * one bound, ex's compare looks for 0x80, flagged already.  The last
	 * sixteen bytes are those that end at n, the ones before j passed over. */
	const simd_v vlo = simd_splat((char)(lo & 0xff));
	const simd_v vex = simd_splat((char)(t->words == 2 ? ex & 0xff : 0x80));

	if (n >= 16) {
		uint64_t m;

		while (n - j >= 16) {
			if (!(m = rx_flags16(s + j, vlo, vex))) {
				j += 16;
				continue;
			}
			j += simd_first(m);
			if (!t->in[s[j]])
				return j;
			j++;
		}
		while (j < n && (m = rx_flags16(s + n - 16, vlo, vex) >> SIMD_BITS * (j - (n - 16)))) {
			j += simd_first(m);
			if (!t->in[s[j]])
				return j;
			j++;
		}
		return n;
	}
#endif
	for (const size_t e = n - word;;) {
		unsigned long m = 0;

		if (j > e)
			return rx_scan(t->in, s, j, n);
		if (t->words == 1)
			while (!(m = rx_stops(load_word(s + j), lo, 0, 0)) && (j += word) <= e)
				;
		else
			while (!(m = rx_stops(load_word(s + j), lo, ex, 1)) && (j += word) <= e)
				;
		if (!m)
			return rx_scan(t->in, s, j, n);
		j += find_first(m);
		if (!t->in[s[j]])
			return j;
		j++;
	}
}

static inline __attribute__((always_inline)) void rx_frame_set(struct rx_frame *f, int kind, int pc, int a, int b)
{
	f->kind = kind;
	f->pc = pc;
	f->a = a;
	f->b = b;
}

/* The backtracker: from position i, paths tried depth first in the order
 * of preference, exactly as Java's Matcher tries them (so the first match is
 * Java's, and the Pike VM's).  Used for programs with no loop that can
 * match empty (no MARK), which is every pattern the built-in formats have.
 * A greedy loop over one character scans ahead in a tight loop over ASCII
 * and leaves one frame for all the places it may give back.  Returns 1 on
 * a match (the slots in rx->work), 0 if none from i, -1 when the budget
 * or the stack ran out (then nothing is known).  Starts at pc: 0, or where
 * the steps leave the rest of the program to it. */
static int rx_bt(struct rx *rx, const unsigned char *s, size_t n, size_t i, int pc, enum rx_mode mode,
    int64_t *budgetp)
{
	struct rx_frame *st = rx_frames, *f;
	int *w = rx->work, sp = 0, r;
	int64_t budget = *budgetp;

	for (;;) {
		const struct rx_inst *in = &rx->prog[pc];

		switch (in->op) {
		case OP_BYTE:
			if (i < n && s[i] == in->c) {
				i++;
				pc++;
				continue;
			}
			goto fail;
		case OP_CLASS: {
			const struct rx_class *k = &rx->cls[in->x];
			uint32_t cp;

			if (i >= n)
				goto fail;
			if (s[i] < 0x80) {
				if (!k->ascii_in[s[i]])
					goto fail;
				i++;
				pc++;
				continue;
			}
			int len = utf8_decode(s + i, n - i, &cp);
			if (!rx_inclass(rx, k, cp))
				goto fail;
			i += (size_t)len;
			pc++;
			continue;
		}
		case OP_MATCH:
			if (mode == RX_MATCHES && i != n)
				goto fail;
			r = 1;
			goto out;
		case OP_JMP:
			pc = in->x;
			continue;
		case OP_SPLIT:
			/* Only SPLITs and failures are counted: between two of them
			 * the path runs straight, at most the program's length. */
			if (sp == RX_BT_FRAMES || --budget < 0) {
				r = -1;
				goto out;
			}
			if (in->c) {
				/* X* or X+: take every ASCII X ahead at once */
				const struct rx_inst *x = &rx->prog[in->x];
				size_t j = i;

				if (x->op == OP_BYTE) {
					while (j < n && s[j] == x->c && x->c < 0x80)
						j++;
				} else {
					j = rx_scan(rx->cls[x->x].ascii_in, s, j, n);
				}
				budget -= (int64_t)(j - i);
				if (j < n && s[j] >= 0x80) {
					/* X decides for itself on what is not ASCII */
					if (in->c == 2)
						rx_frame_set(&st[sp++], BT_ALT, in->y, (int)j, 0);
					else
						rx_frame_set(&st[sp++], BT_RANGE, pc, (int)i, (int)j);
					i = j;
					pc = in->x;
					continue;
				}
				if (j > i && in->c != 2)
					rx_frame_set(&st[sp++], BT_RANGE, pc, (int)i, (int)j - 1);
				i = j;
				pc = in->y;
				continue;
			}
			if (rx->fset) {
				const struct rx_ways *wy = &rx->ways[rx->fset[pc]];
				int o = i < n ? wy->t[s[i] >> 2] >> 2 * (s[i] & 3) & 3 : wy->end;

				if (o == 0)
					goto fail;
				if (o != 3) {
					pc = o == 1 ? in->x : in->y;
					continue;
				}
			}
			rx_frame_set(&st[sp++], BT_ALT, in->y, (int)i, 0);
			pc = in->x;
			continue;
		case OP_SAVE:
			/* with nothing to go back to, a failure ends the attempt
			 * (and the next one starts with every slot unset) */
			if (sp == RX_BT_FRAMES) {
				r = -1;
				goto out;
			}
			if (sp > 0)
				rx_frame_set(&st[sp++], BT_UNDO, 0, in->x, w[in->x]);
			w[in->x] = (int)i;
			pc++;
			continue;
		case OP_ASSERT:
			if (!rx_assert(in->c, s, n, i))
				goto fail;
			pc++;
			continue;
		default:
			r = -1;		/* MARK, IFEMPTY: not for the backtracker */
			goto out;
		}
fail:
		if (--budget < 0) {
			r = -1;
			goto out;
		}
		for (;;) {
			if (sp == 0) {
				r = 0;
				goto out;
			}
			f = &st[sp - 1];
			if (f->kind == BT_UNDO) {
				w[f->a] = f->b;
				sp--;
				continue;
			}
			if (f->kind == BT_ALT) {
				pc = f->pc;
				i = (size_t)f->a;
				sp--;
			} else {
				/* the next place back the loop's continuation can start at */
				const struct rx_ways *wy = rx->fset ? &rx->ways[rx->fset[f->pc]] : NULL;

				i = (size_t)f->b;
				if (wy)
					while (i > (size_t)f->a && !(wy->t[s[i] >> 2] >> 2 * (s[i] & 3) & 2))
						i--;
				pc = rx->prog[f->pc].y;
				f->b = (int)i - 1;
				if (i == (size_t)f->a)
					sp--;
			}
			break;
		}
	}
out:
	*budgetp = budget;
	return r;
}

/* Unsets the n slots listed. */
static inline __attribute__((always_inline)) void rx_unset(int *w, const int *slots, int n)
{
	for (int j = 0; j < n; j++)
		w[slots[j]] = -1;
}

/* The length of the character beyond ASCII at s[j] when the run's X takes
 * it, else 0. */
static inline __attribute__((always_inline)) int rx_wide(const struct rx *rx, const struct rx_step *t, const unsigned char *s, size_t j, size_t n)
{
	uint32_t cp;
	int len;

	if (j >= n || s[j] < 0x80 || t->cls < 0)
		return 0;
	len = utf8_decode(s + j, n - j, &cp);
	return rx_inclass(rx, &rx->cls[t->cls], cp) ? len : 0;
}

/* A lazy run from *jp on to the first place its continuation may start at,
 * every character before it taken by X: 0 when there is none (*jp: where
 * it stopped looking). */
static inline __attribute__((always_inline)) int rx_lazy(const struct rx *rx, const struct rx_step *t,
    const unsigned char *s, size_t *jp, size_t n)
{
	size_t j = *jp;
	int len;

	for (;; j += (size_t)len) {
		j = t->words ? rx_scan_words(t, s, j, n) : rx_scan(t->in, s, j, n);
		if (j == n || t->cs[s[j]] || !(len = rx_wide(rx, t, s, j, n)))
			break;
	}
	*jp = j;
	return j < n ? t->cs[s[j]] : t->lend;
}

/* After a failure at at: the lazy run takes one more character and goes on
 * to the next place its continuation may start at; n + 1 when there is none.
 * What it looks at is charged to *budget. */
static __attribute__((noinline)) size_t rx_lazy_on(const struct rx *rx, const struct rx_step *t,
    const unsigned char *s, size_t at, size_t n, int64_t *budget)
{
	int len = t->xin[s[at]] ? 1 : rx_wide(rx, t, s, at, n), ok = 0;
	size_t p = at + (size_t)len;

	if (len)
		ok = rx_lazy(rx, t, s, &p, n);
	*budget -= (int64_t)(p - at);
	return ok ? p : n + 1;
}

/* Whether the step's literal is at s[i..n). */
static inline __attribute__((always_inline)) int rx_lit(const struct rx *rx, const struct rx_step *t,
    const unsigned char *s, size_t n, size_t i)
{
	if (t->lmask && n - i >= sizeof t->lw)
		return !((load_word(s + i) ^ t->lw) & t->lmask);
	if (n - i < (size_t)t->lb)
		return 0;
	for (int j = 0; j < t->lb; j++)
		if (s[i + (size_t)j] != rx->lit[t->la + j])
			return 0;
	return 1;
}

/* Whether a pass resumed at step k and place i was resumed there before in
 * this rx_exec: then it is not run again.  What follows depends on k and i
 * alone (no back-references, no loop that can match empty), and that pass
 * failed: a frame is resumed only when every frame pushed after it is
 * gone, and a resumed pass enters only steps past the frame's own, so no
 * pass still under way is at k.  Called once the budget is spent down to
 * memo_at (a pattern that backtracks over and over, (.*) (.*) (.*) ...): it
 * clears the bits it needs and adds RX_MEMO_PER a pair to the budget, which
 * stays linear in the line; lines with too many pairs go on without it. */
static int rx_seen(struct rx *rx, int k, size_t i, size_t n, int64_t *budget)
{
	unsigned long *w, b = 1UL << i % RX_WBITS;

	if (rx->memo_at != INT64_MAX) {
		size_t stride = n / RX_WBITS + 1;

		if ((size_t)(rx->nsteps + rx->ncs) * stride > sizeof rx_memo / sizeof *rx_memo) {
			rx->memo_at = INT64_MIN;
			return 0;
		}
		memset(rx_memo, 0, (size_t)rx->nsteps * stride * sizeof *rx_memo);
		memset(rx->memo_cs, 0, (size_t)rx->ncs);
		rx->memo_w = stride;
		rx->memo_at = INT64_MAX;
		*budget += RX_MEMO_PER * (int64_t)(rx->nsteps * (n + 1));
	}
	w = rx_memo + (size_t)k * rx->memo_w + i / RX_WBITS;
	if (*w & b)
		return 1;
	*w |= b;
	return 0;
}

/* The last place in [lo, hi] that run k may give back to while rx_seen
 * runs: where its continuation can start (its cs: a row of the places
 * made once per line) and has not been resumed from (rx_seen's row k + 1).
 * A word of places at a time, not a byte at a time over places tried
 * already.  Returns lo - 1 if there is none. */
static size_t rx_memo_last(struct rx *rx, int k, const unsigned char *s, size_t n, size_t lo, size_t hi)
{
	const struct rx_step *t = rx->steps + k;
	const unsigned long *seen = rx_memo + (size_t)(k + 1) * rx->memo_w, *can = NULL;
	size_t q = hi / RX_WBITS;
	unsigned long v;

	if (t->cs) {
		unsigned long *row = rx_memo + (size_t)(rx->nsteps + t->csi) * rx->memo_w;

		if (!rx->memo_cs[t->csi]) {
			for (size_t a = 0; a < n; a += RX_WBITS) {
				size_t e = n - a < RX_WBITS ? n - a : RX_WBITS;

				v = 0;
				for (size_t b = 0; b < e; b++)
					v |= (unsigned long)(t->cs[s[a + b]] != 0) << b;
				row[a / RX_WBITS] = v;
			}
			rx->memo_cs[t->csi] = 1;
		}
		can = row;
	}
	v = ~seen[q] & (can ? can[q] : ~0UL) & (~0UL >> (RX_WBITS - 1 - hi % RX_WBITS));
	while (!v) {
		if (q == lo / RX_WBITS)
			return lo - 1;
		q--;
		v = ~seen[q] & (can ? can[q] : ~0UL);
	}
	q = q * RX_WBITS + RX_WBITS - 1 - (size_t)__builtin_clzl(v);
	return q >= lo ? q : lo - 1;
}

/* The steps from position i: each in turn, a failure going back to the
 * last run that may give back or choice that may take its other branch.
 * Every step outside a branch runs before the match, so a slot it saves is
 * saved again on the way there: nothing to undo; a branch's slots are
 * unset by its choice, and the tail's before each try.  Returns as
 * rx_bt; -1 also when a run that took a character beyond ASCII would have
 * to give back (the backtracker does that). */
static int rx_run(struct rx *rx, const unsigned char *s, size_t n, size_t i, enum rx_mode mode, int64_t *budgetp)
{
	struct rx_stepframe *fr = rx->sframes, *f;
	const struct rx_step *const steps = rx->steps, *t = steps;
	int *w = rx->work, sp = 0, r;
	int64_t budget = *budgetp;
	size_t start = i;	/* where this pass began: its place + its step's, see fail */

	rx_unset(w, rx->tailslots, rx->ntailslots);
	for (;; t++) {
		int len;

		w[t->sv[0]] = (int)i;
		w[t->sv[1]] = (int)i;
		switch (t->kind) {
		case ST_LIT:
			if (!rx_lit(rx, t, s, n, i))
				goto fail;
			i += (size_t)t->lb;
			break;
		case ST_RUN: {
			const uint8_t *m = t->in;
			size_t j = i, lo;
			int mb = 0;

			if (t->plus) {
				lo = i + 1;
			} else {
				for (int c = 0; c < t->a; c++) {
					if (j < n && m[s[j]]) {
						j++;
						continue;
					}
					if (!(len = rx_wide(rx, t, s, j, n)))
						goto fail;
					j += (size_t)len;
					mb = 1;
				}
				if (t->b >= 0)
					goto lit;	/* X{m} */
				lo = j;
			}
			for (;;) {
				j = t->words ? rx_scan_words(t, s, j, n) : rx_scan(m, s, j, n);
				if (!(len = rx_wide(rx, t, s, j, n)))
					break;
				j += (size_t)len;
				mb = 1;
			}
			if (j < lo)
				goto fail;
			if (t->back && j > lo) {
				f = &fr[sp++];
				f->k = (int)(t - steps);
				f->lo = (int)lo;
				f->hi = (int)j - 1;
				f->mb = (int16_t)mb;
				f->alt = 0;
			}
lit:
			i = j;
			if (t->lb) {
				w[t->lsv[0]] = (int)i;
				w[t->lsv[1]] = (int)i;
				if (!rx_lit(rx, t, s, n, i))
					goto fail;
				i += (size_t)t->lb;
			}
			break;
		}
		case ST_LAZY:
			/* (what it looks at is this pass's work: i moves on) */
			if (!rx_lazy(rx, t, s, &i, n))
				goto fail;
			if (i < n) {
				f = &fr[sp++];
				f->k = (int)(t - steps);
				f->lo = (int)i;
				f->alt = 2;
			}
			break;
		case ST_ASSERT:
			if (t->a == AS_BEGIN ? i != 0 : !rx_assert(t->a, s, n, i))
				goto fail;
			break;
		case ST_MATCH:
			if (mode == RX_MATCHES && i != n)
				goto fail;
			r = 1;
			goto out;
		case ST_ALT: {
			int o = 3;

			rx_unset(w, rx->resets + t->r, t->nr);
			if (t->hop && i < n)
				t = steps + t->hop[s[i]];
			if (t->wy)
				o = i < n ? t->wy->t[s[i] >> 2] >> 2 * (s[i] & 3) & 3 : t->wy->end;
			if (o == 0)
				goto fail;
			if (o == 3) {
				if (--budget < 0) {
					r = -1;
					goto out;
				}
				f = &fr[sp++];
				f->k = t->b;
				f->lo = (int)i;
				f->hi = (int)(t - steps);
				f->alt = 1;
			}
			t = steps + (o == 2 ? t->b : t->a) - 1;
			continue;
		}
		case ST_JMP:
			t = steps + t->a - 1;
			continue;
		case ST_TAIL:
			rx_unset(w, rx->tailslots, rx->ntailslots);
			budget -= (int64_t)(i + (size_t)(t - steps) - start);
			start = i + (size_t)(t - steps);
			if ((r = rx_bt(rx, s, n, i, t->a, mode, &budget)) != 0)
				goto out;
			goto fail;
		case ST_SAVE:	/* its slots saved above */
			break;
		default:	/* no other kind is made: no range check at each step */
			__builtin_unreachable();
		}
		continue;
fail:
		/* a pass goes forward only, in the line and in the steps: its work
		 * is about the bytes and the steps it went past */
		if ((budget -= (int64_t)(i + (size_t)(t - steps) - start) + 1) < 0) {
			r = -1;
			goto out;
		}
resume:
		for (;;) {
			const uint8_t *cs;
			size_t p;

			if (sp == 0) {
				r = 0;
				goto out;
			}
			f = &fr[sp - 1];
			if (f->alt == 2) {
				/* a lazy run: one more character, on to the next place */
				p = rx_lazy_on(rx, steps + f->k, s, (size_t)f->lo, n, &budget);
				if (p >= n)
					sp--;
				if (p > n)
					continue;
				f->lo = (int)p;
				i = p;
				t = steps + f->k;
				start = i + (size_t)f->k + 1;
				break;
			}
			if (f->alt) {
				/* the other branch, its choice's slots unset again */
				const struct rx_step *a = steps + f->hi;

				rx_unset(w, rx->resets + a->r, a->nr);
				i = (size_t)f->lo;
				t = steps + f->k - 1;
				start = i + (size_t)f->k;
				sp--;
				break;
			}
			if (f->mb) {
				r = -1;
				goto out;
			}
			cs = steps[f->k].cs;
			/* the next place back the continuation can start at */
			p = (size_t)f->hi;
			if (cs && p - (size_t)f->lo >= RX_BACK_FAR && steps[f->k].csonly >= 0) {
				p = find_byte_last((const char *)s, (size_t)f->lo, p, (char)steps[f->k].csonly);
				if (p + 1 == (size_t)f->lo) {
					sp--;
					continue;
				}
			} else if (cs) {
				while (p > (size_t)f->lo && !cs[s[p]])
					p--;
				if (!cs[s[p]]) {
					sp--;
					continue;
				}
			}
			if (p == (size_t)f->lo)
				sp--;
			else
				f->hi = (int)p - 1;
			i = p;
			t = steps + f->k;
			start = i + (size_t)f->k + 1;
			break;
		}
		if (budget < rx->memo_at && rx_seen(rx, (int)(t - steps) + 1, i, n, &budget)) {
			/* a run's: on to the next place not tried, at once */
			if (sp > 0 && (f = &fr[sp - 1])->alt == 0 && f->k == (int)(t - steps)) {
				size_t p = rx_memo_last(rx, f->k, s, n, (size_t)f->lo, (size_t)f->hi);
				if (p + 1 == (size_t)f->lo)
					sp--;
				else
					f->hi = (int)p;
			}
			goto resume;
		}
	}
out:
	*budgetp = budget;
	return r;
}

int rx_exec(struct rx *rx, const char *str, size_t n, size_t from, enum rx_mode mode, int *caps, int ncaps)
{
	const unsigned char *s = (const unsigned char *)str;
	int64_t budget;
	size_t i = from;
	int r = 0, k, *work = rx->work, direct = 2 * ncaps >= rx->nsave;

	if (!rx->bt || n > INT_MAX - 1 || from > n)
		return rx_exec_pike(rx, str, n, from, mode, caps, ncaps);
	budget = RX_BT_PER_BYTE * (int64_t)(n - from + 1) + RX_BT_BASE;
	rx->memo_at = budget - RX_MEMO_AFTER_PER_BYTE * (int64_t)(n - from + 1) - RX_MEMO_AFTER_BASE;
	if (direct)
		rx->work = caps;	/* room for every slot: found there, not copied */
	for (;;) {
		uint32_t cp;

		if (mode == RX_FIND && rx->firstbyte >= 0) {
			if ((i = find_byte(str, i, n, (char)rx->firstbyte)) == n)
				break;
		} else if (mode == RX_FIND && rx->skip) {
			if ((i = rx_scan(rx->skip, s, i, n)) == n)
				break;
		}
		if (!rx->steps || (r = rx_run(rx, s, n, i, mode, &budget)) < 0) {
			memset(rx->work, 0xff, (size_t)rx->nsave * sizeof *rx->work);	/* every slot -1 */
			r = rx_bt(rx, s, n, i, 0, mode, &budget);
		}
		if (r != 0 || mode != RX_FIND || i >= n)
			break;
		/* Java tries each character, not each byte, as a start */
		i += (size_t)utf8_decode(s + i, n - i, &cp);
	}
	rx->work = work;
	if (r < 0)
		return rx_exec_pike(rx, str, n, from, mode, caps, ncaps);
	/* the slots found, then -1 for any group past them */
	k = r ? (2 * ncaps < rx->nsave ? 2 * ncaps : rx->nsave) : 0;
	if (!direct)
		memcpy(caps, work, (size_t)k * sizeof *caps);
	if (2 * ncaps > k)
		memset(caps + k, 0xff, (size_t)(2 * ncaps - k) * sizeof *caps);
	return r;
}
