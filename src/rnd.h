/* The process's one pseudo-random generator: SplitMix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", 2014) over a
 * seed taken once from the kernel.  Retry jitter, DNS query ids and
 * Kinesis's RANDOM partition keys need numbers that differ between devices
 * and runs, not secrets. */
#ifndef RND_H
#define RND_H
#include <stdint.h>

/* Start-up: the seed, from getrandom(), else /dev/urandom, else the clock
 * and the pid.  rnd_next() seeds itself if this was not called. */
void rnd_seed(void);
/* The next number of the process's sequence. */
uint64_t rnd_next(void);
/* The i-th number of the sequence that starts from seed: a pure function,
 * so a record's random key is the same at every attempt. */
uint64_t rnd_at(uint64_t seed, uint64_t i);
#endif
