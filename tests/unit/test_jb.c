/* The JSON writer: exact bytes, escaping, overflow. */
#include "t.h"
#include "jb.h"

T(jb_nested_document)
{
	char out[256];
	struct jb b;

	jb_begin(&b, out, sizeof out);
	jb_open(&b, NULL, '{');
	jb_cstr(&b, "name", "a \"b\"\n");
	jb_u64(&b, "n", 18446744073709551615ull);
	jb_i64(&b, "m", -42);
	jb_bool(&b, "t", 1);
	jb_str(&b, "none", NULL, 0);
	jb_open(&b, "list", '[');
	jb_open(&b, NULL, '{');
	jb_close(&b, '}');
	jb_u64(&b, NULL, 0);
	jb_open(&b, NULL, '[');
	jb_close(&b, ']');
	jb_close(&b, ']');
	jb_open(&b, "o", '{');
	jb_bool(&b, "f", 0);
	jb_close(&b, '}');
	jb_close(&b, '}');
	T_EQ_INT(jb_end(&b), 107);
	out[107] = 0;
	T_EQ_STR(out, "{\"name\":\"a \\\"b\\\"\\n\",\"n\":18446744073709551615,\"m\":-42,\"t\":true,\"none\":null,"
		      "\"list\":[{},0,[]],\"o\":{\"f\":false}}");
}

T(jb_overflow_and_mismatch)
{
	char out[16];
	struct jb b;

	memset(out, '#', sizeof out);
	jb_begin(&b, out, 8);
	jb_open(&b, NULL, '{');
	jb_cstr(&b, "key", "value");
	jb_close(&b, '}');
	T_EQ_INT(jb_end(&b), -1);
	T_EQ_INT(b.len, 15);	/* the length it needs */
	T_TRUE(out[8] == '#');	/* nothing past cap */

	jb_begin(&b, out, sizeof out);
	jb_open(&b, NULL, '[');
	T_EQ_INT(jb_end(&b), -1);	/* not closed */
	jb_begin(&b, out, sizeof out);
	jb_close(&b, ']');
	T_EQ_INT(jb_end(&b), -1);	/* closed more than opened */
	jb_begin(&b, out, sizeof out);
	for (int i = 0; i <= JB_MAX_DEPTH; i++)
		jb_open(&b, NULL, '[');
	for (int i = 0; i <= JB_MAX_DEPTH; i++)
		jb_close(&b, ']');
	T_EQ_INT(jb_end(&b), -1);	/* too deep */
}
