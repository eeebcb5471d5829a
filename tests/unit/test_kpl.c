/* The KPL aggregated record's pieces against bytes derived by hand from
 * the format (kpl.h): key "k", records "ab" and "c".  The MD5 is
 * Python's hashlib.md5 of the protobuf bytes; tools/kpl_decode.py, written
 * apart from kpl.c, decodes the whole record to ("k", "ab"), ("k", "c"). */
#include <string.h>
#include <bearssl_hash.h>
#include "t.h"
#include "kpl.h"

static const unsigned char want[] = {
	0xF3, 0x89, 0x9A, 0xC2,				/* magic */
	0x0A, 0x01, 'k',				/* partition_key_table: "k" */
	0x1A, 0x06, 0x08, 0x00, 0x1A, 0x02, 'a', 'b',	/* records: {index 0, data "ab"} */
	0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, 'c',	/* records: {index 0, data "c"} */
	0x38, 0x0B, 0x66, 0xBA, 0xA3, 0x97, 0x91, 0xF1,	/* MD5 of the 18 bytes after the magic */
	0x5E, 0x9E, 0x63, 0xA8, 0x03, 0xBE, 0xCE, 0x82,
};

T(kpl_known_record)
{
	unsigned char out[128];
	size_t n;
	br_md5_context md5;

	n = kpl_head(out, "k", 1);
	T_EQ_INT(n, 7);
	n += kpl_rec_head(out + n, 2);
	memcpy(out + n, "ab", 2);
	n += 2;
	T_EQ_INT(kpl_rec_size(2), 8);
	n += kpl_rec_head(out + n, 1);
	out[n++] = 'c';
	br_md5_init(&md5);
	br_md5_update(&md5, out + KPL_MAGIC_LEN, n - KPL_MAGIC_LEN);
	br_md5_out(&md5, out + n);
	n += KPL_MD5_LEN;
	T_EQ_INT(n, sizeof want);
	T_TRUE(memcmp(out, want, sizeof want) == 0);
	T_EQ_INT(KPL_OVERHEAD(1), 4 + 1 + 1 + 1 + 16);
}

/* Lengths past one varint byte: 128 takes two (80 01), a record of
 * 1 MiB three in its data's length and its Record's. */
T(kpl_varints)
{
	unsigned char out[KPL_VARINT_MAX], h[KPL_REC_HEAD_MAX];

	T_EQ_INT(kpl_varint(out, 0), 1);
	T_EQ_INT(out[0], 0);
	T_EQ_INT(kpl_varint(out, 300), 2);
	T_TRUE(out[0] == 0xAC && out[1] == 0x02);
	T_EQ_INT(kpl_varint(out, UINT64_MAX), 10);
	T_EQ_INT(out[9], 0x01);
	T_EQ_INT(kpl_varint_len(127), 1);
	T_EQ_INT(kpl_varint_len(128), 2);
	T_EQ_INT(kpl_varint_len(UINT64_MAX), 10);
	/* data of 128 bytes: Record = 08 00 1A 80 01 + 128 = 133 (85 01) */
	T_EQ_INT(kpl_rec_head(h, 128), 8);
	T_TRUE(memcmp(h, "\x1A\x85\x01\x08\x00\x1A\x80\x01", 8) == 0);
	/* 1 MiB: 1A 80 80 40 -> Record 1048582 = 86 80 40 */
	T_EQ_INT(kpl_rec_head(h, 1048576), 10);
	T_TRUE(memcmp(h, "\x1A\x86\x80\x40\x08\x00\x1A\x80\x80\x40", 10) == 0);
}
