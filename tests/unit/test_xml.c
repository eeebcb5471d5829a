/* The XML reader: what an AWS answer holds, read exactly; what it must not
 * hold (a DOCTYPE, unbalanced tags, too deep), refused with the offset;
 * hostile input (every cut, every byte changed) never read past its end
 * (tests/fuzz/fuzz_sts.c fuzzes the same reader). */
#include <string.h>
#include "t.h"
#include "xml.h"

static char xt_a[64], xt_b[64];

/* Extracts "r/a" and "r/b" from doc; returns xml_extract's result. */
static int xt_ab(const char *doc, struct xml_want w[2], const char **why)
{
	size_t at;

	w[0] = (struct xml_want){ .path = "r/a", .out = xt_a, .cap = sizeof xt_a };
	w[1] = (struct xml_want){ .path = "r/b", .out = xt_b, .cap = sizeof xt_b };
	return xml_extract(doc, strlen(doc), w, 2, why, &at);
}

T(xml_text_entities_cdata_namespaces)
{
	struct xml_want w[2];
	const char *why;
	const char *doc = "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c <a>x</a> -->\n"
			  "<p:r xmlns:p=\"urn:x\" k='v>'>\n <p:a attr=\"1\">  x &lt;&amp;&gt;&quot;&apos; &#65;&#x42;&#xe9;"
			  "<![CDATA[<&>]]>  </p:a>\n <c><a>not this one</a></c>\n <b/>\n</p:r>\n<!-- after -->\n";

	T_EQ_INT(xt_ab(doc, w, &why), 0);
	T_EQ_STR(xt_a, "x <&>\"' AB\xc3\xa9<&>");
	T_EQ_INT(w[0].len, strlen("x <&>\"' AB\xc3\xa9<&>"));
	T_EQ_INT(w[0].found, 1);
	T_EQ_INT(w[0].truncated, 0);
	T_EQ_STR(xt_b, "");
	T_EQ_INT(w[1].found, 1);
}

T(xml_missing_repeated_truncated)
{
	struct xml_want w[2];
	const char *why;
	char small[5];
	size_t at;

	T_EQ_INT(xt_ab("<r><a>1</a><a>22</a></r>", w, &why), 0);
	T_EQ_INT(w[0].found, 2);
	T_EQ_STR(xt_a, "22");
	T_EQ_INT(w[1].found, 0);
	T_EQ_STR(xt_b, "");
	/* the path is the whole path: a deeper or shallower element is not it */
	T_EQ_INT(xt_ab("<r><x><a>1</a></x></r>", w, &why), 0);
	T_EQ_INT(w[0].found, 0);
	T_EQ_INT(xt_ab("<a>1</a>", w, &why), 0);
	T_EQ_INT(w[0].found, 0);
	w[0] = (struct xml_want){ .path = "r", .out = small, .cap = sizeof small };
	T_EQ_INT(xml_extract("<r>abcdefgh</r>", 15, w, 1, &why, &at), 0);
	T_EQ_INT(w[0].truncated, 1);
	T_EQ_STR(small, "abcd");
}

/* Each bad document: refused, with why and where. */
T(xml_refused)
{
	static const struct { const char *doc, *why; size_t at; } bad[] = {
		{ "<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>", "DOCTYPE and declarations are not accepted", 0 },
		{ "<r><a>1</b></r>", "an end tag that does not match its start tag", 10 },
		{ "<r><a>1</a>", "unterminated element", 11 },
		{ "<r/><r/>", "a second root element", 5 },
		{ "x<r/>", "text outside the root element", 0 },
		{ "<r/>x", "text outside the root element", 4 },
		{ "<r/>&amp;", "text outside the root element", 4 },
		{ "<r>&nbsp;</r>", "unknown entity", 3 },
		{ "<r>&#0;</r>", "bad character reference", 6 },
		{ "<r>&#xD800;</r>", "bad character reference", 10 },
		{ "<r>&#x110000;</r>", "bad character reference", 12 },
		{ "<r>&#12a;</r>", "bad character reference", 7 },
		{ "<r>&#;</r>", "bad character reference", 5 },
		{ "<r>&#99999999;</r>", "bad character reference", 13 },
		{ "<r a=1/>", "expected a quoted attribute value", 5 },
		{ "<r a=\"<\"/>", "'<' in an attribute value", 6 },
		{ "<r a=\"1\"b=\"2\"/>", "expected white space before an attribute", 8 },
		{ "<r a/>", "expected '=' after an attribute's name", 4 },
		{ "<r a=\"1", "unterminated attribute value", 7 },
		{ "<r", "unterminated tag", 2 },
		{ "<r><a><x/></a></r>", "an element inside a wanted one", 7 },
		{ "</r>", "an end tag with nothing open", 2 },
		{ "<r></r", "unterminated end tag", 6 },
		{ "<1/>", "expected a name", 1 },
		{ "<!-- x", "unterminated comment", 6 },
		{ "<?x", "unterminated processing instruction", 3 },
		{ "<r><![CDATA[x</r>", "unterminated CDATA", 17 },
		{ "<![CDATA[x]]>", "CDATA outside the root element", 9 },
		{ "", "no element", 0 },
		{ "<r>a\001</r>", "a control character", 4 },
		{ "<r><![CDATA[\033]]></r>", "a control character", 16 },
		{ "  <!-- -->  ", "no element", 12 },
	};
	struct xml_want w[2];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = NULL;
		size_t at;
		w[0] = (struct xml_want){ .path = "r/a", .out = xt_a, .cap = sizeof xt_a };
		w[1] = (struct xml_want){ .path = "r/b", .out = xt_b, .cap = sizeof xt_b };
		T_EQ_INT(xml_extract(bad[i].doc, strlen(bad[i].doc), w, 2, &why, &at), -1);
		if (strcmp(why, bad[i].why) != 0 || at != bad[i].at)
			printf("  case %zu: \"%s\" at %zu\n", i, why, at);
		T_EQ_STR(why, bad[i].why);
		T_EQ_INT(at, bad[i].at);
	}
}

T(xml_nested_too_deep)
{
	char doc[2 * 18 * 4 + 8], *p = doc;
	struct xml_want w[2];
	const char *why;

	for (int i = 0; i < XML_MAX_DEPTH; i++)
		p += sprintf(p, "<e>");
	for (int i = 0; i < XML_MAX_DEPTH; i++)
		p += sprintf(p, "</e>");
	T_EQ_INT(xt_ab(doc, w, &why), 0);
	p = doc;
	for (int i = 0; i <= XML_MAX_DEPTH; i++)
		p += sprintf(p, "<e>");
	T_EQ_INT(xt_ab(doc, w, &why), -1);
	T_EQ_STR(why, "nested too deep");
}

/* Every cut of a real answer, and every byte of it replaced by each of
 * the characters that matter: a result, never a read past the end, and a
 * text always NUL-ended within its buffer. */
T(xml_hostile_cuts_and_bytes)
{
	char doc[4096], copy[4096], tok[64];
	long n = t_readfile("tests/data/sts/assume-role.xml", doc, sizeof doc);
	static const char subst[] = "<>&/!?\"'=; \n\0]x";
	struct xml_want w[2];
	const char *why;
	size_t at;
	int ok = 0;

	T_TRUE(n > 0);
	for (long cut = 0; cut <= n; cut++) {
		memcpy(copy, doc, (size_t)cut);
		w[0] = (struct xml_want){ .path = "AssumeRoleResponse/AssumeRoleResult/Credentials/SessionToken",
					  .out = tok, .cap = sizeof tok };
		ok += xml_extract(copy, (size_t)cut, w, 1, &why, &at) == 0;
		T_TRUE(at <= (size_t)cut);
		T_TRUE(strlen(tok) < sizeof tok);
	}
	T_EQ_INT(ok, 2);	/* the whole answer, and it without its last newline */
	for (long i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof subst - 1; s++) {
			memcpy(copy, doc, (size_t)n);
			copy[i] = subst[s];
			w[0] = (struct xml_want){ .path = "AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId",
						  .out = tok, .cap = sizeof tok };
			xml_extract(copy, (size_t)n, w, 1, &why, &at);
			T_TRUE(at <= (size_t)n);
			T_TRUE(strlen(tok) < sizeof tok && w[0].len == strlen(tok));
		}
}
