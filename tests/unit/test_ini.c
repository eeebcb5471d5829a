/* The shared credentials file's reader: profiles, comments, spaces, CRLF,
 * keys in any case, a missing profile or key; the same result whatever
 * the pieces the bytes come in; no value ever in a message. */
#include <string.h>
#include "ini.h"
#include "t.h"

static struct ini it_r;
static struct creds_set it_out;
static char it_err[256];

/* Reads text for profile, fed in pieces of piece bytes (0: at once). */
static int it_read(const char *text, const char *profile, size_t piece)
{
	size_t n = strlen(text), at = 0;

	ini_begin(&it_r, profile, &it_out);
	it_err[0] = 0;
	if (!piece)
		piece = n ? n : 1;
	for (; at < n; at += piece)
		ini_feed(&it_r, text + at, n - at < piece ? n - at : piece);
	return ini_end(&it_r, it_err, sizeof it_err);
}

static const char it_file[] =
	"# written by the provisioning agent\n"
	"; another comment\n"
	"[default]\n"
	"aws_access_key_id = AKIDDEFAULT00001\n"
	"aws_secret_access_key = default/secret\n"
	"\n"
	"  [ gw-0042 ]   # the device's own\r\n"
	"AWS_Access_Key_Id=AKIDDEVICE000001\r\n"
	"\taws_secret_access_key\t=\twJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY ; rotated 2026-11-23\r\n"
	"aws_session_token = FwoGZXIvYXdzE#not-a-comment\r\n"
	"region = eu-west-1\r\n"
	"[other]\n"
	"aws_access_key_id = AKIDOTHER0000001\n"
	"this line is not key = value, but not ours either\n";

T(ini_profiles_comments_spaces_crlf)
{
	for (size_t piece = 0; piece < 40; piece += piece < 3 ? 1 : 7) {
		T_EQ_INT(it_read(it_file, "gw-0042", piece), 0);
		T_EQ_STR(it_out.id, "AKIDDEVICE000001");
		T_EQ_STR(it_out.secret, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
		T_EQ_STR(it_out.token, "FwoGZXIvYXdzE#not-a-comment");
		T_EQ_INT(it_out.expires, 0);
		T_EQ_INT(it_read(it_file, "default", piece), 0);
		T_EQ_STR(it_out.id, "AKIDDEFAULT00001");
		T_EQ_STR(it_out.secret, "default/secret");
		T_EQ_STR(it_out.token, "");
	}
}

T(ini_missing_profile_and_keys)
{
	T_EQ_INT(it_read(it_file, "gw-0043", 0), -1);
	T_EQ_STR(it_err, "no profile [gw-0043]");
	T_EQ_STR(it_out.id, "");
	T_EQ_INT(it_read(it_file, "other", 0), -1);
	T_EQ_STR(it_err, "profile [other] has no aws_secret_access_key");
	T_EQ_STR(it_out.id, "");	/* wiped: nothing of a failed read is used */
	T_EQ_INT(it_read("[p]\naws_secret_access_key = s\n", "p", 0), -1);
	T_EQ_STR(it_err, "profile [p] has no aws_access_key_id");
	T_EQ_INT(it_read("[p]\n", "p", 0), -1);
	T_EQ_STR(it_err, "profile [p] has no aws_access_key_id and aws_secret_access_key");
	T_EQ_INT(it_read("", "default", 0), -1);
	T_EQ_STR(it_err, "no profile [default]");
	/* a half-written file: the secret's line not there yet */
	T_EQ_INT(it_read("[default]\naws_access_key_id = AKIDNEW000000001\naws_secr", "default", 0), -1);
	T_EQ_STR(it_err, "line 3: not \"key = value\"");
}

T(ini_last_line_without_newline_and_repeated_profile)
{
	T_EQ_INT(it_read("[a]\naws_access_key_id = A1\n[b]\nx = 1\n[a]\naws_secret_access_key = S1\n"
			 "aws_access_key_id = A2", "a", 0), 0);
	T_EQ_STR(it_out.id, "A2");	/* the later key wins */
	T_EQ_STR(it_out.secret, "S1");
}

/* A value that cannot go in a header: refused, and never repeated. */
T(ini_bad_values_never_shown)
{
	T_EQ_INT(it_read("[d]\naws_access_key_id = AKID\naws_secret_access_key = two words\n", "d", 0), -1);
	T_EQ_STR(it_err, "line 3: aws_secret_access_key must be 1..128 printable characters without a space");
	T_EQ_INT(it_read("[d]\naws_access_key_id =\naws_secret_access_key = s\n", "d", 0), -1);
	T_EQ_STR(it_err, "line 2: aws_access_key_id must be 1..128 printable characters without a space");
	T_EQ_INT(it_read("[d]\naws_access_key_id = AK\xc3\xa9\naws_secret_access_key = s\n", "d", 0), -1);
	T_EQ_STR(it_err, "line 2: aws_access_key_id must be 1..128 printable characters without a space");
	T_EQ_INT(it_read("[d\naws_access_key_id = A\naws_secret_access_key = s\n", "d", 0), -1);
	T_EQ_STR(it_err, "no profile [d]");
	T_EQ_INT(it_read("[d]\naws_access_key_id = A\n[e\naws_secret_access_key = s\n", "d", 0), -1);
	T_EQ_STR(it_err, "line 3: a '[' line without ']'");
	/* the same in another profile: not ours, not looked at */
	T_EQ_INT(it_read("[e]\naws_secret_access_key = two words\n[d]\naws_access_key_id = A\n"
			 "aws_secret_access_key = s\n", "d", 0), 0);
}

/* Lines longer than any value: an error in the profile, nothing
 * elsewhere; the longest token fits. */
T(ini_long_lines)
{
	static char text[3 * INI_LINE_MAX];
	char *p;

	p = text + sprintf(text, "[x]\nkey = ");
	memset(p, 'a', INI_LINE_MAX);
	p += INI_LINE_MAX;
	p += sprintf(p, "\n[d]\naws_access_key_id = A\naws_secret_access_key = s\naws_session_token = ");
	memset(p, 't', CREDS_TOKEN_MAX);
	strcpy(p + CREDS_TOKEN_MAX, "\n");
	for (size_t piece = 0; piece < 5000; piece += 999) {
		T_EQ_INT(it_read(text, "d", piece), 0);
		T_EQ_INT(strlen(it_out.token), CREDS_TOKEN_MAX);
	}
	strcpy(p + CREDS_TOKEN_MAX, "t\n");
	T_EQ_INT(it_read(text, "d", 0), -1);
	T_EQ_STR(it_err, "line 6: aws_session_token must be 1..4096 printable characters without a space");
	p = text + sprintf(text, "[d]\naws_access_key_id = A\naws_secret_access_key = s\nx = ");
	memset(p, 'a', INI_LINE_MAX);
	strcpy(p + INI_LINE_MAX, "\n");
	T_EQ_INT(it_read(text, "d", 0), -1);
	T_EQ_STR(it_err, "line 4: a line longer than a session token can be");
	T_EQ_INT(it_read(text, "d", 100), -1);
	T_EQ_STR(it_err, "line 4: a line longer than a session token can be");
}
