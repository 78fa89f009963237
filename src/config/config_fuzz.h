/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SRC_CONFIG_FUZZ_H
#define DHCPKIT_SRC_CONFIG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * One fuzz input for the config layer, for a libFuzzer target:
 *
 *     int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
 *     {
 *         return dk__config_fuzz_one(d, n);
 *     }
 *
 * The first octet picks the syntax (0 auto, 1 nested, 2 INI, modulo 3); the
 * rest is the file. It checks the invariants and abort()s when one breaks:
 * a refused file has at least one error, every error names the file and no
 * tree is returned; an accepted file prints (printconf) to text that parses
 * back, with no error, to an equal tree, and printing that tree again gives
 * the same text. Returns 0.
 */
int dk__config_fuzz_one(const uint8_t *data, size_t size);

#endif
