#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_appliance.ml: guest `Appliance, booted once.
set -e
"$builddir/t/test_appliance.opt"
