/* CloudWatch's PutMetricData body: the exact bytes for a period. */
#include "t.h"
#include "cw.h"

T(cw_body_exact)
{
	struct cw_flow_period p[2];
	char out[8192];
	size_t n;

	memset(p, 0, sizeof p);
	p[0].stream = "s1";
	for (int i = 0; i < 3; i++)
		cw_sample(&p[0].req[CW_ATTEMPTS], 500 - 100 * (size_t)i);
	cw_sample(&p[0].req[CW_LATENCY], 7);
	p[0].records_read = 1200;
	p[1].stream = "k\"1";	/* not a name a stream has: escaped all the same */
	p[1].kinesis = 1;
	p[1].bytes_behind = 1;
	n = cw_body(out, sizeof out, "AWSKinesisAgent", "", p, 2);
	T_TRUE(n > 0 && n < sizeof out);
	out[n] = 0;
#define DEST(s) "\"Dimensions\":[{\"Name\":\"Destination\",\"Value\":\"" s "\"}]"
	T_EQ_STR(out, "{\"Namespace\":\"AWSKinesisAgent\",\"MetricData\":["
		"{\"MetricName\":\"RecordSendAttempts\"," DEST("DeliveryStream:s1") ","
		"\"StatisticValues\":{\"SampleCount\":3,\"Sum\":1200,\"Minimum\":300,\"Maximum\":500},\"Unit\":\"Count\"},"
		"{\"MetricName\":\"RequestLatency\"," DEST("DeliveryStream:s1") ","
		"\"StatisticValues\":{\"SampleCount\":1,\"Sum\":7,\"Minimum\":7,\"Maximum\":7},\"Unit\":\"Milliseconds\"},"
		"{\"MetricName\":\"RecordsRead\"," DEST("DeliveryStream:s1") ",\"Value\":1200,\"Unit\":\"Count\"},"
		"{\"MetricName\":\"BytesRead\"," DEST("DeliveryStream:s1") ",\"Value\":0,\"Unit\":\"Bytes\"},"
		"{\"MetricName\":\"BytesBehind\"," DEST("DeliveryStream:s1") ",\"Value\":0,\"Unit\":\"Bytes\"},"
		"{\"MetricName\":\"RecordsRead\"," DEST("KinesisStream:k\\\"1") ",\"Value\":0,\"Unit\":\"Count\"},"
		"{\"MetricName\":\"BytesRead\"," DEST("KinesisStream:k\\\"1") ",\"Value\":0,\"Unit\":\"Bytes\"},"
		"{\"MetricName\":\"BytesBehind\"," DEST("KinesisStream:k\\\"1") ",\"Value\":1,\"Unit\":\"Bytes\"}]}");
	/* with a device, each metric twice: the fleet's, then the device's */
	memset(p, 0, sizeof p);
	p[0].stream = "s1";
	cw_sample(&p[0].req[CW_SERVICE_ERRORS], 1);
	n = cw_body(out, sizeof out, "N", "gw-7", p, 1);
	out[n] = 0;
	T_TRUE(strstr(out, "{\"MetricName\":\"ServiceErrors\"," DEST("DeliveryStream:s1") ",\"StatisticValues\":"
			   "{\"SampleCount\":1,\"Sum\":1,\"Minimum\":1,\"Maximum\":1},\"Unit\":\"Count\"},"
			   "{\"MetricName\":\"ServiceErrors\",\"Dimensions\":[{\"Name\":\"Destination\",\"Value\":"
			   "\"DeliveryStream:s1\"},{\"Name\":\"DeviceId\",\"Value\":\"gw-7\"}],") != NULL);
	/* too small a buffer: nothing usable */
	T_EQ_INT(cw_body(out, 40, "N", "", p, 1), 0);
	T_TRUE(cw_body_max(8) < 1024 * 1024);
}

T(cw_stat_samples)
{
	struct cw_stat s = { 0 };

	cw_sample(&s, 5);
	cw_sample(&s, 0);
	cw_sample(&s, 9);
	T_EQ_INT(s.n, 3);
	T_EQ_INT(s.sum, 14);
	T_EQ_INT(s.min, 0);
	T_EQ_INT(s.max, 9);
}
