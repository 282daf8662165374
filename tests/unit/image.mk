# unit tests of src/image (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-manifest
TESTS += tests/unit/test-manifest
tests_unit_test_manifest_SOURCES = tests/unit/test-manifest.c
tests_unit_test_manifest_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_manifest_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-store
TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c tests/unit/temp-root.h
tests_unit_test_store_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-layer-extract tests/unit/test-whiteout
TESTS += tests/unit/test-layer-extract tests/unit/test-whiteout
tests_unit_test_layer_extract_SOURCES = tests/unit/test-layer-extract.c tests/unit/layer-tar.h
tests_unit_test_layer_extract_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_layer_extract_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_whiteout_SOURCES = tests/unit/test-whiteout.c tests/unit/layer-tar.h
tests_unit_test_whiteout_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_whiteout_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-layer-split
TESTS += tests/unit/test-layer-split
tests_unit_test_layer_split_SOURCES = tests/unit/test-layer-split.c tests/unit/layer-tar.h
tests_unit_test_layer_split_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_layer_split_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-layer-tar
TESTS += tests/unit/test-layer-tar
tests_unit_test_layer_tar_SOURCES = tests/unit/test-layer-tar.c tests/unit/layer-tar.h
tests_unit_test_layer_tar_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_layer_tar_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-image-write
TESTS += tests/unit/test-image-write
tests_unit_test_image_write_SOURCES = tests/unit/test-image-write.c tests/unit/temp-root.h
tests_unit_test_image_write_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_image_write_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-push
TESTS += tests/unit/test-push
tests_unit_test_push_SOURCES = tests/unit/test-push.c
tests_unit_test_push_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_push_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-manifest-list
TESTS += tests/unit/test-manifest-list
tests_unit_test_manifest_list_SOURCES = tests/unit/test-manifest-list.c tests/unit/temp-root.h
tests_unit_test_manifest_list_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_manifest_list_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
