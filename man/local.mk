# man/: pages generated from the command table by the built binary
# (`galley __man COMMAND`), so SYNOPSIS and OPTIONS cannot drift from --help.
man1dir = $(mandir)/man1
CLEANFILES += man/*.1 man/.pages

# The list of pages depends on the table: ask the binary for it.
man/.pages: galley$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) man && ./galley$(EXEEXT) __man --list > $@.tmp && mv $@.tmp $@

all-local: man-pages
man-pages: man/.pages
	$(AM_V_GEN)for page in $$(cat man/.pages); do \
	  cmd=$$(echo "$$page" | sed -e 's/^galley-\{0,1\}//' -e 's/-/ /g'); \
	  ./galley$(EXEEXT) __man $$cmd > man/$$page.1.tmp && mv man/$$page.1.tmp man/$$page.1 || exit 1; \
	done

install-data-local: man-pages
	$(MKDIR_P) '$(DESTDIR)$(man1dir)'
	for page in $$(cat man/.pages); do \
	  $(INSTALL_DATA) man/$$page.1 '$(DESTDIR)$(man1dir)/'$$page.1 || exit 1; \
	done
uninstall-local:
	for page in $$(cat man/.pages 2>/dev/null); do rm -f '$(DESTDIR)$(man1dir)/'$$page.1; done
