#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The C reference of the "same as C" comparison meets every expectation
# the cases state (each binding's own test then compares with it).
exec bash "$srcdir/same-as-c.sh" c
