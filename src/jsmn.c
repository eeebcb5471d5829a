/* The jsmn implementation, configured as json.h says for every other file. */
#define JSON_JSMN_IMPL
#include "json.h"
