/* Base64, RFC 4648 section 4: standard alphabet, padded. */
#include <stdint.h>
#include <string.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "b64.h"
#include "cpu.h"
#include "unaligned.h"
#if defined(CPU_ARM_SIMD) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <arm_neon.h>
#define B64_NEON
#endif

static const char b64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encodes 1..3 bytes into one group of 4, padded. */
static void
b64_group(const unsigned char *p, size_t n, char *out)
{
	unsigned long v = (unsigned long)p[0] << 16;

	if (n > 1)
		v |= (unsigned long)p[1] << 8;
	if (n > 2)
		v |= p[2];
	out[0] = b64_alphabet[v >> 18 & 63];
	out[1] = b64_alphabet[v >> 12 & 63];
	out[2] = n > 1 ? b64_alphabet[v >> 6 & 63] : '=';
	out[3] = n > 2 ? b64_alphabet[v & 63] : '=';
}

/* Two characters for each 12 bits: one lookup where the alphabet takes
 * two (8 KiB, filled on first use). */
static char b64_pairs[4096][2];

static void
b64_fill_pairs(void)
{
	for (int i = 0; i < 4096; i++) {
		b64_pairs[i][0] = b64_alphabet[i >> 6];
		b64_pairs[i][1] = b64_alphabet[i & 63];
	}
}

#ifdef __x86_64__
/* With SSSE3 (most x86-64 since 2006; asked of the CPU once), 12 bytes to
 * 16 characters a step, while 16 can be read: each 3-byte group is laid out
 * in a 32-bit lane as b a c b, so that two 16-bit multiplies move its four
 * 6-bit values into the lane's four bytes; each value then gets the offset
 * that makes it its character, looked up by the range it is in. */
__attribute__((target("ssse3")))
static size_t
b64_groups_ssse3(const unsigned char *p, size_t n, char *o)
{
	const __m128i lanes = _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
	const __m128i offsets = _mm_setr_epi8('A', 'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
	    '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62, '/' - 63, 0, 0);
	size_t done = 0;

	for (; n - done >= 16; done += 12, o += 16) {
		__m128i v = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + done)), lanes);
		__m128i hi = _mm_mulhi_epu16(_mm_and_si128(v, _mm_set1_epi32(0x0fc0fc00)), _mm_set1_epi32(0x04000040));
		__m128i lo = _mm_mullo_epi16(_mm_and_si128(v, _mm_set1_epi32(0x003f03f0)), _mm_set1_epi32(0x01000010));
		__m128i x = _mm_or_si128(hi, lo);
		/* 0..25 -> 0, 26..51 -> 1, 52..63 -> 2..13 */
		__m128i range = _mm_sub_epi8(_mm_subs_epu8(x, _mm_set1_epi8(51)), _mm_cmpgt_epi8(x, _mm_set1_epi8(25)));

		_mm_storeu_si128((__m128i *)o, _mm_add_epi8(x, _mm_shuffle_epi8(offsets, range)));
	}
	return done;
}
#endif

#ifdef B64_NEON
/* With NEON (every AArch64; a 32-bit ARM that has it, asked of the CPU
 * once), 48 bytes to 64 characters a step: the bytes read into three
 * registers by their place in a group (vld3), the four 6-bit values of each
 * made by shifts and inserts, the characters looked up in the alphabet
 * (AArch64's tbl takes all 64 bytes of it at once; ARMv7's 32 of them, so
 * twice) and written back interleaved into groups (vst4). */
#ifdef __aarch64__
#define B64_NEON_TARGET
typedef uint8x16x4_t b64_table;

static inline b64_table b64_table_load(const uint8_t *a)
{
	return (b64_table){ { vld1q_u8(a), vld1q_u8(a + 16), vld1q_u8(a + 32), vld1q_u8(a + 48) } };
}

static inline uint8x16_t b64_chars(b64_table t, uint8x16_t v)
{
	return vqtbl4q_u8(t, v);
}
#else
#define B64_NEON_TARGET __attribute__((target("fpu=neon")))
typedef struct {
	uint8x8x4_t lo, hi;
} b64_table;

B64_NEON_TARGET static inline b64_table b64_table_load(const uint8_t *a)
{
	return (b64_table){ { { vld1_u8(a), vld1_u8(a + 8), vld1_u8(a + 16), vld1_u8(a + 24) } },
		{ { vld1_u8(a + 32), vld1_u8(a + 40), vld1_u8(a + 48), vld1_u8(a + 56) } } };
}

/* vtbx leaves a lane whose index is past the table (v - 32 below 32 wraps
 * to 224 and up) as vtbl made it */
B64_NEON_TARGET static inline uint8x8_t b64_chars8(b64_table t, uint8x8_t v)
{
	return vtbx4_u8(vtbl4_u8(t.lo, v), t.hi, vsub_u8(v, vdup_n_u8(32)));
}

B64_NEON_TARGET static inline uint8x16_t b64_chars(b64_table t, uint8x16_t v)
{
	return vcombine_u8(b64_chars8(t, vget_low_u8(v)), b64_chars8(t, vget_high_u8(v)));
}
#endif

B64_NEON_TARGET static size_t
b64_groups_neon(const unsigned char *p, size_t n, char *o)
{
	const b64_table alphabet = b64_table_load((const uint8_t *)b64_alphabet);
	const uint8x16_t low6 = vdupq_n_u8(63);
	size_t done = 0;

	for (; n - done >= 48; done += 48, o += 64) {
		uint8x16x3_t in = vld3q_u8(p + done);
		uint8x16x4_t x;

		x.val[0] = vshrq_n_u8(in.val[0], 2);
		x.val[1] = vandq_u8(vsliq_n_u8(vshrq_n_u8(in.val[1], 4), in.val[0], 4), low6);
		x.val[2] = vandq_u8(vsliq_n_u8(vshrq_n_u8(in.val[2], 6), in.val[1], 2), low6);
		x.val[3] = vandq_u8(in.val[2], low6);
		for (int k = 0; k < 4; k++)
			x.val[k] = b64_chars(alphabet, x.val[k]);
		vst4q_u8((uint8_t *)o, x);
	}
	return done;
}
#endif

/* The body of every encoder: whole groups, 3 bytes to 4 characters. */
static size_t
b64_groups(const unsigned char *p, size_t n, char *out)
{
	char *o = out;
	uint32_t v;

	if (!b64_pairs[0][0])
		b64_fill_pairs();
#ifdef __x86_64__
	if (n >= 16 && cpu_has() & CPU_SSSE3) {
		size_t done = b64_groups_ssse3(p, n, o);

		p += done;
		n -= done;
		o += done / 3 * 4;
	}
#endif
#ifdef B64_NEON
#ifdef __aarch64__
	if (n >= 48) {
#else
	if (n >= 48 && cpu_has() & CPU_NEON) {
#endif
		size_t done = b64_groups_neon(p, n, o);

		p += done;
		n -= done;
		o += done / 3 * 4;
	}
#endif
	/* 6 bytes at a time, read as one 8-byte word while 8 are there */
	for (; n >= 8; n -= 6, p += 6, o += 8) {
		uint64_t w = load_u64(p);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		memcpy(o, b64_pairs[w >> 52], 2);
		memcpy(o + 2, b64_pairs[w >> 40 & 4095], 2);
		memcpy(o + 4, b64_pairs[w >> 28 & 4095], 2);
		memcpy(o + 6, b64_pairs[w >> 16 & 4095], 2);
	}
	for (; n >= 6; n -= 6, p += 6, o += 8) {
		v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		memcpy(o, b64_pairs[v >> 12], 2);
		memcpy(o + 2, b64_pairs[v & 4095], 2);
		v = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
		memcpy(o + 4, b64_pairs[v >> 12], 2);
		memcpy(o + 6, b64_pairs[v & 4095], 2);
	}
	if (n >= 3) {
		v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		memcpy(o, b64_pairs[v >> 12], 2);
		memcpy(o + 2, b64_pairs[v & 4095], 2);
		o += 4;
	}
	return (size_t)(o - out);
}

size_t
b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t o = b64_groups(p, n, out);

	if (n % 3) {
		b64_group(p + n / 3 * 3, n % 3, out + o);
		o += 4;
	}
	return o;
}

void
b64_init(struct b64 *s)
{
	s->ncarry = 0;
}

size_t
b64_update(struct b64 *s, const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	unsigned char g[3];
	size_t o = 0;

	/* first complete the group left over from the last piece */
	if (s->ncarry > 0) {
		if ((size_t)s->ncarry + n < 3) {
			memcpy(s->carry + s->ncarry, p, n);
			s->ncarry += (int)n;
			return 0;
		}
		memcpy(g, s->carry, (size_t)s->ncarry);
		memcpy(g + s->ncarry, p, 3 - (size_t)s->ncarry);
		p += 3 - (size_t)s->ncarry;
		n -= 3 - (size_t)s->ncarry;
		s->ncarry = 0;
		b64_group(g, 3, out);
		o = 4;
	}
	o += b64_groups(p, n, out + o);
	p += n / 3 * 3;
	n %= 3;
	memcpy(s->carry, p, n);
	s->ncarry = (int)n;
	return o;
}

size_t
b64_final(struct b64 *s, char *out)
{
	size_t n = (size_t)s->ncarry;

	s->ncarry = 0;
	if (n == 0)
		return 0;
	b64_group(s->carry, n, out);
	return 4;
}

size_t
b64_spans(const char *const p[3], const size_t n[3], size_t *off, char *out, size_t cap)
{
	size_t total = n[0] + n[1] + n[2], o = 0;

	while (*off < total && cap - o >= 4) {
		/* the span *off is in, and where in it */
		int s = 0;
		size_t at = *off;
		while (at >= n[s]) {
			at -= n[s];
			s++;
		}
		size_t run = (n[s] - at) / 3 * 3;
		if (run > (cap - o) / 4 * 3)
			run = (cap - o) / 4 * 3;
		if (run) {
			/* straight from the span */
			o += b64_encode(p[s] + at, run, out + o);
			*off += run;
			continue;
		}
		/* a group across spans, or the last one */
		unsigned char g[3];
		size_t k = 0;
		for (; k < 3 && *off + k < total; k++) {
			while (at >= n[s]) {
				at -= n[s];
				s++;
			}
			g[k] = (unsigned char)p[s][at++];
		}
		b64_group(g, k, out + o);
		o += 4;
		*off += k;
	}
	return o;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict: length a multiple of 4, '=' only as the last one or two
 * characters, and the bits that padding leaves over must be zero (a
 * canonical encoding, RFC 4648 section 3.5), so each text has one meaning. */
long
b64_decode(const char *in, size_t n, void *out, size_t cap)
{
	unsigned char *o = out;
	size_t len, i, j, pad = 0;
	unsigned long v;
	int d;

	if (n % 4 != 0)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	len = n / 4 * 3 - pad;
	if (len > cap)
		return -1;
	for (i = 0; i < n; i += 4) {
		v = 0;
		for (j = 0; j < 4; j++) {
			if (i + j >= n - pad) {
				v <<= 6;
				continue;
			}
			if ((d = b64_value(in[i + j])) < 0)
				return -1;
			v = v << 6 | (unsigned long)d;
		}
		if (i + 4 < n || pad == 0) {
			o[i / 4 * 3] = (unsigned char)(v >> 16);
			o[i / 4 * 3 + 1] = (unsigned char)(v >> 8);
			o[i / 4 * 3 + 2] = (unsigned char)v;
		} else if (pad == 1) {
			if (v & 0xff)
				return -1;
			o[i / 4 * 3] = (unsigned char)(v >> 16);
			o[i / 4 * 3 + 1] = (unsigned char)(v >> 8);
		} else {
			if (v & 0xffff)
				return -1;
			o[i / 4 * 3] = (unsigned char)(v >> 16);
		}
	}
	return (long)len;
}
