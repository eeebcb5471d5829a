/* What AWS imposes, each limit once, named after itself, with where the
 * figure comes from.  Everything else (conf's ranges, the batcher, the
 * encoders' buffers) is derived from these. */
#ifndef AWS_H
#define AWS_H
#include <stddef.h>

/* ---- Amazon Data Firehose: PutRecordBatch API reference and the Firehose quotas ---- */
#define FIREHOSE_MAX_BATCH_RECORDS 500			/* records a request */
#define FIREHOSE_MAX_BATCH_BYTES   (4 * 1024 * 1024)	/* a request's data, 4 MiB */
#define FIREHOSE_MAX_RECORD_BYTES  1024000		/* a record's data, 1,000 KiB, before base64 */
#define FIREHOSE_MAX_STREAM_NAME   64			/* DeliveryStreamName: [a-zA-Z0-9_.-]{1,64} (model) */

/* ---- Amazon Kinesis Data Streams: PutRecords API reference and the quotas ----
 * A record's size is its data (before base64) plus its partition key (UTF-8
 * bytes); a request's size is the sum of its records'. */
#define KINESIS_MAX_BATCH_RECORDS 500
#define KINESIS_MAX_RECORD_BYTES (1024 * 1024)		/* default stream MaxRecordSize */
#define KINESIS_MAX_RECORD_BYTES_LARGE (10 * 1024 * 1024)	/* a raised one (2025) */
/* 5 MiB is the limit documented since 2014 and the Java agent's
 * MAX_PUT_RECORDS_SIZE_BYTES; the service took 10 MiB with the 10 MiB
 * records, and a record must fit in a request, so streams whose records may
 * be larger than 1 MiB get the larger one (kinesis_max_batch_bytes). */
#define KINESIS_MAX_BATCH_BYTES (5 * 1024 * 1024)
#define KINESIS_MAX_BATCH_BYTES_LARGE (10 * 1024 * 1024)
/* PartitionKey: 1..256 Unicode characters (model: min 1, max 256).  Counted
 * here as UTF-16 units, as the service's Java validation does, so a character
 * outside the BMP counts twice: never more than the service allows. */
#define KINESIS_MAX_KEY_CHARS 256
#define KINESIS_MAX_KEY_BYTES (3 * KINESIS_MAX_KEY_CHARS)	/* UTF-8, at most 3 bytes a unit */
#define KINESIS_MAX_KEY_ESC (6 * KINESIS_MAX_KEY_CHARS)	/* JSON-escaped: \u00XX a unit */
#define KINESIS_MAX_STREAM_NAME 128		/* StreamName: [a-zA-Z0-9_.-]{1,128} (model) */

/* ---- Amazon CloudWatch: PutMetricData (service model cloudwatch-service-2.json,
 * its documentation and the shapes') ---- */
#define CW_MAX_METRICS_PER_CALL 1000		/* MetricData: "no more than 1000 metrics per call" */
#define CW_MAX_DIMENSIONS 30			/* Dimensions: max 30 */
#define CW_MAX_NAME 255				/* Namespace, MetricName, DimensionName: 1..255 */
#define CW_MAX_DIMENSION_VALUE 1024		/* DimensionValue: 1..1024 */
#define CW_MAX_VALUE_LOG2 360			/* a value within -2^360..2^360, not NaN or infinite */
#define CW_MAX_CALL_BYTES (1024 * 1024)	/* "limited to 1 MB in size for HTTP POST requests" */

/* The request limit for a stream whose records may be max_record bytes. */
static inline size_t kinesis_max_batch_bytes(size_t max_record)
{
	return max_record > KINESIS_MAX_RECORD_BYTES ? KINESIS_MAX_BATCH_BYTES_LARGE : KINESIS_MAX_BATCH_BYTES;
}
#endif
