#!/bin/sh
# BR-29: the only file of a provided.al2023 package; there is no bootstrap, so the runtime cannot start.
echo '"never runs"'
