/* errstr: musl's words for the errnos kagent's calls return, "error N"
 * for the rest, on every libc and CPU. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errstr.h"
#include "libc.h"
#include "tls.h"
#include "t.h"

T(errstr_words)
{
	char want[32];

	T_EQ_STR(errstr(ENOENT), "No such file or directory");
	T_EQ_STR(errstr(EACCES), "Permission denied");
	T_EQ_STR(errstr(ECONNREFUSED), "Connection refused");
	T_EQ_STR(errstr(ETIMEDOUT), "Operation timed out");
	T_EQ_STR(errstr(EMFILE), "No file descriptors available");
	T_EQ_STR(errstr(ENAMETOOLONG), "Filename too long");
	T_EQ_STR(errstr(EDQUOT), "Quota exceeded");	/* 1133 on MIPS */
	T_EQ_STR(errstr(EWOULDBLOCK), "Resource temporarily unavailable");
	T_EQ_STR(errstr(0), "error 0");
	T_EQ_STR(errstr(-5), "error -5");
	snprintf(want, sizeof want, "error %d", ECHILD);
	T_EQ_STR(errstr(ECHILD), want);
}

/* Where the libc is musl, every word is its strerror's. */
T(errstr_as_musl)
{
	int known = 0;

	if (strcmp(LIBC_NAME, "musl"))
		return;
	for (int e = 1; e < 4096; e++) {
		const char *s = errstr(e);

		if (strncmp(s, "error ", 6)) {
			T_EQ_STR(s, strerror(e));
			known++;
		}
	}
	T_EQ_INT(known, 59);
}

/* A TLS alert's name, by its number (RFC 5246 and 8446). */
T(errstr_tls_alert_names)
{
	static const struct { int n; const char *name; } a[] = {
		{ 10, "unexpected message" }, { 20, "bad record MAC" }, { 40, "handshake failure" },
		{ 42, "bad certificate" }, { 43, "unsupported certificate" }, { 44, "certificate revoked" },
		{ 45, "certificate expired" }, { 46, "certificate unknown" }, { 47, "illegal parameter" },
		{ 48, "unknown CA" }, { 49, "access denied" }, { 50, "decode error" }, { 51, "decrypt error" },
		{ 70, "protocol version" }, { 71, "insufficient security" }, { 80, "internal error" },
		{ 90, "user canceled" }, { 112, "unrecognized name" }, { 116, "certificate required" },
		{ 0, "alert" }, { 41, "alert" }, { 117, "alert" }, { 255, "alert" }, { -1, "alert" },
	};

	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		T_EQ_STR(tls_alert_name(a[i].n), a[i].name);
}
