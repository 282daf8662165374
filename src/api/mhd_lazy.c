/* libmicrohttpd loaded on first use: trampolines for the functions the
 * service calls (see util/lazylib.h), so that no other command maps it and
 * the TLS libraries it drags in.  A libmicrohttpd function used in src/api
 * but missing here is a link error.  */
#include "config.h"

#include <microhttpd.h>
#include <stdarg.h>

#include "util/lazylib.h"

LAZY_LIB (mhd, GALLEY_SONAME_MHD);

LAZY_FN (mhd, struct MHD_Daemon *, MHD_start_daemon_va,
         (unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
          MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap),
         (flags, port, apc, apc_cls, dh, dh_cls, ap))
LAZY_VOID_FN (mhd, MHD_stop_daemon, (struct MHD_Daemon * d), (d))
LAZY_FN (mhd, const char *, MHD_lookup_connection_value,
         (struct MHD_Connection * c, enum MHD_ValueKind kind, const char *key), (c, kind, key))
LAZY_FN (mhd, struct MHD_Response *, MHD_create_response_from_buffer,
         (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode))
LAZY_FN (mhd, struct MHD_Response *, MHD_create_response_from_callback,
         (uint64_t size, size_t block_size, MHD_ContentReaderCallback crc, void *crc_cls,
          MHD_ContentReaderFreeCallback crfc),
         (size, block_size, crc, crc_cls, crfc))
LAZY_FN (mhd, enum MHD_Result, MHD_add_response_header,
         (struct MHD_Response * r, const char *header, const char *content), (r, header, content))
LAZY_FN (mhd, enum MHD_Result, MHD_queue_response,
         (struct MHD_Connection * c, unsigned int status_code, struct MHD_Response *r), (c, status_code, r))
LAZY_VOID_FN (mhd, MHD_destroy_response, (struct MHD_Response * r), (r))
LAZY_FN (mhd, struct MHD_Response *, MHD_create_response_for_upgrade,
         (MHD_UpgradeHandler upgrade_handler, void *upgrade_handler_cls),
         (upgrade_handler, upgrade_handler_cls))

/* The variadic entry points: MHD_start_daemon forwards to its va_list
 * twin; MHD_upgrade_action has none, and the service takes none of its
 * actions that have an argument.  */
enum MHD_Result
MHD_upgrade_action (struct MHD_UpgradeResponseHandle *urh, enum MHD_UpgradeAction action, ...)
{
  LAZY_REAL (mhd, enum MHD_Result, MHD_upgrade_action,
             (struct MHD_UpgradeResponseHandle * urh, enum MHD_UpgradeAction action, ...))
  return real (urh, action);
}

struct MHD_Daemon *
MHD_start_daemon (unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
                  MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
  struct MHD_Daemon *d;
  va_list ap;

  va_start (ap, dh_cls);
  d = MHD_start_daemon_va (flags, port, apc, apc_cls, dh, dh_cls, ap);
  va_end (ap);
  return d;
}
