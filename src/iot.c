/* The IoT credentials provider's request and answer: see iot.h. */
#include <stdio.h>
#include "civil.h"
#include "fmt.h"
#include "iot.h"
#include "json.h"

#define IOT_TOKENS 64	/* the answer has 11; more nesting is not its shape */

size_t iot_request(char *out, size_t cap, const char *host, const char *role_alias, const char *thing)
{
	int n = fmt_snprintf(out, cap,
			 "GET /role-aliases/%s/credentials HTTP/1.1\r\nHost: %s\r\nx-amzn-iot-thingname: %s\r\n"
			 "Accept: application/json\r\n\r\n",
			 role_alias, host, thing);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

int iot_answer(int status, const char *body, size_t len, struct creds_set *out, char *code, size_t codecap,
	       char *msg, size_t msgcap)
{
	static const char *const names[] = { "accessKeyId", "secretAccessKey", "sessionToken", "expiration" };
	char expiration[64];
	char *dst[4] = { out->id, out->secret, out->token, expiration };
	size_t caps[4] = { sizeof out->id, sizeof out->secret, sizeof out->token, sizeof expiration };
	jsmntok_t t[IOT_TOKENS];
	jsmn_parser p;
	int n, c, v, r = -1;

	code[0] = msg[0] = 0;
	creds_wipe(out, sizeof *out);
	jsmn_init(&p);
	n = jsmn_parse(&p, body, len, t, IOT_TOKENS);
	if (status != 200) {
		fmt_snprintf(code, codecap, "HTTP %d", status);
		if (n > 0 && t[0].type == JSMN_OBJECT && (v = json_get(body, t, 0, "message")) > 0 &&
		    t[v].type == JSMN_STRING)
			json_copy(body, &t[v], msg, msgcap);
		return -1;
	}
	if (n < 1 || t[0].type != JSMN_OBJECT || (c = json_get(body, t, 0, "credentials")) < 0 ||
	    t[c].type != JSMN_OBJECT) {
		creds_malformed(code, codecap, msg, msgcap, "%s", "no \"credentials\" object");
		goto done;
	}
	for (int i = 0; i < 4; i++) {
		int k;
		if ((v = json_get(body, t, c, names[i])) < 0 || t[v].type != JSMN_STRING) {
			creds_malformed(code, codecap, msg, msgcap, "no \"%s\" string", names[i]);
			goto done;
		}
		if ((k = json_string(body, &t[v], dst[i], caps[i])) < 0 || !creds_value_ok(dst[i], (size_t)k, caps[i] - 1)) {
			creds_malformed(code, codecap, msg, msgcap, "\"%s\" is not a usable value", names[i]);
			goto done;
		}
	}
	if (civil_iso8601(expiration, strlen(expiration), &out->expires) < 0) {
		creds_malformed(code, codecap, msg, msgcap, "\"%s\" is not a time", "expiration");
		goto done;
	}
	r = 0;
done:
	if (r < 0)
		creds_wipe(out, sizeof *out);
	return r;
}
