/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a configuration file in either syntax (the first octet picks
 * auto/nested/INI). A refused file must give errors and no tree; an accepted
 * one must print, parse back to an equal tree and print the same text
 * (dk__config_fuzz_one aborts when an invariant breaks).
 */
#include "config_fuzz.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return dk__config_fuzz_one(data, size);
}
