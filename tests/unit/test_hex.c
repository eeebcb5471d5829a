/* Hexadecimal digits. */
#include "t.h"
#include "hex.h"

T(hex_encode_bytes)
{
	const unsigned char in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[9];

	memset(out, 'x', sizeof(out));
	hex_encode(in, sizeof(in), out);
	T_EQ_STR(out, "000fa5ff");
	hex_encode(in, 0, out);
	T_EQ_STR(out, "");
}

T(hex_digits_and_values)
{
	static const struct { int c, v; } d[] = {
		{ '0', 0 }, { '9', 9 }, { 'a', 10 }, { 'f', 15 }, { 'A', 10 }, { 'F', 15 },
		{ 'g', -1 }, { 'G', -1 }, { '/', -1 }, { ':', -1 }, { '@', -1 }, { '`', -1 }, { 0, -1 }, { 0xe0, -1 },
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		T_EQ_INT(hex_digit(d[i].c), d[i].v);
	T_EQ_INT(hex_value("00e9", 4), 0xe9);
	T_EQ_INT(hex_value("D83D", 4), 0xd83d);
	T_EQ_INT(hex_value("fFfF", 4), 0xffff);
	T_EQ_INT(hex_value("12g4", 4), -1);
	T_EQ_INT(hex_value("7fffffff", 7), 0x7ffffff);
	T_EQ_INT(hex_value("", 0), 0);
	T_EQ_STR(hex_lower, "0123456789abcdef");
	T_EQ_STR(hex_upper, "0123456789ABCDEF");
}
