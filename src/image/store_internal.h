/* What the store's own files share (store.c, store_layers.c,
 * store_images*.c): the struct and the helpers that run under the lock.
 * Not for use outside src/image/store*.c.  */
#ifndef GALLEY_STORE_INTERNAL_H
#define GALLEY_STORE_INTERNAL_H

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>

#include <json-c/json.h>

#include "image/store.h"
#include "util/digest.h"

/* Documents kept in the store (manifests, configs, records) are small.  */
#define STORE_DOC_MAX (4u << 20)

/* A layer this process is extracting: the fd holding its `extracting` lock.  */
struct store_extraction
{
  char hex[HEX_ID_BUFSIZE];
  int fd;
};

struct store
{
  char *root;
  int root_fd;
  int lock_fd;
  pthread_mutex_t lock_mutex; /* serialises threads; the OFD lock serialises processes */
  bool locked;
  bool leftovers_cleaned;      /* once per process, by the first writer */
  pthread_mutex_t state_mutex; /* guards extractions and blob writes */
  struct store_extraction *extractions;
  size_t n_extractions;
  bool read_only;          /* an additional image store: read, never written or locked */
  struct store **readonly; /* the additional image stores of galley.conf, searched after this one */
  size_t n_readonly;
};

/* Open the read-only stores galley.conf names ([storage]
 * additional_image_stores) into s->readonly; one that cannot be read is a
 * warning and left out (store_readonly.c).  */
void store_readonly_open_all (struct store *s);
void store_readonly_close_all (struct store *s);
/* Refuse, naming its store, a change to image id when it is not s's own
 * but a read-only store's; 0 when it is not there either.  */
int store_readonly_refuse (struct store *s, const char *id, galley_error_t *err);
/* Images of the read-only stores whose ids s's listing does not have,
 * appended to *imgs (*n of them, room for *cap), read_only set.  */
int store_readonly_list (struct store *s, struct store_image ***imgs, size_t *n, size_t *cap,
                         galley_error_t *err);
/* Append img (taken) to *imgs.  */
int store_images_push (struct store_image ***imgs, size_t *n, size_t *cap, struct store_image *img,
                       galley_error_t *err);

/* Subdirectory fds (O_DIRECTORY) relative to the root.  */
int store_open_dir (struct store *s, const char *rel, galley_error_t *err);
/* The same, ready for readdir; NULL with err filled on failure.  */
DIR *store_list_dir (struct store *s, const char *rel, galley_error_t *err);

/* rm -rf dirfd/name for trees whose files may belong to subordinate ids
 * (layers): the seam where removal moves into the user namespace.  The tree
 * is first renamed to ".removing-<name>" so that a crash in the middle
 * leaves something the next writer recognises and finishes.  */
int store_remove_owned_tree (struct store *s, int dirfd, const char *name, galley_error_t *err);

/* Removing leftovers needs the lock; called by store_lock's first caller.  */
int store_cleanup_leftovers_locked (struct store *s, galley_error_t *err);
int store_layers_cleanup_locked (struct store *s, galley_error_t *err);
int store_images_cleanup_locked (struct store *s, galley_error_t *err);

/* Remove layer <hex> (under the lock).  */
int store_layer_remove_locked (struct store *s, const char *chain_id, galley_error_t *err);

/* Remove blob digest (under the lock); a blob that is not there is fine.  */
int store_blob_remove_locked (struct store *s, const char *digest, galley_error_t *err);

/* Image records and the name index (store_images.c).  index is the "names"
 * object of images.json (name -> id).  */
int store_index_read (struct store *s, json_object **out, galley_error_t *err);
int store_index_write (struct store *s, json_object *names, galley_error_t *err);
const char *store_index_lookup (json_object *index, const char *name);
/* index NULL: keep the names of image.json as they are.  */
int store_image_read (struct store *s, const char *id, json_object *index, struct store_image **out,
                      galley_error_t *err);
json_object *store_image_to_json (const struct store_image *img);
/* Drop from names (malloc'ed, NULL-terminated) those the index does not
 * give to image id (index NULL: keep all).  */
void store_names_keep_indexed (char **names, const char *id, json_object *index);

/* The listing cache of image records (util/list_cache.h), trusted whole
 * while the change counter images/changes (util/change_counter.h) is as
 * it was saved with, else checked against the ctime of each images/<id>
 * directory (store_images_cache.c).  Every write of an image.json and
 * every removal of an image directory counts its change.  */
#define STORE_IMAGES_CACHE "images-list.cache"
#define STORE_IMAGE_CACHE_FIELDS 11
#define STORE_IMAGES_CHANGE_COUNTER "changes"
void store_images_count_change (struct store *s);
struct list_cache;
/* Record i of a cache whose stamp is current, its names as the index
 * gives them; NULL when unusable.  */
struct store_image *store_image_from_cache (struct list_cache *cache, size_t i, json_object *index);
/* store_image_read of images/<id>, from the cache while images/<id> is
 * unchanged (images_fd: the images directory).  cache may be NULL.  */
int store_image_read_cached (struct store *s, struct list_cache *cache, int images_fd, const char *id,
                             json_object *index, struct store_image **out, galley_error_t *err);
int store_image_list_with_index (struct store *s, json_object *index, struct store_image ***out, size_t *n,
                                 galley_error_t *err);

/* json helpers for records.  */
char *store_now_rfc3339 (void);

#endif
