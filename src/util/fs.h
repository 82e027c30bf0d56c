/*
 * fs.h — small file-system helpers shared by the store, the CLI and sealed files.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* The directory holding path into out (cap bytes): "." for a bare name, "/" at the root.
 * False when it does not fit. */
bool kg_dir_of(const char *path, char *out, size_t cap);
/* fsyncs the directory holding path, so that a rename or link into it survives a power cut
 * (best effort: a directory that cannot be opened is left as it is). */
void kg_fsync_dir_of(const char *path);
