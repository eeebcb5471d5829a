/* libFuzzer target: the checkpoint reader (ckpt_parse), which reads a file
 * that anyone able to write its directory, a power cut or a full disk may
 * have made.  Any bytes are read as the file.  Checks: a refused text
 * leaves no entry; an accepted one gives at most CKPT_MAX entries, each with
 * an absolute path that fits and holds no newline and an offset >= 0; the
 * entries written back as the file holds them (ckpt_line) read back the
 * same; the same result twice; nothing allocated. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckpt.h"
#include "fuzz.h"

static struct ckpt fz_a, fz_b;
static char fz_text[CKPT_MAX * (CKPT_PATH_MAX + 128) + 64];

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_ckpt: %s\n", what);
	abort();
}

static int fz_same(const struct ckpt_ent *x, const struct ckpt_ent *y)
{
	return x->dev == y->dev && x->ino == y->ino && x->fp.len == y->fp.len && x->fp.hash == y->fp.hash &&
	       x->off == y->off && !strcmp(x->path, y->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t n;
	int r;

	r = FZ_LOOP(ckpt_parse(&fz_a, text, size, 7));
	if (r != 0 && r != -1)
		fz_die("result");
	if (r < 0) {
		if (fz_a.n != 0)
			fz_die("entries kept from a refused file");
		return 0;
	}
	if (fz_a.n < 0 || fz_a.n > CKPT_MAX)
		fz_die("entry count");
	for (int i = 0; i < fz_a.n; i++) {
		const struct ckpt_ent *e = &fz_a.ent[i];
		size_t len = strnlen(e->path, CKPT_PATH_MAX);
		if (len == CKPT_PATH_MAX || e->path[0] != '/' || memchr(e->path, '\n', len) || e->off < 0 ||
		    e->seen != 7 || e->live)
			fz_die("an entry out of bounds");
	}
	/* written back (version 2, whatever was read), it reads the same */
	n = (size_t)snprintf(fz_text, sizeof fz_text, "kagent-checkpoint 2\n");
	for (int i = 0; i < fz_a.n; i++) {
		size_t k = ckpt_line(&fz_a.ent[i], fz_text + n, sizeof fz_text - n);
		if (k == 0)
			fz_die("an entry's line does not fit");
		n += k;
	}
	n += (size_t)snprintf(fz_text + n, sizeof fz_text - n, "end %d\n", fz_a.n);
	if (FZ_LOOP(ckpt_parse(&fz_b, fz_text, n, 7)) != 0 || fz_b.n != fz_a.n)
		fz_die("written back, not read back");
	for (int i = 0; i < fz_a.n; i++)
		if (!fz_same(&fz_a.ent[i], &fz_b.ent[i]))
			fz_die("written back, read back another entry");
	if (ckpt_parse(&fz_b, text, size, 7) != 0 || fz_b.n != fz_a.n)
		fz_die("not repeatable");
	for (int i = 0; i < fz_a.n; i++)
		if (!fz_same(&fz_a.ent[i], &fz_b.ent[i]))
			fz_die("not repeatable: entries");
	return 0;
}
