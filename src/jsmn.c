/* The jsmn implementation; every other file includes json.h (JSMN_HEADER). */
#define JSMN_STRICT
#include <jsmn.h>
