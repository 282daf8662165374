# bench/: the benchmark scripts (bench/README.md); shipped, never built or run
# by make.
EXTRA_DIST += bench
