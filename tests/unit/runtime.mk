# unit tests of src/runtime (cmocka; add to check_PROGRAMS and TESTS inside if HAVE_CMOCKA)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-seccomp tests/unit/test-caps
TESTS += tests/unit/test-seccomp tests/unit/test-caps
tests_unit_test_seccomp_SOURCES = tests/unit/test-seccomp.c
tests_unit_test_seccomp_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -DABS_SRCDIR_FALLBACK='"$(abs_top_srcdir)"'
tests_unit_test_seccomp_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_caps_SOURCES = tests/unit/test-caps.c
tests_unit_test_caps_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_caps_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-passwd tests/unit/test-envfile tests/unit/test-devices tests/unit/test-masks
TESTS += tests/unit/test-passwd tests/unit/test-envfile tests/unit/test-devices tests/unit/test-masks
tests_unit_test_passwd_SOURCES = tests/unit/test-passwd.c
tests_unit_test_passwd_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_passwd_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_envfile_SOURCES = tests/unit/test-envfile.c
tests_unit_test_envfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_envfile_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_devices_SOURCES = tests/unit/test-devices.c tests/unit/userns-child.h
tests_unit_test_devices_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_devices_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_masks_SOURCES = tests/unit/test-masks.c tests/unit/userns-child.h
tests_unit_test_masks_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_masks_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-network
TESTS += tests/unit/test-network
tests_unit_test_network_SOURCES = tests/unit/test-network.c
tests_unit_test_network_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_network_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-network-members
TESTS += tests/unit/test-network-members
tests_unit_test_network_members_SOURCES = tests/unit/test-network-members.c
tests_unit_test_network_members_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_network_members_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-volume
TESTS += tests/unit/test-volume
tests_unit_test_volume_SOURCES = tests/unit/test-volume.c tests/unit/temp-root.h
tests_unit_test_volume_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_volume_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-enter
TESTS += tests/unit/test-enter
tests_unit_test_enter_SOURCES = tests/unit/test-enter.c
tests_unit_test_enter_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_enter_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-mount-args
TESTS += tests/unit/test-mount-args
tests_unit_test_mount_args_SOURCES = tests/unit/test-mount-args.c
tests_unit_test_mount_args_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mount_args_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-batch-job
TESTS += tests/unit/test-batch-job
tests_unit_test_batch_job_SOURCES = tests/unit/test-batch-job.c
tests_unit_test_batch_job_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_batch_job_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-hooks tests/unit/test-cdi
TESTS += tests/unit/test-hooks tests/unit/test-cdi
tests_unit_test_hooks_SOURCES = tests/unit/test-hooks.c
tests_unit_test_hooks_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_hooks_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
tests_unit_test_cdi_SOURCES = tests/unit/test-cdi.c
tests_unit_test_cdi_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_cdi_LDADD = $(GALLEY_LIBS) $(CMOCKA_LIBS)
endif
