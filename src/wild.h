/* Matching one file name against one name of a file pattern, as fnmatch(3)
 * does without FNM_PATHNAME, in the C locale (every byte one character). */
#ifndef WILD_H
#define WILD_H

/* 1 if name matches pat, else 0.  pat: '*', '?', bracket expressions
 * ("[a-z]", "[!0-9]", "[^x]", "[[:digit:]]"; an unclosed '[' is itself) and
 * '\' escaping the next character.  period: a leading '.' in name is only
 * matched by a '.' leading pat (FNM_PERIOD). */
int wild_match(const char *pat, const char *name, int period);
#endif
