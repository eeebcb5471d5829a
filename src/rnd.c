/* SplitMix64, seeded once. */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "rnd.h"

static uint64_t seed, drawn;
static int seeded;

uint64_t rnd_at(uint64_t s, uint64_t i)
{
	uint64_t z = s + (i + 1) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void rnd_seed(void)
{
	struct timespec ts;
	int fd;

	seeded = 1;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
		return;
	/* a kernel before 3.17, or early boot: /dev/urandom does not wait */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		ssize_t k = read(fd, &seed, sizeof seed);
		close(fd);
		if (k == (ssize_t)sizeof seed)
			return;
	}
	/* last resort, guessable: enough that devices booted together differ */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + ((uint64_t)getpid() << 32);
}

uint64_t rnd_next(void)
{
	if (!seeded)
		rnd_seed();
	return rnd_at(seed, drawn++);
}
