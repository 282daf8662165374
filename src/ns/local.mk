# src/ns: user namespaces and their id maps (newuidmap, libsubid)
libgalley_a_SOURCES += \
	src/ns/idmap.c src/ns/idmap.h \
	src/ns/userns.c src/ns/userns.h
if LAZY_SUBID
libgalley_a_SOURCES += src/ns/subid_lazy.c
endif
