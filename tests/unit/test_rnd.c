/* The one random-number generator. */
#include "t.h"
#include "rnd.h"

/* SplitMix64's reference outputs for seed 0. */
T(rnd_splitmix64_vectors)
{
	T_TRUE(rnd_at(0, 0) == UINT64_C(0xe220a8397b1dcdaf));
	T_TRUE(rnd_at(0, 1) == UINT64_C(0x6e789e6aa1b965f4));
	T_TRUE(rnd_at(0, 2) == UINT64_C(0x06c45d188009454f));
}

T(rnd_next_differs)
{
	uint64_t a = rnd_next(), b = rnd_next(), c = rnd_next();

	T_TRUE(a != b && b != c && a != c);
}
