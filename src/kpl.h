/* The Kinesis Producer Library's aggregated record (KPL's
 * aggregation-format.md): many records in one Kinesis record, which the
 * Kinesis Client Library, Firehose and Lambda's deaggregators take apart
 * again.  Its bytes are
 *
 *   F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes
 *
 * with (proto2)
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1;
 *                              repeated string explicit_hash_key_table = 2;
 *                              repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1;
 *                    optional uint64 explicit_hash_key_index = 2;
 *                    required bytes data = 3; repeated Tag tags = 4; }
 *
 * kagent writes one partition key in the table, every record's index 0, no
 * explicit hash key and no tags: the pieces below, in this order, make the
 * whole record (hand-written protobuf: varints and length-delimited fields
 * only). */
#ifndef KPL_H
#define KPL_H
#include <stddef.h>
#include <stdint.h>
#include "aws.h"

#define KPL_MAGIC "\xF3\x89\x9A\xC2"
#define KPL_MAGIC_LEN 4
#define KPL_MD5_LEN 16
#define KPL_VARINT_MAX 10
/* The head: the magic, then field 1 (tag, length, the key). */
#define KPL_HEAD_MAX (KPL_MAGIC_LEN + 1 + 2 + KINESIS_MAX_KEY_BYTES)
/* A record's head: field 3's tag and length, then the Record's field 1 (0)
 * and field 3's tag and length; the data follows (a record is at most 10 MiB:
 * its lengths take 4 bytes). */
#define KPL_REC_HEAD_MAX (1 + 4 + 2 + 1 + 4)
/* An aggregated record's bytes beyond its records' data and heads. */
#define KPL_OVERHEAD(klen) (KPL_MAGIC_LEN + 1 + kpl_varint_len(klen) + (klen) + KPL_MD5_LEN)

/* v as a protobuf varint into out (KPL_VARINT_MAX bytes); returns its length. */
size_t kpl_varint(unsigned char *out, uint64_t v);
/* The length kpl_varint() gives v. */
size_t kpl_varint_len(uint64_t v);
/* The head for partition key key (klen bytes) into out (KPL_HEAD_MAX); its length. */
size_t kpl_head(unsigned char *out, const char *key, size_t klen);
/* The head of a record of n data bytes into out (KPL_REC_HEAD_MAX, or NULL
 * for the length only); its length. */
size_t kpl_rec_head(unsigned char *out, size_t n);
/* The bytes a record of n data bytes takes in an aggregated record. */
static inline size_t kpl_rec_size(size_t n) { return kpl_rec_head(NULL, n) + n; }
#endif
