/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_TESTS_FUZZ_H
#define DHCPKIT_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each fuzz target defines this; it is linked either with libFuzzer or with
 * replay.c, which feeds it the files of a corpus.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the library that an input broke: report and crash, so that
 * libFuzzer keeps the input and the replay test fails. Never compiled out. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
