#!/bin/bash -
# t/test_appliance.ml: guest `Appliance, booted once.
set -e
"$builddir/t/test_appliance.opt"
