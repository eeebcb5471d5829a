/* ADDTIME (kagent's own): Fluent Bit's time_key/time_key_format on a record
 * that is a JSON object: the record's time (proc_meta.wall_ms, UTC) as a
 * string under "time_key" (required), appended as the object's last key the
 * way Fluent Bit's kinesis_firehose plugin appends it:
 *
 *   {"host":"a"}\n  ->  {"host":"a","time":"2024-02-29T12:34:56"}\n
 *
 * The rest of the record is left byte for byte; the output ends with "\n".
 * A record that already has the key gets it twice, as in Fluent Bit.
 *
 * "time_key_format" is strftime's (default "%Y-%m-%dT%H:%M:%S") with
 *   %Y %y %m %d %e %j %H %M %S %a %A %b %B %F %T %s %z %Z %% and, as Fluent
 *   Bit has them, %3N milliseconds and %9N or %L nanoseconds (the record
 *   time has milliseconds, so the last six digits are 0).  (The older Go
 *   plugin read %L as milliseconds.)  %Z is "UTC" and %z "+0000"; Fluent Bit
 *   on glibc prints "GMT" for %Z.  %s is the true epoch second (glibc's %s
 *   of a gmtime result is off by the local zone's offset unless TZ is UTC).
 *   Another conversion is refused at start-up.  Unlike Fluent Bit, the key
 *   and the value are escaped as JSON strings.
 *
 * A record that is not one JSON object, or has more than JSON_RECORD_MAXTOK
 * tokens, is sent unchanged, counted, warned about once (json_record_parse). */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "civil.h"
#include "conf_opts.h"
#include "json.h"
#include "jw.h"
#include "log.h"
#include "numfmt.h"
#include "proc.h"

#define AT_MAXVALUE 256		/* bytes of a formatted time, at most */
#define AT_CONVMAX 20		/* bytes of one conversion, at most (%s) */

struct at_state {
	const char *fmt;
	char *key;		/* "\"<time_key escaped>\":\"" */
	size_t keylen;
	struct json_record rec;
	/* the value for the record time at_ms (INT64_MIN: none yet),
	 * escaped: the lines of one read share their time */
	int64_t at_ms;
	size_t vallen;
	char val[6 * AT_MAXVALUE];
};


static const char at_days[7][10] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};
static const char at_months[12][10] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* One conversion (the letter after %; '3' for %3N, '9' for %9N) into b
 * (>= AT_CONVMAX + 1 bytes); its length, or -1 if there is no such one. */
static int
at_conv(char c, const struct civil *tm, char *b)
{
	size_t k;

	switch (c) {
	case 'Y': return (int)numfmt_i64(b, tm->year);
	case 'y': return (int)numfmt_pad(b, (uint64_t)((tm->year % 100 + 100) % 100), 2, '0');
	case 'm': return (int)numfmt_pad(b, (uint64_t)tm->mon, 2, '0');
	case 'd': return (int)numfmt_pad(b, (uint64_t)tm->mday, 2, '0');
	case 'e': return (int)numfmt_pad(b, (uint64_t)tm->mday, 2, ' ');
	case 'j': return (int)numfmt_pad(b, (uint64_t)tm->yday, 3, '0');
	case 'H': return (int)numfmt_pad(b, (uint64_t)tm->hour, 2, '0');
	case 'M': return (int)numfmt_pad(b, (uint64_t)tm->min, 2, '0');
	case 'S': return (int)numfmt_pad(b, (uint64_t)tm->sec, 2, '0');
	case 'a': memcpy(b, at_days[tm->wday], 3); return 3;
	case 'A': k = strlen(at_days[tm->wday]); memcpy(b, at_days[tm->wday], k); return (int)k;
	case 'b': memcpy(b, at_months[tm->mon - 1], 3); return 3;
	case 'B': k = strlen(at_months[tm->mon - 1]); memcpy(b, at_months[tm->mon - 1], k); return (int)k;
	case 'F':
		k = numfmt_i64(b, tm->year);
		b[k++] = '-';
		k += numfmt_pad(b + k, (uint64_t)tm->mon, 2, '0');
		b[k++] = '-';
		return (int)(k + numfmt_pad(b + k, (uint64_t)tm->mday, 2, '0'));
	case 'T':
		k = numfmt_pad(b, (uint64_t)tm->hour, 2, '0');
		b[k++] = ':';
		k += numfmt_pad(b + k, (uint64_t)tm->min, 2, '0');
		b[k++] = ':';
		return (int)(k + numfmt_pad(b + k, (uint64_t)tm->sec, 2, '0'));
	case 's': return (int)numfmt_i64(b, tm->secs);
	case 'z': memcpy(b, "+0000", 5); return 5;
	case 'Z': memcpy(b, "UTC", 3); return 3;
	case '%': b[0] = '%'; return 1;
	case '3': return (int)numfmt_pad(b, (uint64_t)tm->ms, 3, '0');
	case '9': case 'L':
		k = numfmt_pad(b, (uint64_t)tm->ms, 3, '0');
		memcpy(b + k, "000000", 6);
		return (int)k + 6;
	default: return -1;
	}
}

/* The conversion at fmt[i] (just after a '%'): its letter for at_conv and
 * how many bytes of fmt it takes. */
static char
at_spec(const char *fmt, size_t i, size_t *used)
{
	if ((fmt[i] == '3' || fmt[i] == '9') && fmt[i + 1] == 'N') {
		*used = 2;
		return fmt[i];
	}
	*used = fmt[i] ? 1 : 0;
	return fmt[i];
}

/* fmt expanded for tm into out (at most AT_MAXVALUE bytes written); its
 * full length, or -1 at an unknown conversion (whose offset goes to *bad). */
static int
at_format(const char *fmt, const struct civil *tm, char *out, size_t *bad)
{
	char b[AT_CONVMAX + 1];
	size_t i = 0, len = 0, used;
	int k;
	char c;

	while (fmt[i]) {
		if (fmt[i] != '%') {
			if (len < AT_MAXVALUE)
				out[len] = fmt[i];
			len++;
			i++;
			continue;
		}
		c = at_spec(fmt, i + 1, &used);
		if (c == '\0' || (k = at_conv(c, tm, b)) < 0) {
			*bad = i;
			return -1;
		}
		if (len + (size_t)k <= AT_MAXVALUE)
			memcpy(out + len, b, (size_t)k);
		len += (size_t)k;
		i += 1 + used;
	}
	return (int)len;
}

static int
at_init(void **state, struct conf_opts *o)
{
	struct at_state *s = arena_alloc(sizeof *s);
	const char *key;
	struct civil tm;
	char out[AT_MAXVALUE];
	size_t i, bad, used, bound = 0, e;
	int r;

	s->at_ms = INT64_MIN;
	s->rec.name = "ADDTIME";
	if ((r = conf_opt_string(o, "time_key", &key)) < 0)
		return -1;
	if (r == 0)
		return conf_opt_error(o, NULL, "needs time_key (the key to add)");
	if (!*key)
		return conf_opt_error(o, "time_key", "must not be empty");
	if ((r = conf_opt_string(o, "time_key_format", &s->fmt)) < 0)
		return -1;
	if (r == 0)
		s->fmt = "%Y-%m-%dT%H:%M:%S";
	/* an upper bound of the value's length, so run never has to cut it */
	for (i = 0; s->fmt[i]; i++) {
		if (s->fmt[i] != '%') {
			bound++;
			continue;
		}
		at_spec(s->fmt, i + 1, &used);
		bound += AT_CONVMAX;
		i += used;
	}
	civil_from_ms(0, &tm);
	if (at_format(s->fmt, &tm, out, &bad) < 0)
		return conf_opt_error(o, "time_key_format",
		    "unsupported conversion \"%.*s\" (there are %%Y %%y %%m %%d %%e %%j %%H %%M %%S "
		    "%%a %%A %%b %%B %%F %%T %%s %%z %%Z %%%% %%3N %%9N %%L)",
		    s->fmt[bad + 1] ? 2 : 1, s->fmt + bad);
	if (bound > AT_MAXVALUE)
		return conf_opt_error(o, "time_key_format", "too long (its value could pass %d bytes)",
		    AT_MAXVALUE);
	e = json_escape(NULL, 0, key, strlen(key));
	s->key = arena_alloc(e + 5);
	s->key[0] = '"';
	json_escape(s->key + 1, e, key, strlen(key));
	memcpy(s->key + 1 + e, "\":\"", 3);
	s->keylen = e + 4;
	*state = s;
	return 0;
}

static long
at_run(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	struct at_state *s = state;
	const jsmntok_t *t = s->rec.t;
	struct civil tm;
	char v[AT_MAXVALUE];
	size_t at, end, vlen, len, bad;
	int j, k, last = -1;

	if (!json_record_parse(&s->rec, in, n)) {
		if (n > cap)
			return PROC_TOOLONG;
		memcpy(out, in, n);
		return (long)n;
	}
	for (k = 0, j = 1; k < t[0].size; k++, j = json_skip(t, j))
		last = j + 1;
	/* after the last value (a string token's end is before its quote),
	 * or just inside the braces of an empty object */
	if (last < 0)
		at = (size_t)t[0].start + 1;
	else
		at = (size_t)t[last].end + (t[last].type == JSMN_STRING);
	end = (size_t)t[0].end;
	if (m->wall_ms != s->at_ms || m->wall_ms == INT64_MIN) {
		civil_from_ms(m->wall_ms, &tm);
		/* init checked the conversions and that the value fits in v */
		vlen = (size_t)at_format(s->fmt, &tm, v, &bad);
		s->vallen = json_escape(s->val, sizeof s->val, v, vlen);
		s->at_ms = m->wall_ms;
	}
	len = at + (last >= 0) + s->keylen + s->vallen + 1 + (end - at) + 1;
	if (len > cap)
		return PROC_TOOLONG;
	memcpy(out, in, at);
	len = at;
	if (last >= 0)
		out[len++] = ',';
	memcpy(out + len, s->key, s->keylen);
	len += s->keylen;
	memcpy(out + len, s->val, s->vallen);
	len += s->vallen;
	out[len++] = '"';
	memcpy(out + len, in + at, end - at);
	len += end - at;
	out[len++] = '\n';
	return (long)len;
}

const struct processor proc_addtime = { "ADDTIME", "addtime", at_init, at_run };
