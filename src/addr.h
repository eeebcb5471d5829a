/* Hosts as text: "host[:port]" with IPv6 brackets, and whether a host is
 * reached without the proxy (no_proxy). */
#ifndef ADDR_H
#define ADDR_H
#include <stddef.h>

/* host (a name or an address, without brackets) and port as a URL or a
 * Host header writes them: an IPv6 address in brackets, ":port" unless port
 * is 0.  Into out as snprintf does; returns its return value. */
int addr_hostport(char *out, size_t cap, const char *host, unsigned port);

/* An address (af AF_INET: 4 bytes, AF_INET6: 16) as musl's inet_ntop
 * writes it (lowercase hex, the longest run of two or more zero groups as
 * "::", ::ffff:a.b.c.d for a mapped IPv4 address) into out, which has
 * ADDR_TEXT_MAX bytes (INET6_ADDRSTRLEN); NUL-ended.  Returns out. */
#define ADDR_TEXT_MAX 46
char *addr_ntop(int af, const void *a, char *out);

/* An address as text, as inet_pton reads it: a.b.c.d (AF_INET, 4 bytes
 * into a) or IPv6 (AF_INET6, 16 bytes); 0 if s is neither. */
int addr_pton(const char *s, unsigned char a[16]);

/* 1 if host is to be reached without the proxy by list, a no_proxy value
 * (NULL: none): comma-separated entries, blanks around them ignored, each
 * "*" (every host), a name that matches host itself or any name under it
 * (a leading "." or "*." changes nothing: "amazonaws.com" and
 * ".amazonaws.com" both match "firehose.us-east-1.amazonaws.com"), an IP
 * address (IPv6 with or without brackets) that matches that address only,
 * or an address block "10.0.0.0/8", "fd00::/8".  A ":port" after an entry is
 * ignored.  Names are compared ignoring case and a final dot. */
int addr_no_proxy(const char *list, const char *host);
#endif
