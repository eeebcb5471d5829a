/* KPL's aggregated record: see kpl.h. */
#include <string.h>
#include "kpl.h"

size_t kpl_varint(unsigned char *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

size_t kpl_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v > 0x7f) {
		v >>= 7;
		n++;
	}
	return n;
}

/* A length-delimited field's tag: (field << 3) | wire type 2. */
#define KPL_TAG_LEN(field) ((unsigned char)((field) << 3 | 2))

size_t kpl_head(unsigned char *out, const char *key, size_t klen)
{
	size_t n = KPL_MAGIC_LEN;

	memcpy(out, KPL_MAGIC, KPL_MAGIC_LEN);
	out[n++] = KPL_TAG_LEN(1);	/* partition_key_table */
	n += kpl_varint(out + n, klen);
	memcpy(out + n, key, klen);
	return n + klen;
}

size_t kpl_rec_head(unsigned char *out, size_t n)
{
	unsigned char buf[KPL_REC_HEAD_MAX], *p = out ? out : buf;
	size_t msg = 2 + 1 + kpl_varint_len(n) + n, k = 0;

	p[k++] = KPL_TAG_LEN(3);	/* records */
	k += kpl_varint(p + k, msg);
	p[k++] = 1 << 3 | 0;		/* partition_key_index, a varint: */
	p[k++] = 0;			/* the table's one key */
	p[k++] = KPL_TAG_LEN(3);	/* data */
	k += kpl_varint(p + k, n);
	return k;
}
