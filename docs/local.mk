# docs/: the design and the contributors' guide (linked from README.md).
EXTRA_DIST += docs/design.md docs/hacking.md
