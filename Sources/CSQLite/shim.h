#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro Swift cannot import: it tells sqlite3_bind_* to copy the bytes.
static inline sqlite3_destructor_type nq_sqlite_transient(void) { return SQLITE_TRANSIENT; }
