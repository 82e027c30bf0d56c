/*
 * encoder.h — a FILE that writes the UTF-8 written to it in another text encoding (glibc's
 * iconv): a file of refused rows in the register's own encoding (windows-1251, UTF-16LE).
 */
#pragma once
#include <stdio.h>

/*
 * Opens a stream that writes what is written to it, UTF-8, to `to` in encoding (an iconv
 * name). A character encoding has no way to write, or a byte that is not UTF-8, is written
 * as "?" in encoding (or left out, in an encoding without "?"). fclose() writes what is held and
 * frees the stream, not `to`; it is EOF when a write to `to` failed (as `to`'s error flag then
 * says). NULL when iconv does not know encoding (errno set).
 */
FILE *kg_encoder_open(FILE *to, const char *encoding);
