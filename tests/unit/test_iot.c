/* The AWS IoT credentials provider: the request byte for byte, its answer
 * in the shape the provider gives (AWS IoT Developer Guide, "Authorizing
 * direct calls to AWS services using AWS IoT Core credential provider"),
 * errors and hostile answers without a byte of a secret said. */
#include <string.h>
#include "civil.h"
#include "iot.h"
#include "t.h"

static struct creds_set io_out;
static char io_code[96], io_msg[256];

static int io_answer(int status, const char *body)
{
	return iot_answer(status, body, strlen(body), &io_out, io_code, sizeof io_code, io_msg, sizeof io_msg);
}

T(iot_request_bytes)
{
	char out[512];
	const char *want = "GET /role-aliases/kagent-writer=,@_-1/credentials HTTP/1.1\r\n"
			   "Host: c2example.credentials.iot.eu-west-1.amazonaws.com\r\n"
			   "x-amzn-iot-thingname: gw:0042_a-b\r\nAccept: application/json\r\n\r\n";
	size_t n = iot_request(out, sizeof out, "c2example.credentials.iot.eu-west-1.amazonaws.com",
			       "kagent-writer=,@_-1", "gw:0042_a-b");

	T_EQ_STR(out, want);
	T_EQ_INT(n, strlen(want));
	T_EQ_INT(iot_request(out, n, "c2example.credentials.iot.eu-west-1.amazonaws.com", "kagent-writer=,@_-1",
			     "gw:0042_a-b"), 0);
}

T(iot_answer_shape)
{
	T_EQ_INT(io_answer(200, "{\"credentials\":{\"accessKeyId\":\"ASIAIOSFODNN7EXAMPLE\",\"secretAccessKey\":"
			   "\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\",\"sessionToken\":\"IQoJb3JpZ2luX2Vj\\/\\/EX==\","
			   "\"expiration\":\"2018-01-18T09:18:06Z\"}}"), 0);
	T_EQ_STR(io_out.id, "ASIAIOSFODNN7EXAMPLE");
	T_EQ_STR(io_out.secret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	T_EQ_STR(io_out.token, "IQoJb3JpZ2luX2Vj//EX==");	/* JSON's escapes decoded */
	T_EQ_INT(io_out.expires, civil_days(2018, 1, 18) * 86400 + 9 * 3600 + 18 * 60 + 6);
	T_EQ_STR(io_code, "");
	/* members in another order, spaces, more members */
	T_EQ_INT(io_answer(200, " { \"other\": [1, {\"x\": null}], \"credentials\" : { \"expiration\" : "
			   "\"2018-01-18T09:18:06.123Z\", \"sessionToken\":\"t\",\"secretAccessKey\":\"s\","
			   "\"accessKeyId\":\"a\" } } "), 0);
	T_EQ_STR(io_out.id, "a");
	T_EQ_INT(io_out.expires, civil_days(2018, 1, 18) * 86400 + 9 * 3600 + 18 * 60 + 6);
}

T(iot_answer_errors)
{
	T_EQ_INT(io_answer(403, "{\"message\":\"Access Denied\"}"), -1);
	T_EQ_STR(io_code, "HTTP 403");
	T_EQ_STR(io_msg, "Access Denied");
	T_EQ_INT(io_answer(404, "<html>not found</html>"), -1);
	T_EQ_STR(io_code, "HTTP 404");
	T_EQ_STR(io_msg, "");
	T_EQ_INT(io_answer(500, "{\"message\":42}"), -1);
	T_EQ_STR(io_code, "HTTP 500");
	T_EQ_STR(io_msg, "");
}

/* An answer of 200 that cannot be used: what is wrong, no value of it. */
T(iot_answer_malformed)
{
	static const struct { const char *body, *msg; } bad[] = {
		{ "", "no \"credentials\" object" },
		{ "[]", "no \"credentials\" object" },
		{ "{\"credentials\":\"x\"}", "no \"credentials\" object" },
		{ "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"expiration\":"
		  "\"2018-01-18T09:18:06Z\"}}", "no \"sessionToken\" string" },
		{ "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"the secret\",\"sessionToken\":\"t\","
		  "\"expiration\":\"2018-01-18T09:18:06Z\"}}", "\"secretAccessKey\" is not a usable value" },
		{ "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"sessionToken\":\"t\\u0000x\","
		  "\"expiration\":\"2018-01-18T09:18:06Z\"}}", "\"sessionToken\" is not a usable value" },
		{ "{\"credentials\":{\"accessKeyId\":1,\"secretAccessKey\":\"s\",\"sessionToken\":\"t\","
		  "\"expiration\":\"2018-01-18T09:18:06Z\"}}", "no \"accessKeyId\" string" },
		{ "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"sessionToken\":\"t\","
		  "\"expiration\":\"1518945486\"}}", "\"expiration\" is not a time" },
		{ "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"sessionToken\":\"t\","
		  "\"expiration\":\"2018-01-18T09:18:06Z\"}", "no \"credentials\" object" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(io_answer(200, bad[i].body), -1);
		T_EQ_STR(io_code, "malformed answer");
		T_EQ_STR(io_msg, bad[i].msg);
		T_EQ_STR(io_out.id, "");
		T_EQ_STR(io_out.secret, "");
	}
}

/* Every cut of a good answer: a result, and credentials only from the
 * whole one. */
T(iot_answer_cuts)
{
	const char *good = "{\"credentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"sessionToken\":\"t\","
			   "\"expiration\":\"2018-01-18T09:18:06Z\"}}";
	char copy[256];
	size_t n = strlen(good);

	for (size_t cut = 0; cut < n; cut++) {
		memcpy(copy, good, cut);
		T_EQ_INT(iot_answer(200, copy, cut, &io_out, io_code, sizeof io_code, io_msg, sizeof io_msg), -1);
		T_EQ_STR(io_out.secret, "");
	}
}
