/* The AWS IoT credentials provider, sans-I/O: the request for a role
 * alias's credentials, and its answer (JSON, read with jsmn).  The TLS
 * connection that presents the device's certificate is creds.c's.
 *
 *   GET /role-aliases/<alias>/credentials
 *   x-amzn-iot-thingname: <thing>
 *   -> {"credentials": {"accessKeyId", "secretAccessKey", "sessionToken",
 *       "expiration": "2018-01-18T09:18:06Z"}} */
#ifndef IOT_H
#define IOT_H
#include <stddef.h>
#include "creds.h"

/* The request (host: the Host header's value) into out; its length, or 0
 * if it does not fit in cap (with its NUL). */
size_t iot_request(char *out, size_t cap, const char *host, const char *role_alias, const char *thing);
/* An answer (HTTP status, body of len bytes).  Returns 0 with the
 * credentials in *out; else -1 with code ("HTTP 403"..., or "malformed
 * answer") and msg (the answer's "message", or what is wrong).  Nothing of
 * a secret is ever put in code or msg; *out is wiped on failure. */
int iot_answer(int status, const char *body, size_t len, struct creds_set *out, char *code, size_t codecap,
	       char *msg, size_t msgcap);
#endif
