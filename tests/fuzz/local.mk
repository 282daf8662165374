# tests/fuzz: libFuzzer targets, built for `make check` with a replay main
# (tests/fuzz/replay.c) and run over the shared seeds in tests/fuzz/seeds/.
FUZZ_TARGETS = tests/fuzz/fuzz-toml tests/fuzz/fuzz-template tests/fuzz/fuzz-reference \
	tests/fuzz/fuzz-manifest tests/fuzz/fuzz-www-authenticate tests/fuzz/fuzz-seccomp-profile \
	tests/fuzz/fuzz-network tests/fuzz/fuzz-image-change tests/fuzz/fuzz-containerfile tests/fuzz/fuzz-build-ignore \
	tests/fuzz/fuzz-api-request tests/fuzz/fuzz-api-create-body
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += tests/fuzz/replay-seeds.sh
EXTRA_DIST += tests/fuzz/replay-seeds.sh tests/fuzz/seeds
FUZZ_COMMON_LDADD = $(GALLEY_LIBS)
tests_fuzz_fuzz_toml_SOURCES = tests/fuzz/fuzz-toml.c tests/fuzz/replay.c
tests_fuzz_fuzz_toml_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_template_SOURCES = tests/fuzz/fuzz-template.c tests/fuzz/replay.c
tests_fuzz_fuzz_template_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_reference_SOURCES = tests/fuzz/fuzz-reference.c tests/fuzz/replay.c
tests_fuzz_fuzz_reference_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_manifest_SOURCES = tests/fuzz/fuzz-manifest.c tests/fuzz/replay.c
tests_fuzz_fuzz_manifest_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_www_authenticate_SOURCES = tests/fuzz/fuzz-www-authenticate.c tests/fuzz/replay.c
tests_fuzz_fuzz_www_authenticate_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_seccomp_profile_SOURCES = tests/fuzz/fuzz-seccomp-profile.c tests/fuzz/replay.c
tests_fuzz_fuzz_seccomp_profile_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_network_SOURCES = tests/fuzz/fuzz-network.c tests/fuzz/replay.c
tests_fuzz_fuzz_network_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_image_change_SOURCES = tests/fuzz/fuzz-image-change.c tests/fuzz/replay.c
tests_fuzz_fuzz_image_change_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_containerfile_SOURCES = tests/fuzz/fuzz-containerfile.c tests/fuzz/replay.c
tests_fuzz_fuzz_containerfile_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_build_ignore_SOURCES = tests/fuzz/fuzz-build-ignore.c tests/fuzz/replay.c
tests_fuzz_fuzz_build_ignore_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_api_request_SOURCES = tests/fuzz/fuzz-api-request.c tests/fuzz/replay.c
tests_fuzz_fuzz_api_request_LDADD = $(FUZZ_COMMON_LDADD)
tests_fuzz_fuzz_api_create_body_SOURCES = tests/fuzz/fuzz-api-create-body.c tests/fuzz/replay.c
tests_fuzz_fuzz_api_create_body_LDADD = $(FUZZ_COMMON_LDADD)
