/* errno in words (see errstr.h).  libc's strerror carries every errno
 * there is (2.2 KB on ARMv7); kagent's messages need the sixty its calls
 * can return, in the same words. */
#include <errno.h>
#include <string.h>

#include "errstr.h"
#include "fmt.h"

#define ERRSTR_LIST \
	X(EPERM, "Operation not permitted") \
	X(ENOENT, "No such file or directory") \
	X(EINTR, "Interrupted system call") \
	X(EIO, "I/O error") \
	X(ENXIO, "No such device or address") \
	X(EBADF, "Bad file descriptor") \
	X(EAGAIN, "Resource temporarily unavailable") \
	X(ENOMEM, "Out of memory") \
	X(EACCES, "Permission denied") \
	X(EFAULT, "Bad address") \
	X(EBUSY, "Resource busy") \
	X(EEXIST, "File exists") \
	X(EXDEV, "Cross-device link") \
	X(ENODEV, "No such device") \
	X(ENOTDIR, "Not a directory") \
	X(EISDIR, "Is a directory") \
	X(EINVAL, "Invalid argument") \
	X(ENFILE, "Too many open files in system") \
	X(EMFILE, "No file descriptors available") \
	X(ENOTTY, "Not a tty") \
	X(ETXTBSY, "Text file busy") \
	X(EFBIG, "File too large") \
	X(ENOSPC, "No space left on device") \
	X(ESPIPE, "Invalid seek") \
	X(EROFS, "Read-only file system") \
	X(EMLINK, "Too many links") \
	X(EPIPE, "Broken pipe") \
	X(ERANGE, "Result not representable") \
	X(ENAMETOOLONG, "Filename too long") \
	X(ENOLCK, "No locks available") \
	X(ENOSYS, "Function not implemented") \
	X(ENOTEMPTY, "Directory not empty") \
	X(ELOOP, "Symbolic link loop") \
	X(EPROTO, "Protocol error") \
	X(EOVERFLOW, "Value too large for data type") \
	X(EILSEQ, "Illegal byte sequence") \
	X(ENOTSOCK, "Not a socket") \
	X(EMSGSIZE, "Message too large") \
	X(EPROTONOSUPPORT, "Protocol not supported") \
	X(EOPNOTSUPP, "Not supported") \
	X(EAFNOSUPPORT, "Address family not supported by protocol") \
	X(EADDRINUSE, "Address in use") \
	X(EADDRNOTAVAIL, "Address not available") \
	X(ENETDOWN, "Network is down") \
	X(ENETUNREACH, "Network unreachable") \
	X(ENETRESET, "Connection reset by network") \
	X(ECONNABORTED, "Connection aborted") \
	X(ECONNRESET, "Connection reset by peer") \
	X(ENOBUFS, "No buffer space available") \
	X(EISCONN, "Socket is connected") \
	X(ENOTCONN, "Socket not connected") \
	X(ETIMEDOUT, "Operation timed out") \
	X(ECONNREFUSED, "Connection refused") \
	X(EHOSTDOWN, "Host is down") \
	X(EHOSTUNREACH, "Host is unreachable") \
	X(EALREADY, "Operation already in progress") \
	X(EINPROGRESS, "Operation in progress") \
	X(ESTALE, "Stale file handle") \
	X(EDQUOT, "Quota exceeded")

/* the numbers (MIPS has some above 255: EDQUOT is 1133) and, in the same
 * order, the words one after another */
static const unsigned short errstr_code[] = {
#define X(e, s) e,
	ERRSTR_LIST
#undef X
};
static const char errstr_text[] =
#define X(e, s) s "\0"
	ERRSTR_LIST
#undef X
	;

const char *errstr_pick(const unsigned short *codes, size_t n, const char *words, int e)
{
	for (size_t i = 0; i < n; i++, words += strlen(words) + 1)
		if (codes[i] == e)
			return words;
	return NULL;
}

const char *errstr(int e)
{
	static char other[24];
	const char *s = errstr_pick(errstr_code, sizeof errstr_code / sizeof errstr_code[0], errstr_text, e);

	if (s)
		return s;
	fmt_snprintf(other, sizeof other, "error %d", e);
	return other;
}
